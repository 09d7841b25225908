// Free TCP ports on 127.0.0.1 for test servers, and a readiness probe.
#pragma once

#include <cstddef>
#include <cstdint>
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

}  // namespace vigil::test_support
