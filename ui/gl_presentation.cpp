// The OpenGL presentation (presentation.hpp): the picture is a texture updated
// by sub-rectangle (glTexSubImage2D from the frame's own BGRA bytes; a
// frame's scrolls by reading the texture back, see apply_moves); each
// presentation draws only the changed window rectangles into the back buffer
// (scissored) and copies just those to the front (glXCopySubBufferMESA). The
// back buffer is not swapped in between, so it keeps the whole window.
// Without that extension every presentation draws the whole window and swaps.
#include <cstring>
#include <vector>

#include <SFML/Graphics.hpp>
#include <SFML/OpenGL.hpp>

#include "common/log.hpp"
#include "ui/presentation.hpp"

// Xlib's macros (None, Status, ...) clash with SFML's names: X headers last.
#include <GL/glx.h>

namespace vigil {

namespace {

constexpr const char* banner_font_path = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
const sf::Color background(32, 32, 32);
// The picture's A is not opacity (SPICE leaves it 0 on xRGB surfaces): its
// colours replace what is under them, whose alpha stays.
const sf::BlendMode opaque_picture(sf::BlendMode::One, sf::BlendMode::Zero, sf::BlendMode::Add, sf::BlendMode::Zero,
                                   sf::BlendMode::One, sf::BlendMode::Add);

using copy_sub_buffer_function = void (*)(Display*, GLXDrawable, int, int, int, int);

class gl_presentation final : public presentation {
public:
  explicit gl_presentation(sf::RenderWindow& window) : presentation(window) {
    window_.setActive(true);
    Display* display = glXGetCurrentDisplay();
    const char* extensions = display ? glXQueryExtensionsString(display, DefaultScreen(display)) : nullptr;
    if (extensions && std::strstr(extensions, "GLX_MESA_copy_sub_buffer"))
      copy_sub_buffer_ = reinterpret_cast<copy_sub_buffer_function>(
        glXGetProcAddressARB(reinterpret_cast<const GLubyte*>("glXCopySubBufferMESA")));
    if (!font_.loadFromFile(banner_font_path))
      named_logger("viewer")->warn("cannot load {}: the status banner shows no text", banner_font_path);
  }

  const char* name() const override { return copy_sub_buffer_ ? "gl" : "gl-swap"; }

  bool update(const frame_patch& frame) override {
    if (frame.width == 0 || frame.height == 0)
      return false;
    const bool new_size = picture_size_.x != frame.width || picture_size_.y != frame.height;
    if (new_size) {
      texture_.create(frame.width, frame.height);
      picture_resized({frame.width, frame.height});
    }
    follow_window_size();
    if (!frame.pixels)
      return new_size;
    window_.setActive(true);
    sf::Texture::bind(&texture_);
    if (!frame.moves.empty())
      apply_moves(frame.moves);
    for (std::size_t i = 0; i < frame.rects.size(); ++i) {
      const auto& r = frame.rects[i];
      glTexSubImage2D(GL_TEXTURE_2D, 0, r.left, r.top, static_cast<GLsizei>(r.width()),
                      static_cast<GLsizei>(r.height()), GL_BGRA, GL_UNSIGNED_BYTE, frame.rect_pixels(i));
      picture_changed(r);
    }
    sf::Texture::bind(nullptr);
    return new_size;
  }

  void present() override {
    if (!has_changes() && window_.getSize() == window_size_)
      return;
    const bool resized = follow_window_size();
    if (resized)
      window_.setView(sf::View(sf::FloatRect(0, 0, static_cast<float>(window_size_.x),
                                             static_cast<float>(window_size_.y))));
    std::vector<protocol::rect> rects = take_damage();
    if (rects.empty())
      return;
    window_.setActive(true);
    // A new size reaches Mesa's software drivers' buffers only at a swap:
    // one swap first, then the frame. Swapped, the back buffer is undefined,
    // so the presentation after this one draws everything again.
    if (!copy_sub_buffer_ || resized) {
      if (resized && copy_sub_buffer_)
        window_.display();
      draw_everything();
      window_.display();
      back_buffer_stale_ = copy_sub_buffer_ != nullptr;
      return;
    }
    if (back_buffer_stale_) {
      rects = {window_bounds()};
      back_buffer_stale_ = false;
    }
    Display* display = glXGetCurrentDisplay();
    const GLXDrawable drawable = glXGetCurrentDrawable();
    const auto height = static_cast<GLint>(window_size_.y);
    glEnable(GL_SCISSOR_TEST);
    for (const auto& r : rects) {  // OpenGL counts rows from the bottom
      glScissor(r.left, height - r.bottom, static_cast<GLsizei>(r.width()), static_cast<GLsizei>(r.height()));
      draw_everything();
    }
    glDisable(GL_SCISSOR_TEST);
    for (const auto& r : rects)
      copy_sub_buffer_(display, drawable, r.left, height - r.bottom, static_cast<int>(r.width()),
                       static_cast<int>(r.height()));
    glFlush();
  }

  bool save_screenshot(const std::string& path) override {
    present();
    window_.setActive(true);
    if (back_buffer_stale_) {  // just swapped: draw the back buffer whole again
      draw_everything();
      back_buffer_stale_ = false;
    }
    sf::Texture shot;
    shot.create(window_.getSize().x, window_.getSize().y);
    shot.update(window_);
    return shot.copyToImage().saveToFile(path);
  }

  sf::Image picture_image() override {
    if (picture_size_.x == 0)
      return {};
    window_.setActive(true);
    sf::Image image = texture_.copyToImage();
    auto size = image.getSize();
    for (unsigned y = 0; y < size.y; ++y)
      for (unsigned x = 0; x < size.x; ++x) {
        auto pixel = image.getPixel(x, y);
        pixel.a = 255;  // SPICE's A is not opacity
        image.setPixel(x, y, pixel);
      }
    return image;
  }

private:
  void draw_everything() {
    window_.clear(background);
    if (picture_size_.x > 0) {
      sf::Sprite picture(texture_);
      picture.setScale(geometry_.scale, geometry_.scale);
      picture.setPosition(geometry_.offset_x, geometry_.offset_y);
      window_.draw(picture, sf::RenderStates(opaque_picture));
      if (cursor_)
        draw_cursor();
    }
    draw_banner(window_, banner_, font_);
    if (!overlay_rect().empty())
      draw_overlay();
  }

  void draw_overlay() {
    if (overlay_uploaded_ != overlay_generation()) {
      overlay_texture_.loadFromImage(overlay_image());
      overlay_uploaded_ = overlay_generation();
    }
    sf::Sprite menu(overlay_texture_);
    menu.setPosition(static_cast<float>(overlay_rect().left), static_cast<float>(overlay_rect().top));
    window_.draw(menu);
  }

  void draw_cursor() {
    const auto& shape = *cursor_->shape();
    if (cursor_->shape() != cursor_shape_) {
      cursor_texture_.create(shape.image.width, shape.image.height);
      cursor_texture_.update(cursor_->rgba().data());
      cursor_shape_ = cursor_->shape();
    }
    sf::Sprite pointer(cursor_texture_);
    pointer.setScale(geometry_.scale, geometry_.scale);
    pointer.setPosition(geometry_.offset_x + (cursor_state_.x - shape.hot_x) * geometry_.scale,
                        geometry_.offset_y + (cursor_state_.y - shape.hot_y) * geometry_.scale);
    window_.draw(pointer);
  }

  copy_sub_buffer_function copy_sub_buffer_ = nullptr;
  bool back_buffer_stale_ = false;  // swapped since the back buffer was last drawn whole
  // Scrolls: the texture is read back, moved and the moved rectangles put
  // back (the texture is bound). Only frames with moves pay for the read.
  void apply_moves(const std::vector<protocol::surface_move>& moves) {
    const std::size_t width = picture_size_.x;
    std::vector<std::uint32_t> picture(width * picture_size_.y);
    glGetTexImage(GL_TEXTURE_2D, 0, GL_BGRA, GL_UNSIGNED_BYTE, picture.data());
    for (const auto& move : moves)
      protocol::apply_move(picture.data(), width, move);
    glPixelStorei(GL_UNPACK_ROW_LENGTH, static_cast<GLint>(width));
    for (const auto& move : moves) {
      const auto& r = move.to;
      glTexSubImage2D(GL_TEXTURE_2D, 0, r.left, r.top, static_cast<GLsizei>(r.width()),
                      static_cast<GLsizei>(r.height()), GL_BGRA, GL_UNSIGNED_BYTE,
                      picture.data() + static_cast<std::size_t>(r.top) * width + static_cast<std::size_t>(r.left));
      picture_changed(r);
    }
    glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
  }

  sf::Texture texture_;
  sf::Texture cursor_texture_;
  std::shared_ptr<const protocol::cursor_shape> cursor_shape_;  // the one in cursor_texture_
  sf::Font font_;
  sf::Texture overlay_texture_;  // the overlay image, uploaded when it changes
  std::uint64_t overlay_uploaded_ = 0;  // the overlay generation in overlay_texture_
};

}  // namespace

std::unique_ptr<presentation> make_gl_presentation(sf::RenderWindow& window) {
  return std::make_unique<gl_presentation>(window);
}

}  // namespace vigil
