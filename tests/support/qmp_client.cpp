#include "qmp_client.hpp"

#include "loopback_ports.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>

namespace vigil::test_support {
namespace {

int connect_unix(const std::string& path) {
  if (path.size() >= sizeof(sockaddr_un{}.sun_path)) throw std::runtime_error("QMP socket path too long: " + path);
  return connect_unix_socket(path);  // -1 while missing, refusing or its backlog is full: retried
}

}  // namespace

qmp_client::qmp_client(const std::string& socket_path, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while ((fd_ = connect_unix(socket_path)) < 0) {
    if (std::chrono::steady_clock::now() >= deadline)
      throw std::runtime_error("cannot connect to QMP at " + socket_path + ": " + std::strerror(errno));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // sleep-ok: a poll with its deadline
  }
  // A constructor that throws runs no destructor: close the connection here,
  // or QEMU keeps serving a client nobody reads and refuses every later one.
  try {
    const auto greeting = read_message(deadline + std::chrono::seconds(10));
    if (!greeting.contains("QMP")) throw std::runtime_error("no QMP greeting: " + greeting.dump());
    execute("qmp_capabilities");
  } catch (...) {
    ::close(fd_);
    fd_ = -1;
    throw;
  }
}

qmp_client::~qmp_client() {
  if (fd_ >= 0) ::close(fd_);
}

nlohmann::json qmp_client::execute(const std::string& command, const nlohmann::json& arguments,
                                   std::chrono::milliseconds limit) {
  nlohmann::json request{{"execute", command}};
  if (!arguments.empty()) request["arguments"] = arguments;
  const std::string line = request.dump() + "\n";
  for (std::size_t sent = 0; sent < line.size();) {
    const ssize_t n = ::send(fd_, line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) throw std::runtime_error("QMP " + command + ": send failed: " + std::strerror(errno));
    sent += static_cast<std::size_t>(n);
  }
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    auto message = read_message(deadline);
    if (message.contains("event")) {
      events_.push_back(std::move(message));
      continue;
    }
    if (message.contains("error"))
      throw std::runtime_error("QMP " + command + " failed: " + message["error"].value("class", "") + ": " +
                               message["error"].value("desc", ""));
    if (message.contains("return")) return message["return"];
    throw std::runtime_error("QMP " + command + ": unexpected answer " + message.dump());
  }
}

nlohmann::json qmp_client::read_message(std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    const auto end = buffered_.find('\n');
    if (end != std::string::npos) {
      const std::string line = buffered_.substr(0, end);
      buffered_.erase(0, end + 1);
      if (line.find_first_not_of(" \r") == std::string::npos) continue;
      auto parsed = nlohmann::json::parse(line, nullptr, false);
      if (parsed.is_discarded()) throw std::runtime_error("QMP sent a line that is not JSON: " + line);
      return parsed;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) throw std::runtime_error("QMP: no answer in time; partial: " + buffered_);
    pollfd ready{fd_, POLLIN, 0};
    if (::poll(&ready, 1, static_cast<int>(left.count())) <= 0) continue;
    char chunk[4096];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) throw std::runtime_error("QMP: QEMU closed the socket; partial: " + buffered_);
    buffered_.append(chunk, static_cast<std::size_t>(n));
  }
}

}  // namespace vigil::test_support
