// A minimal QMP (QEMU Machine Protocol) client for tests: connects to QEMU's
// `-qmp unix:PATH,server=on,wait=off` socket, negotiates capabilities, and
// runs commands, returning the JSON text of each reply (events are skipped).
#pragma once

#include <chrono>
#include <string>

namespace vigil::test_support {

class qmp_client {
public:
  // Connects (retrying until `limit`: QEMU creates the socket as it starts)
  // and sends qmp_capabilities. Throws std::runtime_error on failure.
  explicit qmp_client(const std::string& socket_path, std::chrono::milliseconds limit = std::chrono::seconds(10));
  ~qmp_client();
  qmp_client(const qmp_client&) = delete;
  qmp_client& operator=(const qmp_client&) = delete;

  // Sends {"execute": command, "arguments": arguments_json} and returns the
  // reply line ({"return": ...} or {"error": ...}). Throws on a timeout or a
  // closed socket.
  std::string execute(const std::string& command, const std::string& arguments_json = "{}",
                      std::chrono::milliseconds timeout = std::chrono::seconds(10));

private:
  std::string read_line(std::chrono::milliseconds timeout);

  int fd_ = -1;
  std::string buffer_;
};

}  // namespace vigil::test_support
