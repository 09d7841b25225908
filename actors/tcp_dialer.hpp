// Opens a TCP connection with a deadline and TCP keepalive switched on.
// It blocks for up to the deadline, so it is only called from the detached
// one-shot connector actor (socket_broker.cpp), never on the scheduler.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

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

dial_result dial_tcp(const std::string& host, std::uint16_t port, std::chrono::milliseconds timeout,
                     const tcp_keepalive& keepalive);

}  // namespace vigil
