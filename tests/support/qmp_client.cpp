#include "qmp_client.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>
#include <thread>

namespace vigil::test_support {

qmp_client::qmp_client(const std::string& socket_path, std::chrono::milliseconds limit) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (socket_path.size() >= sizeof(address.sun_path))
    throw std::runtime_error("QMP socket path too long: " + socket_path);
  std::memcpy(address.sun_path, socket_path.data(), socket_path.size());
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (true) {
    fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0)
      break;
    close(fd_);
    fd_ = -1;
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error("cannot connect to QMP at " + socket_path);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  read_line(limit);  // the greeting
  execute("qmp_capabilities");
}

qmp_client::~qmp_client() {
  if (fd_ >= 0)
    close(fd_);
}

std::string qmp_client::read_line(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (auto end = buffer_.find('\n'); end != std::string::npos) {
      std::string line = buffer_.substr(0, end);
      buffer_.erase(0, end + 1);
      return line;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd waiter{fd_, POLLIN, 0};
    if (left.count() <= 0 || poll(&waiter, 1, static_cast<int>(left.count())) <= 0)
      throw std::runtime_error("QMP: no reply in time");
    char chunk[4096];
    ssize_t n = recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0)
      throw std::runtime_error("QMP: the socket closed");
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
}

std::string qmp_client::execute(const std::string& command, const std::string& arguments_json,
                                std::chrono::milliseconds timeout) {
  std::string request = "{\"execute\": \"" + command + "\", \"arguments\": " + arguments_json + "}\n";
  if (send(fd_, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size()))
    throw std::runtime_error("QMP: cannot send " + command);
  while (true) {
    std::string line = read_line(timeout);
    if (line.find("\"return\"") != std::string::npos || line.find("\"error\"") != std::string::npos)
      return line;  // anything else is an event
  }
}

}  // namespace vigil::test_support
