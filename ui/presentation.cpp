#include "ui/presentation.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include <SFML/Graphics.hpp>
#include <SFML/OpenGL.hpp>

#include "common/log.hpp"
#include "ui/window_opengl.hpp"

namespace vigil {

std::optional<presentation_choice> presentation_choice_named(const std::string& name) {
  if (name == "auto")
    return presentation_choice::automatic;
  if (name == "xshm")
    return presentation_choice::xshm;
  if (name == "gl")
    return presentation_choice::gl;
  return std::nullopt;
}

void presentation::set_cursor(const window_cursor* cursor) {
  // The rectangle drawn last, not one computed again: the shape may have changed.
  const protocol::rect before = drawn_cursor_;
  const auto before_shape = drawn_cursor_shape_;
  cursor_ = cursor && cursor->state().visible && cursor->shape() ? cursor : nullptr;
  if (cursor_)
    cursor_state_ = cursor_->state();
  drawn_cursor_ = cursor_rect();
  drawn_cursor_shape_ = cursor_ ? cursor_->shape() : nullptr;
  if (before == drawn_cursor_ && before_shape == drawn_cursor_shape_)
    return;
  window_damage_.add(before);
  window_damage_.add(drawn_cursor_);
}

void presentation::set_banner(const status_banner& banner) {
  if (banner == banner_)
    return;
  if (banner.shown() || banner_.shown())
    window_damage_.add(protocol::rect{0, 0, banner_height, static_cast<std::int32_t>(window_size_.x)});
  banner_ = banner;
}

void presentation::set_overlay(const sf::Image* image, sf::IntRect bounds) {
  window_damage_.add(overlay_rect_);  // where it was: the picture shows there again
  if (!image || bounds.width <= 0 || bounds.height <= 0) {
    overlay_rect_ = {};
    return;
  }
  overlay_image_ = *image;
  ++overlay_generation_;
  overlay_rect_ = protocol::rect{bounds.top, bounds.left, bounds.top + bounds.height, bounds.left + bounds.width};
  window_damage_.add(overlay_rect_);
}

void presentation::set_scaling(const scaling_settings& scaling) {
  scaling_ = scaling;
  window_size_ = {0, 0};  // the geometry must be computed again
  everything_ = true;
}

void presentation::picture_changed(const protocol::rect& area) { window_damage_.add(to_window(area)); }

void presentation::picture_resized(sf::Vector2u size) {
  picture_size_ = size;
  window_size_ = {0, 0};  // the geometry must be computed again
  everything_ = true;
}

bool presentation::follow_window_size() {
  const sf::Vector2u size = window_.getSize();
  if (size == window_size_)
    return false;
  window_size_ = size;
  geometry_ = picture_geometry::placed(picture_size_.x, picture_size_.y, static_cast<float>(size.x),
                                       static_cast<float>(size.y), scaling_);
  drawn_cursor_ = cursor_rect();
  everything_ = true;
  return true;
}

std::vector<protocol::rect> presentation::take_damage() {
  follow_window_size();
  if (everything_) {
    everything_ = false;
    window_damage_.clear();
    return {window_bounds()};
  }
  return window_damage_.take(window_bounds());
}

protocol::rect presentation::window_bounds() const {
  return protocol::rect{0, 0, static_cast<std::int32_t>(window_size_.y), static_cast<std::int32_t>(window_size_.x)};
}

// Guest pixels to the window pixels they are drawn on (at least one).
protocol::rect presentation::to_window(const protocol::rect& area) const {
  if (area.empty() || picture_size_.x == 0)
    return {};
  const float scale = geometry_.scale;
  auto low = [scale](float offset, std::int32_t value) {
    return static_cast<std::int32_t>(std::floor(offset + value * scale));
  };
  auto high = [scale](float offset, std::int32_t value) {
    return static_cast<std::int32_t>(std::ceil(offset + value * scale));
  };
  return protocol::rect{low(geometry_.offset_y, area.top), low(geometry_.offset_x, area.left),
                        high(geometry_.offset_y, area.bottom), high(geometry_.offset_x, area.right)};
}

protocol::rect presentation::cursor_rect() const {
  if (!cursor_ || !cursor_->shape())
    return {};
  const auto& shape = *cursor_->shape();
  const std::int32_t left = cursor_state_.x - shape.hot_x;
  const std::int32_t top = cursor_state_.y - shape.hot_y;
  return to_window(protocol::rect{top, left, top + static_cast<std::int32_t>(shape.image.height),
                                  left + static_cast<std::int32_t>(shape.image.width)});
}

void draw_banner(sf::RenderWindow& target, const status_banner& banner, const sf::Font& font) {
  if (!banner.shown())
    return;
  sf::RectangleShape band({target.getView().getSize().x, 28.f});
  band.setFillColor(sf::Color(0, 0, 0, 190));
  target.draw(band);
  sf::Text text(banner.text, font, 16);
  text.setFillColor(banner.phase == session_phase::failed ? sf::Color(255, 140, 120) : sf::Color(240, 240, 240));
  text.setPosition(8, 4);
  target.draw(text);
}

namespace {

// Software OpenGL draws every frame with the CPU, in this process.
bool software_renderer(const std::string& renderer) {
  for (const char* name : {"llvmpipe", "softpipe", "Software Rasterizer", "SWR"})
    if (renderer.find(name) != std::string::npos)
      return true;
  return false;
}

}  // namespace

std::unique_ptr<presentation> make_presentation(sf::RenderWindow& window, presentation_choice choice) {
  auto log = named_logger("viewer");
  if (windows_without_opengl()) {
    if (auto xshm = make_xshm_presentation(window)) {
      log->info("presentation: {}, no OpenGL", xshm->name());
      return xshm;
    }
    log->error("presentation: the window's visual takes no X images, and it has no OpenGL: nothing is shown");
    return make_gl_presentation(window);
  }
  window.setActive(true);
  const char* renderer = reinterpret_cast<const char*>(glGetString(GL_RENDERER));
  const std::string renderer_name = renderer ? renderer : "unknown";
  std::string why;
  if (choice == presentation_choice::automatic) {
    auto gl = make_gl_presentation(window);
    const bool partial = std::string(gl->name()) == "gl";
    if (software_renderer(renderer_name))
      why = "OpenGL is software (" + renderer_name + ")";
    else if (!partial)
      why = "OpenGL (" + renderer_name + ") cannot present part of a frame";
    else {
      log->info("presentation: gl ({}), changed rectangles only", renderer_name);
      return gl;
    }
    choice = presentation_choice::xshm;
  }
  if (choice == presentation_choice::xshm) {
    if (auto xshm = make_xshm_presentation(window)) {
      log->info("presentation: {}{}", xshm->name(), why.empty() ? std::string(" (as configured)") : ": " + why);
      return xshm;
    }
    log->warn("presentation: X images are not possible on this display; using OpenGL ({})", renderer_name);
  }
  auto gl = make_gl_presentation(window);
  log->info("presentation: {} ({})", gl->name(), renderer_name);
  return gl;
}

}  // namespace vigil
