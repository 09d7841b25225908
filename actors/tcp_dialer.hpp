// Opens a stream to a SPICE server with a deadline: TCP (keepalive switched
// on), TCP through an HTTP CONNECT proxy, or a Unix socket. It blocks for up
// to the deadline, so it is only called from the detached one-shot connector
// actor (socket_broker.cpp), never on the scheduler.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "protocol/http_connect.hpp"

namespace vigil {

struct tcp_keepalive {
  bool enabled = true;
  std::chrono::seconds idle{30};      // first probe after this much silence
  std::chrono::seconds interval{10};  // between probes
  int probes = 3;                     // unanswered probes before the kernel drops it
};

struct dial_result {
  int fd = -1;        // connected, non-blocking socket on success
  std::string error;  // e.g. "connect to 127.0.0.1:5930 failed: Connection refused"
};

// Where a channel's stream goes.
struct dial_target {
  std::string host;  // the server's name as given (a proxy receives it verbatim)
  std::uint16_t port = 0;
  std::string unix_path;  // set: an AF_UNIX stream socket; host and port are unused
  std::optional<protocol::proxy_address> proxy;  // set: CONNECT host:port through it
};

// The deadline covers the whole dial, including the proxy's answer. Errors
// name the endpoint and, through a proxy, the proxy (never its credentials)
// and its status line.
dial_result dial(const dial_target& target, std::chrono::milliseconds timeout, const tcp_keepalive& keepalive);

dial_result dial_tcp(const std::string& host, std::uint16_t port, std::chrono::milliseconds timeout,
                     const tcp_keepalive& keepalive);

// Sets `keepalive` (and TCP_NODELAY) on a TCP socket: dial_tcp does on
// connect, and the socket broker again once CAF has taken the socket (its
// scribe switches SO_KEEPALIVE on, whatever was set).
void apply_keepalive(int fd, const tcp_keepalive& keepalive);

}  // namespace vigil
