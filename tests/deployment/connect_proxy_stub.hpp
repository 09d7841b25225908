// A small HTTP CONNECT proxy for the deployment tests, in the test process:
// it maps the CONNECT target (e.g. a Proxmox pseudo host that no real proxy
// could resolve) to a loopback port and relays bytes both ways, or misbehaves
// on purpose (refuses, demands credentials, answers garbage, closes).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace vigil::deployment_test {

class connect_proxy_stub {
public:
  enum class behaviour { tunnel, refuse, garbage, close_at_once };
  // Where a CONNECT target ("host:port" as sent) goes; nothing: 502.
  using target_map = std::function<std::optional<std::uint16_t>(const std::string& target)>;

  // `basic_credentials` ("user:password"): without a matching
  // Proxy-Authorization the answer is 407.
  connect_proxy_stub(behaviour how, target_map map, std::string basic_credentials = {});
  ~connect_proxy_stub();
  connect_proxy_stub(const connect_proxy_stub&) = delete;
  connect_proxy_stub& operator=(const connect_proxy_stub&) = delete;

  std::uint16_t port() const { return port_; }
  // Every request's lines (request line first), in arrival order.
  std::vector<std::vector<std::string>> requests() const;
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

private:
  void accept_loop();
  void serve(int client);

  behaviour how_;
  target_map map_;
  std::string expected_authorization_;
  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::vector<std::vector<std::string>> requests_;
  std::vector<std::thread> workers_;
  std::thread acceptor_;
};

}  // namespace vigil::deployment_test
