#include "ui/x11_keyboard.hpp"

#include <X11/XKBlib.h>
#include <X11/Xlib.h>
#include <X11/extensions/XKBstr.h>
#include <spice/enums.h>

#include <cstring>

namespace vigil {

namespace {

constexpr unsigned evdev_keycode_offset = 8;  // X keycode = Linux input code + 8

// Whether the X server numbers its keys the evdev way ("evdev+aliases(qwerty)"
// under Xorg and Xvfb); other servers (XQuartz, some VNC servers) do not.
bool keycodes_are_evdev(Display* handle) {
  XkbDescPtr keyboard = XkbAllocKeyboard();
  if (!keyboard)
    return false;
  bool evdev = false;
  if (XkbGetNames(handle, XkbKeycodesNameMask, keyboard) == Success && keyboard->names &&
      keyboard->names->keycodes) {
    if (char* name = XGetAtomName(handle, keyboard->names->keycodes)) {
      evdev = std::strncmp(name, "evdev", 5) == 0;
      XFree(name);
    }
  }
  XkbFreeKeyboard(keyboard, 0, True);
  return evdev;
}

// Focus moving between our window's own parts, or to and from a pointer
// grab, is not focus gained or lost.
bool focus_really_changed(const XFocusChangeEvent& focus) {
  return focus.detail != NotifyPointer && focus.detail != NotifyInferior && focus.mode != NotifyGrab &&
         focus.mode != NotifyUngrab;
}

}  // namespace

struct x11_keyboard::display {
  Display* handle = nullptr;
  bool evdev = false;
};

x11_keyboard::x11_keyboard() {
  Display* handle = XOpenDisplay(nullptr);
  if (!handle)
    return;
  display_ = new display{handle, keycodes_are_evdev(handle)};
  // Per client: a held key then repeats as presses only, which the guest
  // takes as a PC keyboard's typematic repeat.
  Bool supported = False;
  XkbSetDetectableAutoRepeat(handle, True, &supported);
}

x11_keyboard::~x11_keyboard() {
  if (display_) {
    XCloseDisplay(display_->handle);
    delete display_;
  }
}

int x11_keyboard::connection_fd() const { return display_ ? ConnectionNumber(display_->handle) : -1; }

bool x11_keyboard::events_waiting() const { return display_ && XPending(display_->handle) > 0; }

bool x11_keyboard::watch(unsigned long window) {
  if (!display_ || !display_->evdev)
    return false;
  window_ = window;
  XSelectInput(display_->handle, window, KeyPressMask | KeyReleaseMask | FocusChangeMask);
  XSync(display_->handle, False);
  return true;
}

std::vector<x11_keyboard::event> x11_keyboard::take_events() {
  std::vector<event> events;
  if (!display_ || !window_)
    return events;
  Display* handle = display_->handle;
  while (XPending(handle) > 0) {
    XEvent x_event;
    XNextEvent(handle, &x_event);
    if (x_event.xany.window != window_)
      continue;  // a window SFML closed (full-screen toggle re-creates it)
    switch (x_event.type) {
      case KeyPress:
      case KeyRelease: {
        auto key = protocol::pc_key_for_linux_code(x_event.xkey.keycode - evdev_keycode_offset);
        if (key)
          events.push_back({event::kind::key, *key, x_event.type == KeyPress, 0});
        break;
      }
      case FocusIn:
        if (focus_really_changed(x_event.xfocus))
          events.push_back({event::kind::focus_in, protocol::pc_key::escape, false, lock_state().value_or(0)});
        break;
      case FocusOut:
        if (focus_really_changed(x_event.xfocus))
          events.push_back({event::kind::focus_out, protocol::pc_key::escape, false, 0});
        break;
      default:
        break;
    }
  }
  return events;
}

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
