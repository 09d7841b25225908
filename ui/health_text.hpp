// The health snapshot for a person, as the menu's Session health shows it:
// the session's state, uptime, reconnects and last fault, then a table of
// the channels (state, bytes both ways, last activity, restarts).
#pragma once

#include <string>
#include <vector>

#include "actors/session.hpp"

namespace vigil {

std::vector<std::string> health_text(const session_health& health);

}  // namespace vigil
