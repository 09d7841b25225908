// The health snapshot as one line of JSON: what vigil prints at exit, and on
// demand on SIGUSR1 and the viewer's Shift+F12.
#pragma once

#include <optional>
#include <string>

#include "actors/session.hpp"

namespace vigil {

struct exit_status {
  int code = 0;
  std::string reason;
  // exit_codes::auth_failed only: what asking again means.
  bool sasl = false;            // the server wants a SASL user name and password
  bool ticket_expired = false;  // a ticket that had worked was refused on a reconnect
};

// `exit` is empty for an on-demand snapshot (SIGUSR1) taken while running.
std::string health_snapshot_json(const session_health& health, const std::optional<exit_status>& exit);

}  // namespace vigil
