#include "ui/window_cursor.hpp"

#include "common/log.hpp"

namespace vigil {

void window_cursor::show(sf::Window& window, const protocol::cursor_state& cursor, bool pointer_grabbed) {
  if (!cursor.visible || !cursor.shape) {
    window.setMouseCursorVisible(false);
    return;
  }
  state_ = cursor;
  if (cursor.shape != shape_) {
    const auto& image = cursor.shape->image;
    std::vector<std::uint8_t> rgba(image.pixels.size() * 4);
    for (std::size_t i = 0; i < image.pixels.size(); ++i) {
      std::uint32_t pixel = image.pixels[i];  // 0xAARRGGBB
      rgba[i * 4] = static_cast<std::uint8_t>(pixel >> 16);
      rgba[i * 4 + 1] = static_cast<std::uint8_t>(pixel >> 8);
      rgba[i * 4 + 2] = static_cast<std::uint8_t>(pixel);
      rgba[i * 4 + 3] = static_cast<std::uint8_t>(pixel >> 24);
    }
    auto local = std::make_unique<sf::Cursor>();
    auto log = named_logger("viewer");
    if (!local->loadFromPixels(rgba.data(), {image.width, image.height}, {cursor.shape->hot_x, cursor.shape->hot_y})) {
      log->warn("cannot use the guest's {}x{} cursor as the local cursor", image.width, image.height);
      return;
    }
    window.setMouseCursor(*local);
    local_ = std::move(local);
    rgba_ = std::move(rgba);
    shape_ = cursor.shape;
    log->debug("cursor {}x{} hot spot ({},{})", image.width, image.height, cursor.shape->hot_x, cursor.shape->hot_y);
  }
  window.setMouseCursorVisible(!pointer_grabbed);
}

void window_cursor::reapply(sf::Window& window) const {
  if (local_)
    window.setMouseCursor(*local_);
}

}  // namespace vigil
