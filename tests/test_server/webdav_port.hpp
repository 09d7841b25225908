// The guest side of a webdav channel, handed to the test: a spice port char
// device named org.spice-space.webdav.0 (spice-server makes it a WEBDAV
// channel) whose guest end is a Unix socket the test connects to. What the
// test writes there reaches the client as SPICEVMC_DATA, and what the client
// sends comes back on the socket, so the test plays spice-webdavd (the mux
// records of protocol/webdav_mux.hpp) byte for byte. The port is opened
// (PORT_EVENT OPENED) when the test connects, closed when it hangs up.
// Lines: `webdav attached`, `webdav guest connected`, `webdav guest gone`.
#pragma once

#include <spice.h>

#include <string>

#include "event_loop.hpp"
#include "protocol/result.hpp"

namespace vigil::test_server {

class webdav_port {
public:
  webdav_port(event_loop& loop, std::string socket_path);
  ~webdav_port();
  webdav_port(const webdav_port&) = delete;
  webdav_port& operator=(const webdav_port&) = delete;

  void attach(SpiceServer* server);

private:
  static webdav_port& from(SpiceCharDeviceInstance* instance);
  static void hook_state(SpiceCharDeviceInstance* instance, int connected);
  static int hook_write(SpiceCharDeviceInstance* instance, const uint8_t* data, int size);
  static int hook_read(SpiceCharDeviceInstance* instance, uint8_t* data, int size);
  void on_listen_ready();
  void on_guest_ready();
  void drop_guest();

  event_loop& loop_;
  std::string socket_path_;
  int listen_fd_ = -1;
  int guest_fd_ = -1;
  SpiceWatch* listen_watch_ = nullptr;
  SpiceWatch* guest_watch_ = nullptr;
  SpiceCharDeviceInterface interface_{};
  struct owned_instance {
    SpiceCharDeviceInstance instance{};  // first: spice-server's pointer is also ours
    webdav_port* owner = nullptr;
  } instance_;
  protocol::bytes to_client_;
};

}  // namespace vigil::test_server
