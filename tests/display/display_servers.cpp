#include "display_servers.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "loopback_ports.hpp"

#ifndef VIGIL_TEST_SERVER_BINARY
#define VIGIL_TEST_SERVER_BINARY ""
#endif

namespace vigil::display_test {
namespace {

using namespace std::chrono_literals;
using test_support::background_process;
using test_support::read_text_file;

constexpr int start_attempts = 3;
constexpr auto listen_timeout = 10s;

std::string qemu_binary() {
  const char* override_path = std::getenv("VIGIL_QEMU");
  return override_path && *override_path ? override_path : "qemu-system-x86_64";
}

// One connected unix socket, closed on scope exit.
class unix_socket {
public:
  explicit unix_socket(const std::string& path) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.size() >= sizeof address.sun_path)
      return;
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    if (fd_ >= 0 && ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~unix_socket() {
    if (fd_ >= 0)
      ::close(fd_);
  }
  bool ok() const { return fd_ >= 0; }
  bool write_all(const std::string& text) {
    std::size_t sent = 0;
    while (sent < text.size()) {
      const ssize_t n = ::send(fd_, text.data() + sent, text.size() - sent, MSG_NOSIGNAL);
      if (n <= 0)
        return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }
  // Reads until `marker` has arrived `count` times in total, or the deadline.
  bool read_until(const std::string& marker, int count, std::chrono::milliseconds timeout, std::string& received) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    auto occurrences = [&] {
      int found = 0;
      for (std::size_t at = received.find(marker); at != std::string::npos; at = received.find(marker, at + 1))
        ++found;
      return found;
    };
    while (occurrences() < count) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0)
        return false;
      pollfd ready{fd_, POLLIN, 0};
      if (::poll(&ready, 1, static_cast<int>(left.count())) <= 0)
        continue;
      char buffer[4096];
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0)
        return false;
      received.append(buffer, static_cast<std::size_t>(n));
    }
    return true;
  }

private:
  int fd_ = -1;
};

}  // namespace

std::string test_server_binary() {
  const char* override_path = std::getenv("VIGIL_TEST_SERVER");
  return override_path && *override_path ? override_path : VIGIL_TEST_SERVER_BINARY;
}

scene_server::scene_server(const std::vector<std::string>& options) : work_directory_("scene-server") {
  const std::string log = work_directory_.file("server-output.log");
  for (int attempt = 1; attempt <= start_attempts; ++attempt) {
    port_ = test_support::find_free_loopback_port();
    std::vector<std::string> command{test_server_binary(), "--port", std::to_string(port_)};
    command.insert(command.end(), options.begin(), options.end());
    process_ = std::make_unique<background_process>(command, log);
    if (wait_for_output("listening port=", listen_timeout))
      return;
    process_->stop();  // most likely the port was taken in between: try another
  }
  throw std::runtime_error("vigil-test-server did not start listening; output:\n" + output());
}

scene_server::~scene_server() {
  if (process_)
    process_->stop();
}

std::string scene_server::output() const { return read_text_file(work_directory_.file("server-output.log")); }

bool scene_server::wait_for_output(const std::string& text, std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (output().find(text) == std::string::npos) {
    if (std::chrono::steady_clock::now() >= deadline || !process_->is_running())
      return output().find(text) != std::string::npos;
    std::this_thread::sleep_for(50ms);
  }
  return true;
}

qemu_seabios::qemu_seabios() : work_directory_("qemu-display") {
  const std::string log = work_directory_.file("qemu-output.log");
  const std::string monitor = work_directory_.file("monitor.sock");
  for (int attempt = 1; attempt <= start_attempts; ++attempt) {
    port_ = test_support::find_free_loopback_port();
    const std::vector<std::string> command{
      qemu_binary(), "-accel", "tcg", "-machine", "pc", "-m", "128", "-nodefaults", "-vga", "qxl", "-display",
      "none", "-serial", "none", "-monitor", "unix:" + monitor + ",server,nowait", "-spice",
      "addr=127.0.0.1,port=" + std::to_string(port_) + ",disable-ticketing=on"};
    process_ = std::make_unique<background_process>(command, log);
    const auto deadline = std::chrono::steady_clock::now() + listen_timeout;
    while (std::chrono::steady_clock::now() < deadline && process_->is_running()) {
      if (test_support::loopback_port_accepts_connections(port_))
        return;
      std::this_thread::sleep_for(50ms);
    }
    process_->stop();
  }
  throw std::runtime_error("QEMU did not start listening; output:\n" + output());
}

qemu_seabios::~qemu_seabios() {
  if (process_)
    process_->stop();
}

std::string qemu_seabios::output() const { return read_text_file(work_directory_.file("qemu-output.log")); }

std::string qemu_seabios::screendump(const std::string& path) const {
  unix_socket monitor(work_directory_.file("monitor.sock"));
  if (!monitor.ok())
    return "cannot connect to the QEMU monitor socket";
  std::string received;
  if (!monitor.read_until("(qemu) ", 1, 5s, received))
    return "no monitor prompt; got: " + received;
  // The command is done when the monitor prompts again.
  if (!monitor.write_all("screendump " + path + "\n") || !monitor.read_until("(qemu) ", 2, 10s, received))
    return "screendump did not finish; monitor said: " + received;
  if (read_text_file(path).empty())
    return "screendump wrote nothing; monitor said: " + received;
  return "";
}

}  // namespace vigil::display_test
