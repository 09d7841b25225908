// The supervisors' settings: watchdog deadlines and bounds, and the restart
// and reconnect policies. Defaults here; config/vigil.toml documents them.
#pragma once

#include <chrono>
#include <cstddef>

#include "common/backoff.hpp"

namespace vigil {

struct watchdog_settings {
  std::chrono::milliseconds heartbeat_interval{1000};  // how often every channel is probed
  std::chrono::milliseconds heartbeat_deadline{1000};  // a reply later than this: "stuck"
  std::size_t mailbox_bound = 256;                      // deeper: "mailbox_over_bound"
  std::chrono::milliseconds server_silence{45000};      // main/display with no server bytes this long: "server_silent"
};

struct supervision_settings {
  watchdog_settings watchdog;
  // A failed non-main channel is restarted alone with this policy.
  backoff_policy channel_restart{std::chrono::milliseconds(200), 2.0, std::chrono::milliseconds(5000), 0.2, 5,
                                 std::chrono::milliseconds(30000)};
  // A failed session (main channel, or a channel out of restarts) is reconnected with this one.
  backoff_policy reconnect{};
  bool log_transitions = false;  // --log-supervisor: health transitions at info level
  // --wait: a first connection that cannot reach the server (refused,
  // unreachable) is retried with the reconnect backoff, without an attempt
  // limit, until the server answers ("waiting for HOST:PORT").
  bool wait_for_server = false;
};

}  // namespace vigil
