#include "ui/window_placement.hpp"

#include <algorithm>

#include <SFML/Window/VideoMode.hpp>

namespace vigil {

void keep_on_desktop(sf::Window& window) {
  const auto desktop = sf::VideoMode::getDesktopMode();
  const auto size = window.getSize();
  const auto position = window.getPosition();
  auto fit = [](int at, unsigned extent, unsigned limit) {
    return extent >= limit ? 0 : std::clamp(at, 0, static_cast<int>(limit - extent));
  };
  const sf::Vector2i visible{fit(position.x, size.x, desktop.width), fit(position.y, size.y, desktop.height)};
  if (visible != position)
    window.setPosition(visible);
}

}  // namespace vigil
