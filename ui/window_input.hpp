// The viewer window's keyboard and mouse, as the guest should get them.
//
// Keys come as set-1 scancodes, from x11_keyboard (X keycodes: every key of a
// 105-key layout) or, without evdev keycodes, from SFML's key events.
// Shift+F11 (full screen) and Shift+F12 (health snapshot) are the viewer's;
// every other key is the guest's. Keys held when the window loses the focus
// are released in the guest; on focus-in the guest's lock keys follow the
// local ones.
//
// The pointer: in client mouse mode an absolute guest position through the
// picture's scale and offset; in server mouse mode, like remote-viewer, a
// click grabs the pointer (hidden, held at the window's centre so motion
// never stops at an edge) and Ctrl+Alt or losing the focus releases it.
//
// Every event goes to `send`, as one of the messages of actors/input_events.hpp.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>

#include <SFML/Window.hpp>
#include <caf/make_message.hpp>
#include <caf/message.hpp>

#include "ui/x11_keyboard.hpp"

namespace vigil {

// Where the guest's picture is in the window: window pixel (x, y) shows guest
// pixel ((x - offset_x) / scale, (y - offset_y) / scale).
struct picture_geometry {
  unsigned width = 0;  // of the guest's picture; 0 before the first frame
  unsigned height = 0;
  float scale = 1;
  float offset_x = 0;
  float offset_y = 0;

  // The picture scaled to fit a window of this size, aspect kept, centred.
  static picture_geometry fitted(unsigned width, unsigned height, float window_width, float window_height);
  // The guest pixel under window pixel (x, y); nothing outside the picture.
  std::optional<sf::Vector2u> guest_position(int x, int y) const;
};

class window_input {
public:
  using send_function = std::function<void(caf::message)>;
  // What the viewer's own keys asked for.
  struct requests {
    bool toggle_fullscreen = false;
    bool snapshot = false;
  };

  // `grab_changed` is called whenever the pointer is grabbed or released.
  window_input(sf::Window& window, send_function send, std::function<void()> grab_changed);

  // After the window was (re)created. False: keys come from SFML (see x11_keyboard.hpp).
  bool watch(const sf::Window& window);
  bool x11_keys() const { return x11_keys_; }

  void set_mouse_mode(std::uint16_t mode);  // SPICE_MOUSE_MODE_*
  std::uint16_t mouse_mode() const { return mouse_mode_; }
  void set_geometry(const picture_geometry& geometry) { geometry_ = geometry; }
  bool grabbed() const { return grabbed_; }

  // SFML's events, in the order they came.
  void sfml_key(sf::Keyboard::Key key, bool pressed, requests& out);
  void mouse_moved(int x, int y);
  // Ctrl+click: x11_keyboard's keys before the button, so the guest sees Ctrl first.
  void mouse_button(sf::Mouse::Button button, bool pressed, requests& out);
  void wheel(float delta, requests& out);
  void focus_lost();
  void focus_gained();

  // x11_keyboard's keys and focus changes since the last call.
  void take_x11_keys(requests& out);
  // x11_keyboard's connection (-1: keys come from SFML) and whether it has events waiting.
  int connection_fd() const { return x11_keys_ ? x11_.connection_fd() : -1; }
  bool events_waiting() const { return x11_keys_ && x11_.events_waiting(); }

private:
  void key(protocol::pc_key key, bool pressed, requests& out);
  void send_pc_key(protocol::pc_key key, bool pressed);
  void sync_lock_keys(std::uint16_t locks);
  void release_held_keys();
  void send_relative_motion(int x, int y);
  sf::Vector2i window_centre() const;
  void grab_pointer();
  void release_pointer();

  sf::Window& window_;
  send_function send_;
  std::function<void()> grab_changed_;
  x11_keyboard x11_;
  bool x11_keys_ = false;  // keys come from x11_ (else from SFML)
  picture_geometry geometry_;
  std::uint16_t mouse_mode_;
  bool grabbed_ = false;
  std::uint16_t buttons_ = 0;  // SPICE_MOUSE_BUTTON_MASK_*
  std::set<protocol::pc_key> held_keys_;
  std::set<protocol::pc_key> hot_keys_held_;  // Shift+F11 / Shift+F12 pressed: their release is ours too
};

}  // namespace vigil
