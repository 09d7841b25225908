// The viewer window's keyboard and mouse, as the guest should get them.
//
// Keys come as set-1 scancodes, from x11_keyboard (X keycodes: every key of a
// 105-key layout) or, without evdev keycodes, from SFML's key events.
// Hotkeys (ui/hotkeys.hpp) are the viewer's; every other key is the guest's.
// A key's release goes to the guest only while the guest holds it down, so
// a hotkey's release, or a key pressed while the menu had the keyboard,
// never reaches it. Keys held when the window loses the focus are released
// in the guest; on focus-in the guest's lock keys follow the local ones.
// While the menu is open its keys go to it instead (`keys_for_viewer`).
//
// The pointer: in client mouse mode an absolute guest position through the
// picture's scale and offset; in server mouse mode, like remote-viewer, a
// click grabs the pointer (hidden, held at the window's centre so motion
// never stops at an edge) and the release-cursor hotkey or losing the focus
// releases it.
//
// Every event goes to `send`, as one of the messages of actors/input_events.hpp.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>

#include <SFML/Window.hpp>

#include "actors/input_events.hpp"
#include "ui/hotkeys.hpp"
#include "ui/window_scaling.hpp"
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

  // The picture in a window of this size, scaled as `scaling` says
  // (ui/window_scaling.hpp; by default to fit, aspect kept, centred).
  static picture_geometry placed(unsigned width, unsigned height, float window_width, float window_height,
                                 const scaling_settings& scaling = {});
  // The guest pixel under window pixel (x, y); nothing outside the picture.
  std::optional<sf::Vector2u> guest_position(int x, int y) const;
};

// A window that shows one guest head: where its picture is in the window,
// where the head is on its display's surface, and which display.
struct pointer_target {
  picture_geometry geometry;
  std::uint32_t left = 0;
  std::uint32_t top = 0;
  std::uint8_t display = 0;
};

// A high-resolution wheel reports fractions of a notch; they add up, and a
// notch goes out each time they make a whole one, so the guest scrolls as far
// as a notched wheel would have.
class wheel_notches {
public:
  // Whole notches to send now for this delta (> 0 up, < 0 down).
  int add(float delta);

private:
  float remainder_ = 0;  // less than one notch, not sent yet
};

class window_input {
public:
  using send_function = std::function<void(input_event)>;
  // The viewer's own keys, called at once and in order with the guest's
  // keys (a hotkey that opens the menu takes the very next key for it).
  struct viewer_keys {
    std::function<void(hotkey_action)> hotkey;
    std::function<bool()> wanted;                // while true, presses go to `key`, not to the guest
    std::function<void(protocol::pc_key)> key;
  };

  // `grab_changed` is called whenever the pointer is grabbed or released.
  window_input(sf::Window& window, hotkey_map hotkeys, send_function send, std::function<void()> grab_changed,
               viewer_keys viewer);

  // After the window was (re)created. False: keys come from SFML (see x11_keyboard.hpp).
  bool watch(const sf::Window& window);
  bool x11_keys() const { return x11_keys_; }
  // The other heads' windows (ui/head_windows.hpp), whose keys are the guest's too.
  void watch_heads(const std::vector<unsigned long>& windows) {
    if (x11_keys_)
      x11_.watch_also(windows);
  }
  // Grab the keyboard for the guest while focused with the pointer inside (x11_keyboard.hpp).
  void set_keyboard_grab(bool enabled) { x11_.set_grab_enabled(enabled); }
  bool keyboard_grabbed() const { return x11_.grabbed(); }
  // While the window reads SFML's key events itself (the password form).
  void suspend_keyboard_grab(bool suspended) { x11_.suspend_grab(suspended); }

  void set_mouse_mode(std::uint16_t mode);  // SPICE_MOUSE_MODE_*
  std::uint16_t mouse_mode() const { return mouse_mode_; }
  void set_geometry(const picture_geometry& geometry) { geometry_ = geometry; }
  bool grabbed() const { return grabbed_; }
  const hotkey_map& hotkeys() const { return hotkeys_; }

  // The viewer takes the keyboard (viewer_keys::wanted became true): the keys
  // the guest holds are released in it.
  void keys_for_viewer() { release_held_keys(); }
  // Types a combination in the guest (every key down in order, then up in
  // reverse), after releasing what the guest holds: the send-key menu and
  // the secure-attention hotkey.
  void send_combination(const key_combination& combination);
  // The release-cursor action: the pointer grab (server mouse mode) ends.
  void release_cursor() { release_pointer(); }

  // SFML's events, in the order they came.
  void sfml_key(sf::Keyboard::Key key, bool pressed);
  void mouse_moved(int x, int y);
  // A pointer event (motion, button, wheel) in another head's window
  // (ui/head_windows.hpp). In client mouse mode as in the viewer window, the
  // position on that head's display; in server mouse mode none: the pointer
  // is grabbed in the viewer window only.
  void head_window_pointer(const sf::Event& event, const pointer_target& target);
  // Ctrl+click: x11_keyboard's keys before the button, so the guest sees Ctrl first.
  void mouse_button(sf::Mouse::Button button, bool pressed);
  // SFML's vertical wheel delta: notches, fractions from high-resolution wheels.
  void wheel(float delta);
  void focus_lost();
  void focus_gained();

  // x11_keyboard's keys and focus changes since the last call; its
  // connection is read when `socket_readable` (x11_keyboard::take_events).
  void take_x11_keys(bool socket_readable);
  // x11_keyboard's connection (-1: keys come from SFML) and whether it has events waiting.
  int connection_fd() const { return x11_keys_ ? x11_.connection_fd() : -1; }
  bool events_waiting() const { return x11_keys_ && x11_.events_waiting(); }
  // When take_x11_keys() must run even if no event comes (a keyboard grab to try again).
  std::optional<std::chrono::steady_clock::time_point> next_deadline() const {
    return x11_keys_ ? x11_.grab_retry() : std::nullopt;
  }

private:
  void key(protocol::pc_key key, bool pressed);
  void send_pc_key(protocol::pc_key key, bool pressed);
  void sync_lock_keys(std::uint16_t locks);
  void release_held_keys();
  void send_relative_motion(int x, int y);
  sf::Vector2i window_centre() const;
  void grab_pointer();
  void release_pointer();
  void regrab_pointer();

  sf::Window& window_;
  send_function send_;
  std::function<void()> grab_changed_;
  hotkey_map hotkeys_;
  x11_keyboard x11_;
  bool x11_keys_ = false;  // keys come from x11_ (else from SFML)
  picture_geometry geometry_;
  std::uint16_t mouse_mode_;
  bool grabbed_ = false;
  std::uint16_t buttons_ = 0;  // SPICE_MOUSE_BUTTON_MASK_*
  wheel_notches wheel_;
  viewer_keys viewer_;
  std::set<protocol::pc_key> held_keys_;     // down in the guest
  std::set<protocol::pc_key> pressed_keys_;  // down on the local keyboard (what hotkeys match against)
  std::set<protocol::pc_key> hot_keys_held_;  // a hotkey's key: its release is the viewer's too
};

}  // namespace vigil
