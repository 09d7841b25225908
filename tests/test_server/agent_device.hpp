// An emulated spice-vdagent behind a "vdagent" char device: what a guest's
// agent would say, scripted. It answers the client's capabilities, can grab
// the guest clipboard with a given text, asks the client for its text when
// the client grabs (as a guest application pasting would), and resizes the
// primary surface on MONITORS_CONFIG (as a guest's display driver would).
// Everything it receives is printed as `agent ...` lines (README.md).
//
// Threads: spice-server calls the char device hooks on the event loop
// thread; the surface is resized from a posted task, outside the hook.
#pragma once

#include <spice.h>

#include <cstdint>
#include <string>

#include "event_loop.hpp"
#include "protocol/vdagent.hpp"
#include "qxl_display.hpp"

namespace vigil::test_server {

struct agent_options {
  bool enabled = false;
  std::string clipboard_text;  // grabbed in the guest once the client announced its capabilities
  bool resize_on_monitors_config = true;
};

class agent_device {
public:
  agent_device(event_loop& loop, qxl_display& display, agent_options options);
  agent_device(const agent_device&) = delete;
  agent_device& operator=(const agent_device&) = delete;

  void attach(SpiceServer* server);

private:
  static agent_device& from(SpiceCharDeviceInstance* instance);
  static void hook_state(SpiceCharDeviceInstance* instance, int connected);
  static int hook_write(SpiceCharDeviceInstance* instance, const uint8_t* data, int size);
  static int hook_read(SpiceCharDeviceInstance* instance, uint8_t* data, int size);

  void on_client_bytes(const uint8_t* data, std::size_t size);
  void on_message(const protocol::agent_message& message);
  void send(std::uint32_t type, const protocol::bytes& data);
  void grab_guest_clipboard();
  void resize_primary(int width, int height);
  protocol::clipboard_layout layout() const;

  event_loop& loop_;
  qxl_display& display_;
  agent_options options_;
  SpiceCharDeviceInterface interface_{};
  struct owned_instance {
    SpiceCharDeviceInstance instance{};  // first: spice-server's pointer is also ours
    agent_device* owner = nullptr;
  } instance_;
  protocol::bytes from_client_;  // VDIChunkHeader + data, as spice-server writes it
  protocol::bytes to_client_;    // what read() hands spice-server next
  std::size_t to_client_offset_ = 0;
  protocol::agent_reassembler reassembler_{1 << 20};
  protocol::agent_capabilities client_caps_;
  std::uint32_t guest_serial_ = 0;
  bool grabbed_once_ = false;
};

}  // namespace vigil::test_server
