#include "ui/window_picture.hpp"

#include <algorithm>

#include <SFML/OpenGL.hpp>

#include "common/log.hpp"

namespace vigil {

namespace {

constexpr const char* banner_font_path = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
constexpr unsigned banner_height = 28;
// The picture's A is not opacity (SPICE leaves it 0 on xRGB surfaces): its
// colours replace what is under them, whose alpha stays.
const sf::BlendMode opaque_picture(sf::BlendMode::One, sf::BlendMode::Zero, sf::BlendMode::Add, sf::BlendMode::Zero,
                                   sf::BlendMode::One, sf::BlendMode::Add);

}  // namespace

window_picture::window_picture(sf::RenderWindow& window) : window_(window) {
  if (!font_.loadFromFile(banner_font_path))
    named_logger("viewer")->warn("cannot load {}: the status banner shows no text", banner_font_path);
}

bool window_picture::update(const frame_patch& frame) {
  if (frame.width == 0 || frame.height == 0)
    return false;
  bool new_size = size_.x != frame.width || size_.y != frame.height;
  if (new_size) {
    texture_.create(frame.width, frame.height);
    size_ = {frame.width, frame.height};
  }
  if (!frame.pixels)
    return new_size;
  // The canvas's 0xAARRGGBB words are BGRA bytes: uploaded as they are.
  window_.setActive(true);
  sf::Texture::bind(&texture_);
  for (std::size_t i = 0; i < frame.rects.size(); ++i) {
    const auto& r = frame.rects[i];
    glTexSubImage2D(GL_TEXTURE_2D, 0, r.left, r.top, static_cast<GLsizei>(r.width()), static_cast<GLsizei>(r.height()),
                    GL_BGRA, GL_UNSIGNED_BYTE, frame.rect_pixels(i));
  }
  sf::Texture::bind(nullptr);
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
    window_.draw(picture, sf::RenderStates(opaque_picture));
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
