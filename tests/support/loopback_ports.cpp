#include "loopback_ports.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/un.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include "waiting.hpp"
#include <thread>

namespace vigil::test_support {
namespace {

sockaddr_in loopback_address(std::uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

class socket_fd {
public:
  socket_fd() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    if (fd_ < 0) throw std::runtime_error(std::string("socket() failed: ") + std::strerror(errno));
  }
  ~socket_fd() { ::close(fd_); }
  socket_fd(const socket_fd&) = delete;
  socket_fd& operator=(const socket_fd&) = delete;
  int get() const { return fd_; }

private:
  int fd_;
};

std::uint16_t bind_to_any_free_port(const socket_fd& socket) {
  sockaddr_in address = loopback_address(0);
  if (::bind(socket.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    throw std::runtime_error(std::string("bind(127.0.0.1:0) failed: ") + std::strerror(errno));
  }
  socklen_t length = sizeof address;
  if (::getsockname(socket.get(), reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error(std::string("getsockname() failed: ") + std::strerror(errno));
  }
  return ntohs(address.sin_port);
}

}  // namespace

std::uint16_t find_free_loopback_port() { return find_free_loopback_ports(1).front(); }

std::vector<std::uint16_t> find_free_loopback_ports(std::size_t count) {
  std::vector<socket_fd> held(count);
  std::vector<std::uint16_t> ports;
  for (const auto& socket : held) ports.push_back(bind_to_any_free_port(socket));
  return ports;
}

// Non-blocking with a one-second bound: a listener whose backlog is full (a
// frozen peer of another test on a reused port) would otherwise hold a
// blocking connect() for minutes, past every deadline of the caller.
bool loopback_port_accepts_connections(std::uint16_t port) {
  socket_fd socket;
  ::fcntl(socket.get(), F_SETFL, O_NONBLOCK);
  sockaddr_in address = loopback_address(port);
  if (::connect(socket.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) return true;
  if (errno != EINPROGRESS) return false;
  pollfd writable{socket.get(), POLLOUT, 0};
  if (::poll(&writable, 1, 1000) != 1) return false;
  int error = 0;
  socklen_t length = sizeof error;
  return ::getsockopt(socket.get(), SOL_SOCKET, SO_ERROR, &error, &length) == 0 && error == 0;
}

bool wait_for_loopback_port(std::uint16_t port, std::chrono::milliseconds limit) {
  return wait_until([&] { return loopback_port_accepts_connections(port); }, limit);
}

int connect_loopback(std::uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  // A full backlog drops the SYN and a plain connect() would retry for two
  // minutes; bound it.
  timeval limit{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    close(fd);
    return -1;
  }
  timeval none{0, 0};  // callers relay with blocking sends: no timeout after the connect
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &none, sizeof none);
  return fd;
}

int connect_unix_socket(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof address.sun_path) {
    errno = ENAMETOOLONG;
    return -1;
  }
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return -1;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    return fd;
  }
  const int error = errno;
  ::close(fd);
  errno = error;
  return -1;
}

}  // namespace vigil::test_support
