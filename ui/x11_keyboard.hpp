// The window's keyboard as the X server has it: SFML 2.5 names keys by
// keysym, which cannot tell the ISO "<>" key from Shift+comma, both Enter
// keys apart, or name the lock keys and Print Screen. X keycodes can: on an
// evdev-based X server (Xorg on Linux, Xvfb) the keycode is the Linux input
// code + 8, one per physical key. This opens its own Xlib connection and
// selects key and focus events on SFML's window there (X lets several
// clients select key events on one window), so every key of a 105-key
// layout reaches the guest, in the order the X server saw them.
//
// It also grabs the keyboard for the guest, as remote-viewer's grab-keyboard
// does: while the window has the focus and the pointer is over it, X sends
// every key to this connection (XGrabKeyboard), so Alt+Tab, Super and the
// desktop's other shortcuts reach the guest. release_grab() (the
// release-cursor hotkey) lets go until the pointer leaves the window, the
// window loses the focus, or resume_grab() (a click in the window).
//
// The other heads' windows (ui/head_windows.hpp, watch_also()) are the
// guest's keyboard too: keys typed in any of them go to the guest, and the
// grab follows the focus to whichever of them has it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include "protocol/inputs_messages.hpp"

namespace vigil {

class x11_keyboard {
public:
  x11_keyboard();  // without an X server it reads nothing
  ~x11_keyboard();
  x11_keyboard(const x11_keyboard&) = delete;
  x11_keyboard& operator=(const x11_keyboard&) = delete;

  // Reads the key and focus events of `window` (an X Window id, SFML's
  // system handle) from now on. False when keys cannot be read this way (no
  // X server, or keycodes that are not evdev's); the caller then uses SFML's
  // key events, which miss the keys above.
  bool watch(unsigned long window);
  // The other heads' windows, as they are now (none: an empty list). Only
  // after watch() said true.
  void watch_also(const std::vector<unsigned long>& windows);

  // Whether to grab the keyboard at all (config keyboard.grab).
  void set_grab_enabled(bool enabled) { grab_enabled_ = enabled; }
  void release_grab();
  void resume_grab() { grab_released_ = false; }
  // While the viewer reads SFML's key events itself (the password form), the
  // keyboard is not grabbed here: SFML's connection would get no keys.
  void suspend_grab(bool suspended);
  bool grabbed() const { return grab_window_ != 0; }
  // When the keyboard grab, refused because another client held the
  // keyboard, is tried again (take_events() must run then); none otherwise.
  std::optional<std::chrono::steady_clock::time_point> grab_retry() const;

  struct event {
    // keys_taken: another client grabbed the keyboard (a desktop shortcut):
    // the keys held now will be released there, not here.
    enum class kind { key, focus_in, focus_out, grab_changed, keys_taken };
    kind what = kind::key;
    protocol::pc_key key = protocol::pc_key::escape;  // kind::key
    bool pressed = false;                             // kind::key
    // kind::focus_in: SPICE_KEYBOARD_MODIFIER_FLAGS_* (SCROLL 1, NUM 2,
    // CAPS 4) as the local lock LEDs are now, for KEY_MODIFIERS.
    std::uint16_t locks = 0;
  };
  // The events that arrived since the last call, in order; never blocks.
  // Auto-repeat comes as repeated presses (no release in between), as a
  // PC keyboard sends it. Takes or lets go of the keyboard grab as the focus
  // and the pointer say (kind::grab_changed: see grabbed()). Reads the
  // connection when `socket_readable` (poll(2) said so, or the caller needs
  // what came up to now); otherwise takes only what Xlib already queued.
  std::vector<event> take_events(bool socket_readable);

  // The local lock LEDs now (SPICE_KEYBOARD_MODIFIER_FLAGS_*); std::nullopt
  // without an X server.
  std::optional<std::uint16_t> lock_state();

  // For a loop that sleeps until there is something to take: the connection's
  // file descriptor (-1 without an X server), and whether events are already
  // read and waiting (then poll(2) on the descriptor would not see them;
  // sends the buffered requests first, reads nothing).
  int connection_fd() const;
  bool events_waiting() const;

private:
  bool watched(unsigned long window) const;
  // Selects our events on `window` and notes whether it has the focus or the pointer now.
  void select(unsigned long window);
  unsigned long grab_wanted() const;  // the window to grab the keyboard in now; 0: none
  void ungrab();
  void update_grab(std::vector<event>& events);

  struct display;
  display* display_ = nullptr;
  unsigned long window_ = 0;              // the viewer window
  std::vector<unsigned long> also_;       // the other heads' windows
  unsigned long focused_window_ = 0;      // which of ours has the focus; 0: none
  unsigned long pointer_window_ = 0;      // which of ours the pointer is over; 0: none
  unsigned long grab_window_ = 0;         // which of ours holds the keyboard grab; 0: none
  bool focus_when_mapped_ = false;
  bool grab_enabled_ = true;
  bool grab_released_ = false;  // by the user, until the pointer or the focus leaves
  bool grab_suspended_ = false;
  std::vector<event> pending_;  // focus changes kept while keys typed during a suspension were dropped
  std::optional<std::chrono::steady_clock::time_point> grab_refused_;  // the last XGrabKeyboard, refused
};

}  // namespace vigil
