#include "ui/window_picture.hpp"

#include <algorithm>

#include "common/log.hpp"

namespace vigil {

namespace {

constexpr const char* banner_font_path = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
constexpr unsigned banner_height = 28;

}  // namespace

window_picture::window_picture(sf::RenderWindow& window) : window_(window) {
  if (!font_.loadFromFile(banner_font_path))
    named_logger("viewer")->warn("cannot load {}: the status banner shows no text", banner_font_path);
}

bool window_picture::update(const primary_frame& frame) {
  if (frame.width == 0 || frame.height == 0)
    return false;
  bool new_size = size_.x != frame.width || size_.y != frame.height;
  if (new_size) {
    texture_.create(frame.width, frame.height);
    size_ = {frame.width, frame.height};
  }
  auto clamp = [](std::int64_t value, std::int64_t high) { return std::clamp<std::int64_t>(value, 0, high); };
  std::int64_t left = new_size ? 0 : clamp(frame.dirty.left, frame.width);
  std::int64_t top = new_size ? 0 : clamp(frame.dirty.top, frame.height);
  std::int64_t right = new_size ? frame.width : clamp(frame.dirty.right, frame.width);
  std::int64_t bottom = new_size ? frame.height : clamp(frame.dirty.bottom, frame.height);
  if (right <= left || bottom <= top)
    return new_size;
  auto width = static_cast<std::size_t>(right - left);
  rgba_.resize(width * static_cast<std::size_t>(bottom - top) * 4);
  std::uint8_t* out = rgba_.data();
  for (std::int64_t y = top; y < bottom; ++y) {
    const std::uint32_t* row = frame.pixels.data() + static_cast<std::size_t>(y) * frame.width;
    for (std::int64_t x = left; x < right; ++x) {
      std::uint32_t pixel = row[x];  // 0xAARRGGBB; SPICE's A is not opacity for the primary
      *out++ = static_cast<std::uint8_t>(pixel >> 16);
      *out++ = static_cast<std::uint8_t>(pixel >> 8);
      *out++ = static_cast<std::uint8_t>(pixel);
      *out++ = 0xFF;
    }
  }
  texture_.update(rgba_.data(), static_cast<unsigned>(width), static_cast<unsigned>(bottom - top),
                  static_cast<unsigned>(left), static_cast<unsigned>(top));
  return new_size;
}

void window_picture::draw(const window_cursor* cursor, const status_banner& banner, bool present) {
  window_.clear(sf::Color(32, 32, 32));
  auto area = window_.getView().getSize();
  if (size_.x > 0) {
    geometry_ = picture_geometry::fitted(size_.x, size_.y, area.x, area.y);
    sf::Sprite picture(texture_);
    picture.setScale(geometry_.scale, geometry_.scale);
    picture.setPosition(geometry_.offset_x, geometry_.offset_y);
    window_.draw(picture);
    if (cursor && cursor->state().visible && cursor->shape()) {
      const auto& shape = *cursor->shape();
      if (cursor->shape() != cursor_shape_) {
        cursor_texture_.create(shape.image.width, shape.image.height);
        cursor_texture_.update(cursor->rgba().data());
        cursor_shape_ = cursor->shape();
      }
      sf::Sprite pointer(cursor_texture_);
      pointer.setScale(geometry_.scale, geometry_.scale);
      pointer.setPosition(geometry_.offset_x + (cursor->state().x - shape.hot_x) * geometry_.scale,
                          geometry_.offset_y + (cursor->state().y - shape.hot_y) * geometry_.scale);
      window_.draw(pointer);
    }
  }
  if (banner.phase != "up" && !banner.text.empty()) {
    sf::RectangleShape band({area.x, static_cast<float>(banner_height)});
    band.setFillColor(sf::Color(0, 0, 0, 190));
    window_.draw(band);
    sf::Text text(banner.text, font_, 16);
    text.setFillColor(banner.phase == "failed" ? sf::Color(255, 140, 120) : sf::Color(240, 240, 240));
    text.setPosition(8, 4);
    window_.draw(text);
  }
  if (present)
    window_.display();
}

bool window_picture::save_screenshot(const std::string& path) {
  sf::Texture shot;
  shot.create(window_.getSize().x, window_.getSize().y);
  shot.update(window_);
  return shot.copyToImage().saveToFile(path);
}

}  // namespace vigil
