// Free TCP ports on 127.0.0.1 for test servers, and a readiness probe.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace vigil::test_support {

// A port that nothing listens on right now (the kernel picks it: bind to port 0).
// Another process may still take it before the caller does; callers that start a
// server on it retry with a new port if the bind fails.
std::uint16_t find_free_loopback_port();

// `count` distinct free ports (all sockets are held open until every port is
// known, so the kernel cannot hand out the same one twice).
std::vector<std::uint16_t> find_free_loopback_ports(std::size_t count);

// True when a TCP connect to 127.0.0.1:port succeeds (the connection is closed
// again at once).
bool loopback_port_accepts_connections(std::uint16_t port);

// Polls every 50 ms until 127.0.0.1:port accepts connections (a server just
// started there is up) or `limit` has passed; true when it does.
// A connected TCP socket to 127.0.0.1:port (blocking), or -1.
int connect_loopback(std::uint16_t port);

// A connected unix stream socket at `path` (blocking once connected), or -1
// with errno set: missing, refused, or a full backlog. The connect itself never
// blocks: a listener that accepts one client at a time (QEMU's QMP) would hold
// a blocking connect() for as long as its current client stays.
int connect_unix_socket(const std::string& path);

bool wait_for_loopback_port(std::uint16_t port, std::chrono::milliseconds limit);

}  // namespace vigil::test_support
