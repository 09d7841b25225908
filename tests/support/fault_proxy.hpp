// A TCP proxy between the client under test and a real SPICE server that can
// freeze, cut or delay individual SPICE channels: the network faults the
// supervision tests need. It recognises each connection's channel from the
// client's SpiceLinkMess (channel_type at byte 20 of the first 21 bytes).
//
// Runs its own poll() thread; every control call is thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace vigil::test_support {

class fault_proxy {
public:
  // Listens on a free loopback port and forwards to 127.0.0.1:upstream_port.
  explicit fault_proxy(std::uint16_t upstream_port);
  ~fault_proxy();
  fault_proxy(const fault_proxy&) = delete;
  fault_proxy& operator=(const fault_proxy&) = delete;

  std::uint16_t port() const { return port_; }

  // Stops forwarding, in both directions, on every current connection of that
  // channel type (SPICE_CHANNEL_*); the sockets stay open. New connections
  // flow normally.
  void freeze(std::uint8_t channel_type);
  // Closes every current connection of that channel type on both sides.
  void cut(std::uint8_t channel_type);
  // Holds every forwarded chunk this long before passing it on (0: off).
  void set_delay(std::chrono::milliseconds delay);
  // Stops listening: new connections are refused (ECONNREFUSED) until
  // accept_connections() listens on the same port again. Current connections
  // flow on. Both return once the listener is closed or open again.
  void refuse_connections();
  void accept_connections();

  // How many connections of that type were accepted so far.
  std::size_t connections_seen(std::uint8_t channel_type) const;

private:
  struct connection;
  void run();
  void accept_one();
  void listen_on(std::uint16_t port);
  void set_listening(bool listening);
  void pump(connection& link, bool from_client);

  int listener_ = -1;
  int wake_pipe_[2] = {-1, -1};
  std::uint16_t port_ = 0;
  std::uint16_t upstream_port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<long long> delay_ms_{0};
  std::atomic<bool> want_listening_{true};
  std::atomic<bool> listening_{true};
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<connection>> connections_;
  std::thread thread_;
};

}  // namespace vigil::test_support
