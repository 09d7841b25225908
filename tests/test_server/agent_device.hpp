// An emulated spice-vdagent behind a "vdagent" char device: what a guest's
// agent would say, scripted. It answers the client's capabilities, can grab
// a guest selection (CLIPBOARD or PRIMARY) with given data (text or an
// image), asks the client for its data when the client grabs (as a guest
// application pasting would), takes files (FILE_XFER, or refuses them as
// told), and resizes the primary surface on MONITORS_CONFIG (as a guest's
// display driver would).
// Everything it receives is printed as `agent ...` lines (README.md).
//
// Threads: spice-server calls the char device hooks on the event loop
// thread; the surface is resized from a posted task, outside the hook.
#pragma once

#include <spice.h>

#include <cstdint>
#include <map>
#include <string>

#include "event_loop.hpp"
#include "protocol/vdagent.hpp"
#include "qxl_display.hpp"

namespace vigil::test_server {

struct agent_options {
  bool enabled = false;
  std::string clipboard_text;  // grabbed in the guest once the client announced its capabilities
  std::uint32_t clipboard_type = 1;  // VD_AGENT_CLIPBOARD_* of clipboard_text (1: UTF-8 text, 2: PNG)
  std::uint8_t selection = 0;        // VD_AGENT_CLIPBOARD_SELECTION_* the guest grabs
  bool lineend_crlf = false;         // announce VD_AGENT_CAP_GUEST_LINEEND_CRLF (a Windows guest)
  std::uint32_t file_xfer_result = 0;  // answer to FILE_XFER_START: 0 CAN_SEND_DATA, else that status
  bool file_xfer_stall = false;        // take the data but never answer SUCCESS
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
  void on_file_xfer_start(const protocol::bytes& data);
  void on_file_xfer_data(const protocol::bytes& data);
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
  protocol::agent_reassembler reassembler_{64 << 20};
  struct incoming_file {
    std::string name;
    std::uint64_t size = 0;
    protocol::bytes data;
  };
  std::map<std::uint32_t, incoming_file> files_;
  protocol::agent_capabilities client_caps_;
  std::uint32_t guest_serial_ = 0;
  bool grabbed_once_ = false;
};

}  // namespace vigil::test_server
