// The client's monitors as the X server's RandR lists them (XRRGetMonitors,
// active ones), in its order: --monitor-mapping's client numbers.
#pragma once

#include <vector>

#include "ui/monitor_mapping.hpp"

namespace vigil {

// Asked on a connection of its own, opened and closed here (when full
// screen is entered, not on any frame path). Empty without RandR.
std::vector<screen_area> client_monitors();

}  // namespace vigil
