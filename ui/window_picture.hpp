// What the viewer window shows: the guest's picture scaled to the window with
// the aspect kept, the guest's cursor where the guest says it is (server
// mouse mode), and a banner with the session's state ("Reconnecting in 4.1 s
// (attempt 3/8)", "Disconnected: ...") over the last good picture.
// Frames update the picture only where they changed.
#pragma once

#include <string>
#include <vector>

#include <SFML/Graphics.hpp>

#include "actors/renderer.hpp"
#include "ui/window_cursor.hpp"
#include "ui/window_input.hpp"

namespace vigil {

struct status_banner {
  std::string phase = "connecting";  // the session's; no banner while "up"
  std::string text;
};

class window_picture {
public:
  explicit window_picture(sf::RenderWindow& window);

  // Copies the frame's changed rectangles into the picture. True when the
  // picture's size changed.
  bool update(const frame_patch& frame);
  sf::Vector2u size() const { return size_; }

  // Draws everything into the window's back buffer, and presents it unless
  // `present` is false. `cursor` is drawn over the picture when not null.
  void draw(const window_cursor* cursor, const status_banner& banner, bool present = true);
  // Where the picture was last drawn.
  const picture_geometry& geometry() const { return geometry_; }

  // The window's content as an image file (PNG by extension).
  bool save_screenshot(const std::string& path);

private:
  sf::RenderWindow& window_;
  sf::Texture texture_;
  sf::Vector2u size_{0, 0};
  sf::Texture cursor_texture_;
  std::shared_ptr<const protocol::cursor_shape> cursor_shape_;  // the one in cursor_texture_
  sf::Font font_;
  picture_geometry geometry_;
};

}  // namespace vigil
