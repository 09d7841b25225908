#include "ui/x11_keyboard.hpp"

#include <X11/XKBlib.h>
#include <X11/Xlib.h>
#include <X11/keysym.h>
#include <spice/enums.h>

namespace vigil {

struct x11_keyboard::display {
  Display* handle = nullptr;
};

x11_keyboard::x11_keyboard() {
  Display* handle = XOpenDisplay(nullptr);
  if (!handle)
    return;
  display_ = new display{handle};
  const std::pair<protocol::pc_key, KeySym> keys[] = {{protocol::pc_key::print_screen, XK_Print}};
  for (auto [key, symbol] : keys)
    if (KeyCode code = XKeysymToKeycode(handle, symbol))
      special_keys_.emplace_back(key, code);
  keypad_enter_ = XKeysymToKeycode(handle, XK_KP_Enter);
  last_locks_ = lock_state();
}

x11_keyboard::~x11_keyboard() {
  if (display_) {
    XCloseDisplay(display_->handle);
    delete display_;
  }
}

bool x11_keyboard::key_down(unsigned keycode) {
  char keymap[32];
  XQueryKeymap(display_->handle, keymap);
  return keycode < 256 && (keymap[keycode / 8] & (1 << (keycode % 8)));
}

std::vector<std::pair<protocol::pc_key, bool>> x11_keyboard::changed_special_keys() {
  std::vector<std::pair<protocol::pc_key, bool>> changed;
  if (!display_)
    return changed;
  // A lock key is known by its LED, which outlasts even the quickest tap:
  // one that toggled since last time is sent as a press and a release.
  if (auto locks = lock_state(); locks && last_locks_ && *locks != *last_locks_) {
    const std::pair<std::uint16_t, protocol::pc_key> lock_keys[] = {
      {SPICE_KEYBOARD_MODIFIER_FLAGS_CAPS_LOCK, protocol::pc_key::caps_lock},
      {SPICE_KEYBOARD_MODIFIER_FLAGS_NUM_LOCK, protocol::pc_key::num_lock},
      {SPICE_KEYBOARD_MODIFIER_FLAGS_SCROLL_LOCK, protocol::pc_key::scroll_lock},
    };
    for (auto [flag, key] : lock_keys)
      if ((*locks ^ *last_locks_) & flag) {
        changed.emplace_back(key, true);
        changed.emplace_back(key, false);
      }
  }
  last_locks_ = lock_state();
  for (auto [key, code] : special_keys_) {
    bool down = key_down(code);
    if (down != was_down_[code])
      changed.emplace_back(key, down);
    was_down_[code] = down;
  }
  return changed;
}

std::optional<std::uint16_t> x11_keyboard::sync_locks() {
  last_locks_ = lock_state();
  return last_locks_;
}

bool x11_keyboard::keypad_enter_down() { return display_ && keypad_enter_ && key_down(keypad_enter_); }

std::optional<std::uint16_t> x11_keyboard::lock_state() {
  if (!display_)
    return std::nullopt;
  std::uint16_t locks = 0;
  const std::pair<const char*, std::uint16_t> indicators[] = {
    {"Caps Lock", SPICE_KEYBOARD_MODIFIER_FLAGS_CAPS_LOCK},
    {"Num Lock", SPICE_KEYBOARD_MODIFIER_FLAGS_NUM_LOCK},
    {"Scroll Lock", SPICE_KEYBOARD_MODIFIER_FLAGS_SCROLL_LOCK},
  };
  for (auto [name, flag] : indicators) {
    Bool on = False;
    Atom atom = XInternAtom(display_->handle, name, False);
    if (XkbGetNamedIndicator(display_->handle, atom, nullptr, &on, nullptr, nullptr) && on)
      locks |= flag;
  }
  return locks;
}

}  // namespace vigil
