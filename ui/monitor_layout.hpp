// The monitors config a window asks the guest for (pure): the guest's heads,
// as its last DISPLAY_MONITORS_CONFIG placed them, fitted to a window size.
//
// One window shows the whole primary surface, every head on it; resizing it
// scales every head by the same factor, so the config carries each head's
// new size and position, never only the first (what the guest's agent does
// with a one-head config is turn the other heads off). The heads are then
// laid side by side, left to right in their current order and top-aligned
// (remote-viewer's linear alignment), so they neither overlap nor leave gaps.
#pragma once

#include <cstdint>
#include <vector>

#include "actors/agent_events.hpp"

namespace vigil {

// `heads` fitted to a `width` x `height` window: widths scaled so they add up
// to `width` exactly, heights scaled by height / (the tallest head's height),
// x side by side in the order of the current x, y 0. No heads (the server sent
// no MONITORS_CONFIG): one head, id 0, of the window's size. Every size is at
// least 1.
std::vector<monitor_placement> fit_heads(const std::vector<monitor_placement>& heads, std::uint32_t width,
                                     std::uint32_t height);

}  // namespace vigil
