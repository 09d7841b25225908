// Where a window goes on the desktop.
#pragma once

#include <SFML/Window/Window.hpp>

namespace vigil {

// Moves `window` so all of it is on the desktop (when it fits), e.g. after it
// grew to the guest's resolution.
void keep_on_desktop(sf::Window& window);

}  // namespace vigil
