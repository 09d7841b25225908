#include "actors/tcp_dialer.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace vigil {

namespace {

std::string endpoint_text(const std::string& host, std::uint16_t port) {
  return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
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

using clock = std::chrono::steady_clock;

int remaining_ms(clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

// Waits for `events` on `fd` until the deadline; false on timeout or error.
bool wait_for(int fd, short events, clock::time_point deadline) {
  pollfd waiter{fd, events, 0};
  int ready;
  do {
    ready = poll(&waiter, 1, remaining_ms(deadline));
  } while (ready < 0 && errno == EINTR);
  return ready > 0;
}

dial_result dial_unix(const std::string& path, std::chrono::milliseconds timeout) {
  dial_result outcome;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof(address.sun_path)) {
    outcome.error = "Unix socket path '" + path + "' is longer than " + std::to_string(sizeof(address.sun_path) - 1) +
                    " bytes";
    return outcome;
  }
  std::memcpy(address.sun_path, path.data(), path.size());
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    outcome.error = std::string("cannot create a Unix socket: ") + std::strerror(errno);
    return outcome;
  }
  std::string error;
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    if (errno != EINPROGRESS && errno != EAGAIN) {
      error = std::strerror(errno);
    } else if (!wait_for(fd, POLLOUT, clock::now() + timeout)) {
      error = "timed out after " + std::to_string(timeout.count()) + " ms";
    } else {
      int so_error = 0;
      socklen_t length = sizeof(so_error);
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &length);
      if (so_error != 0)
        error = std::strerror(so_error);
    }
  }
  if (!error.empty()) {
    close(fd);
    outcome.error = "connect to Unix socket " + path + " failed: " + error;
    return outcome;
  }
  outcome.fd = fd;
  return outcome;
}

// CONNECT through an HTTP proxy on an fd already connected to it. Reads the
// reply and nothing more: the server speaks only after the client (the link
// message, or the TLS ClientHello), so bytes after the reply are an error.
std::string connect_through_proxy(int fd, const protocol::proxy_address& proxy, const std::string& host,
                                  std::uint16_t port, clock::time_point deadline) {
  const std::string target = host + ":" + std::to_string(port);
  const std::string where = "proxy " + proxy.redacted() + " (CONNECT " + target + ")";
  const std::string request = protocol::build_connect_request(proxy, host, port);
  std::size_t sent = 0;
  while (sent < request.size()) {
    ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && wait_for(fd, POLLOUT, deadline))
      continue;
    return where + ": sending the request failed: " + (n < 0 ? std::strerror(errno) : "timed out");
  }
  std::vector<std::uint8_t> reply;
  std::uint8_t chunk[4096];
  while (true) {
    auto parsed = protocol::parse_connect_reply(reply.data(), reply.size());
    if (!parsed)
      return where + ": " + parsed.error().message;
    if (*parsed) {
      const auto& answer = **parsed;
      if (!answer.established())
        return where + " refused: " + answer.status_line;
      if (reply.size() > answer.length)
        return where + ": the proxy sent " + std::to_string(reply.size() - answer.length) +
               " bytes after its reply, before the client spoke";
      return {};
    }
    if (!wait_for(fd, POLLIN, deadline))
      return where + ": no reply within the connect timeout";
    ssize_t n = recv(fd, chunk, sizeof(chunk), 0);
    if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
      continue;
    if (n < 0)
      return where + ": " + std::strerror(errno);
    if (n == 0)
      return where + ": the proxy closed the connection " +
             (reply.empty() ? std::string("without answering") : "in the middle of its reply");
    reply.insert(reply.end(), chunk, chunk + n);
  }
}

}  // namespace

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

dial_result dial(const dial_target& target, std::chrono::milliseconds timeout, const tcp_keepalive& keepalive) {
  if (!target.unix_path.empty())
    return dial_unix(target.unix_path, timeout);
  if (!target.proxy)
    return dial_tcp(target.host, target.port, timeout, keepalive);
  auto deadline = clock::now() + timeout;
  auto outcome = dial_tcp(target.proxy->host, target.proxy->port, timeout, keepalive);
  if (outcome.fd < 0) {
    outcome.error = "proxy " + target.proxy->redacted() + ": " + outcome.error;
    return outcome;
  }
  auto error = connect_through_proxy(outcome.fd, *target.proxy, target.host, target.port, deadline);
  if (!error.empty()) {
    close(outcome.fd);
    return {-1, error};
  }
  return outcome;
}

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
