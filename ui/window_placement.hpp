// Where a window goes on the desktop.
#pragma once

#include <map>
#include <optional>

#include <SFML/Window/Window.hpp>

#include "ui/monitor_mapping.hpp"

namespace vigil {

// Moves `window` so all of it is on the desktop (when it fits), e.g. after it
// grew to the guest's resolution.
void keep_on_desktop(sf::Window& window);

// Where guest monitor `guest` (1: the first head) goes: in full screen with
// a --monitor-mapping that maps it, its client monitor (RandR's, asked now:
// ui/x11_monitors.hpp); else nothing.
std::optional<screen_area> mapped_area(bool fullscreen, int guest, const std::map<int, int>& mapping);
// Makes `window` anew: borderless, covering `area`.
void cover(sf::Window& window, const screen_area& area);

}  // namespace vigil
