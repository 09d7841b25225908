#include "actors/tcp_dialer.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace vigil {

namespace {

std::string endpoint_text(const std::string& host, std::uint16_t port) {
  return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

void apply_keepalive(int fd, const tcp_keepalive& keepalive) {
  int on = keepalive.enabled ? 1 : 0;
  setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on));
  if (!keepalive.enabled)
    return;
  int idle = static_cast<int>(keepalive.idle.count());
  int interval = static_cast<int>(keepalive.interval.count());
  int probes = keepalive.probes;
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof(interval));
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &probes, sizeof(probes));
  int nodelay = 1;  // SPICE messages are small and latency-bound (input, pongs)
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &nodelay, sizeof(nodelay));
}

// Connects one resolved address; returns the fd or -1 with `error` set.
int connect_one(const addrinfo* address, std::chrono::milliseconds timeout, std::string& error) {
  int fd = socket(address->ai_family, address->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, address->ai_protocol);
  if (fd < 0) {
    error = std::strerror(errno);
    return -1;
  }
  if (connect(fd, address->ai_addr, address->ai_addrlen) == 0)
    return fd;
  if (errno != EINPROGRESS) {
    error = std::strerror(errno);
    close(fd);
    return -1;
  }
  pollfd waiter{fd, POLLOUT, 0};
  int ready;
  do {
    ready = poll(&waiter, 1, static_cast<int>(timeout.count()));
  } while (ready < 0 && errno == EINTR);
  if (ready == 0) {
    error = "timed out after " + std::to_string(timeout.count()) + " ms";
    close(fd);
    return -1;
  }
  int so_error = 0;
  socklen_t length = sizeof(so_error);
  getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &length);
  if (ready < 0 || so_error != 0) {
    error = std::strerror(ready < 0 ? errno : so_error);
    close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

dial_result dial_tcp(const std::string& host, std::uint16_t port, std::chrono::milliseconds timeout,
                     const tcp_keepalive& keepalive) {
  dial_result outcome;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* addresses = nullptr;
  int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &addresses);
  if (rc != 0) {
    outcome.error = "cannot resolve host '" + host + "': " + gai_strerror(rc);
    return outcome;
  }
  std::string error = "no address";
  for (addrinfo* address = addresses; address; address = address->ai_next) {
    int fd = connect_one(address, timeout, error);
    if (fd >= 0) {
      apply_keepalive(fd, keepalive);
      outcome.fd = fd;
      break;
    }
  }
  freeaddrinfo(addresses);
  if (outcome.fd < 0)
    outcome.error = "connect to " + endpoint_text(host, port) + " failed: " + error;
  return outcome;
}

}  // namespace vigil
