#include "ui/window_placement.hpp"

#include <algorithm>

#include <SFML/Window/VideoMode.hpp>

#include "ui/x11_monitors.hpp"

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

std::optional<screen_area> mapped_area(bool fullscreen, int guest, const std::map<int, int>& mapping) {
  if (!fullscreen || mapping.empty())
    return std::nullopt;
  return mapped_monitor(guest, mapping, client_monitors());
}

void cover(sf::Window& window, const screen_area& area) {
  window.create(sf::VideoMode(static_cast<unsigned>(area.width), static_cast<unsigned>(area.height)), "Vigil",
                sf::Style::None);
  window.setPosition({area.left, area.top});
}

}  // namespace vigil
