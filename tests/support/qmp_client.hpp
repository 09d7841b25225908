// A QEMU Machine Protocol client on QEMU's unix socket (-qmp unix:PATH,...):
// greeting, qmp_capabilities, then one command at a time. Used for screendump,
// query-status and the like; events that arrive meanwhile are kept.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace vigil::test_support {

class qmp_client {
public:
  // Connects (retrying until `limit`: QEMU may not have made the socket yet),
  // reads the greeting and leaves capabilities negotiation mode. Throws
  // std::runtime_error saying what failed.
  explicit qmp_client(const std::string& socket_path,
                      std::chrono::milliseconds limit = std::chrono::seconds(10));
  ~qmp_client();

  qmp_client(const qmp_client&) = delete;
  qmp_client& operator=(const qmp_client&) = delete;

  // Runs `command`; its "return" value. Throws std::runtime_error with QMP's
  // error class and description, or when no answer comes within `limit`.
  nlohmann::json execute(const std::string& command, const nlohmann::json& arguments = nlohmann::json::object(),
                         std::chrono::milliseconds limit = std::chrono::seconds(30));

  const std::vector<nlohmann::json>& events() const { return events_; }

private:
  nlohmann::json read_message(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  std::string buffered_;
  std::vector<nlohmann::json> events_;
};

}  // namespace vigil::test_support
