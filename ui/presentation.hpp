// How the window's content reaches the screen: the guest's picture scaled to
// the window with the aspect kept (or as zoomed: ui/window_scaling.hpp), the guest's cursor drawn over it where the
// guest says it is (server mouse mode), and a banner with the session's state
// ("Reconnecting in 4.1 s (attempt 3/8)") over the last good picture.
//
// Only what changed is uploaded and presented: a frame's rectangles, in the
// canvas's own pixel format (0xAARRGGBB words are BGRA bytes, which both X
// and OpenGL take as they are), and the overlays' old and new places. Two
// ways, chosen once per window (`presentation_choice`):
//   xshm  X shared-memory images put on SFML's X window (XShmPutImage): no
//         OpenGL drawing at all. For software OpenGL (llvmpipe), where every
//         GL frame would be drawn by the CPU in our own process.
//   gl    a texture updated by sub-rectangle and drawn by OpenGL; only the
//         changed parts of the back buffer are drawn and copied to the front
//         (GLX_MESA_copy_sub_buffer), else the whole frame is swapped. For a GPU.
// SFML keeps owning the window, its events and the audio either way.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <SFML/Graphics/Font.hpp>
#include <SFML/Graphics/Image.hpp>
#include <SFML/Graphics/Rect.hpp>
#include <SFML/Graphics/RenderWindow.hpp>

#include "actors/frame_patch.hpp"
#include "actors/session.hpp"
#include "protocol/damage_region.hpp"
#include "ui/window_cursor.hpp"
#include "ui/window_input.hpp"

namespace vigil {

enum class presentation_choice { automatic, xshm, gl };
// "auto", "xshm", "gl"; nothing for anything else.
std::optional<presentation_choice> presentation_choice_named(const std::string& name);

struct status_banner {
  session_phase phase = session_phase::connecting;  // no banner while up
  std::string text;
  bool shown() const { return phase != session_phase::up && !text.empty(); }
  bool operator==(const status_banner& other) const { return phase == other.phase && text == other.text; }
};

class presentation {
public:
  explicit presentation(sf::RenderWindow& window) : window_(window) {}
  virtual ~presentation() = default;
  presentation(const presentation&) = delete;
  presentation& operator=(const presentation&) = delete;

  virtual const char* name() const = 0;

  // A frame's changes. True when the picture's size changed (the window
  // should follow it). Frames come only while !presenting().
  virtual bool update(const frame_patch& frame) = 0;
  sf::Vector2u picture_size() const { return picture_size_; }

  // What is drawn over the picture; each call notes what changed on screen.
  // `cursor` null: none (client mouse mode: the local pointer is the cursor).
  void set_cursor(const window_cursor* cursor);
  void set_banner(const status_banner& banner);
  // The menu (ui/window_menu.hpp): `image` (straight alpha) covers `bounds`
  // of the window, drawn over everything else; null: none. Copied.
  void set_overlay(const sf::Image* image, sf::IntRect bounds);
  // How big the picture is drawn (zoom, scale-to-fit, integer scaling:
  // ui/window_scaling.hpp); everything is placed and drawn again.
  void set_scaling(const scaling_settings& scaling);
  // The window was resized or uncovered: everything is drawn again.
  void repaint_all() { everything_ = true; }
  // SFML made a new window (full screen toggled): draw on that one, all of it.
  virtual void window_recreated() { everything_ = true; }

  // Changes wait to be put on screen.
  bool has_changes() const { return everything_ || !window_damage_.empty(); }
  // Puts every change on screen, unless the last presentation is still being read.
  virtual void present() = 0;
  // The last presentation still reads our memory (XShm): the next frame waits.
  virtual bool presenting() const { return false; }

  // Its own X connection, if it has one (-1: none), for the main loop's sleep:
  // whether events already wait in its queue (sending the buffered requests
  // first; reads nothing), and handling them: the connection is read only
  // when `socket_readable` (poll(2) said so).
  virtual int connection_fd() const { return -1; }
  virtual bool events_waiting() { return false; }
  virtual void take_events(bool socket_readable) { (void)socket_readable; }

  // Where the picture is in the window, as of the last change of size.
  const picture_geometry& geometry() const { return geometry_; }
  // What the window shows, as an image file (PNG by extension); presents first.
  virtual bool save_screenshot(const std::string& path) = 0;
  // The guest's picture alone, opaque, at its own size (empty before the first frame).
  virtual sf::Image picture_image() = 0;

protected:
  // The guest-picture rectangle `area` changed; the window rectangle `area` must be drawn again.
  void picture_changed(const protocol::rect& area);
  void window_changed(const protocol::rect& area) { window_damage_.add(area); }
  void picture_resized(sf::Vector2u size);
  // Recomputes where the picture goes if the window's size changed; true then.
  bool follow_window_size();
  // The window rectangles to draw now (everything: the whole window); clears them.
  std::vector<protocol::rect> take_damage();
  protocol::rect window_bounds() const;
  // The guest cursor's rectangle in the window (empty: none drawn).
  protocol::rect cursor_rect() const;
  // The overlay's rectangle in the window (empty: none) and its RGBA pixels.
  const protocol::rect& overlay_rect() const { return overlay_rect_; }
  const sf::Image& overlay_image() const { return overlay_image_; }
  std::uint64_t overlay_generation() const { return overlay_generation_; }  // changes with the image
  static constexpr int banner_height = 28;

  sf::RenderWindow& window_;
  sf::Vector2u picture_size_{0, 0};
  picture_geometry geometry_;
  sf::Vector2u window_size_{0, 0};  // geometry_ is for this size
  scaling_settings scaling_;        // and this scaling
  const window_cursor* cursor_ = nullptr;
  protocol::cursor_state cursor_state_;  // what cursor_rect() was computed from
  status_banner banner_;
  protocol::rect overlay_rect_;
  sf::Image overlay_image_;
  std::uint64_t overlay_generation_ = 0;

private:
  protocol::rect to_window(const protocol::rect& area) const;

  protocol::damage_region window_damage_;
  bool everything_ = true;
  protocol::rect drawn_cursor_;  // where the cursor is drawn, in the window
  std::shared_ptr<const protocol::cursor_shape> drawn_cursor_shape_;
};

// The banner drawn by SFML (OpenGL) across the top of `target`.
void draw_banner(sf::RenderWindow& target, const status_banner& banner, const sf::Font& font);

// The presentation `choice` asks for; automatic: xshm where OpenGL is
// software or cannot present part of a frame, gl with a GPU. Falls back to
// gl when xshm cannot work on this display (logged). Windows with no OpenGL
// (ui/window_opengl.hpp) always get xshm.
std::unique_ptr<presentation> make_presentation(sf::RenderWindow& window, presentation_choice choice);

// The two ways (gl_presentation.cpp, xshm_presentation.cpp). make_xshm_presentation
// returns null when the display cannot take it (no MIT-SHM-capable visual match).
std::unique_ptr<presentation> make_gl_presentation(sf::RenderWindow& window);
std::unique_ptr<presentation> make_xshm_presentation(sf::RenderWindow& window);

}  // namespace vigil
