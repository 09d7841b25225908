#include "ui/x11_keyboard.hpp"

#include <X11/XKBlib.h>
#include <X11/Xlib.h>
#include <X11/extensions/XKBstr.h>
#include <spice/enums.h>

#include <chrono>
#include <cstring>

#include "common/log.hpp"

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

// The pointer really crossed the window's border (not a grab starting or ending).
bool pointer_really_crossed(const XCrossingEvent& crossing) {
  return crossing.mode == NotifyNormal && crossing.detail != NotifyInferior;
}

constexpr std::chrono::milliseconds grab_retry_interval{200};

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

bool x11_keyboard::events_waiting() const {
  return !pending_.empty() || (display_ && XPending(display_->handle) > 0);
}

bool x11_keyboard::watch(unsigned long window) {
  if (!display_ || !display_->evdev)
    return false;
  // A window that replaces ours (full screen on or off) takes the focus over
  // once it is mapped, as a window manager would give it.
  focus_when_mapped_ = window_ != 0 && focused_;
  if (grabbed_)
    XUngrabKeyboard(display_->handle, CurrentTime);
  window_ = window;
  grabbed_ = false;
  XSelectInput(display_->handle, window,
               KeyPressMask | KeyReleaseMask | FocusChangeMask | EnterWindowMask | LeaveWindowMask |
                 StructureNotifyMask);
  Window focus = 0;
  int revert = 0;
  XGetInputFocus(display_->handle, &focus, &revert);
  focused_ = focus == window;
  Window root = 0, child = 0;
  int root_x = 0, root_y = 0, x = 0, y = 0;
  unsigned mask = 0;
  XWindowAttributes attributes{};
  pointer_inside_ = XQueryPointer(display_->handle, window, &root, &child, &root_x, &root_y, &x, &y, &mask) &&
                    XGetWindowAttributes(display_->handle, window, &attributes) && x >= 0 && y >= 0 &&
                    x < attributes.width && y < attributes.height;
  XSync(display_->handle, False);
  return true;
}

void x11_keyboard::release_grab() {
  grab_released_ = true;
  if (display_ && grabbed_) {
    XUngrabKeyboard(display_->handle, CurrentTime);
    XFlush(display_->handle);
    grabbed_ = false;
    named_logger("viewer")->info("keyboard released to the desktop (it is the guest's again when the pointer comes "
                                 "back or the window is clicked)");
  }
}

void x11_keyboard::suspend_grab(bool suspended) {
  grab_suspended_ = suspended;
  if (suspended && display_ && grabbed_) {
    XUngrabKeyboard(display_->handle, CurrentTime);
    XFlush(display_->handle);
    grabbed_ = false;
  }
  if (!suspended && display_ && window_) {
    // What was typed meanwhile was the viewer's (a password): never the guest's.
    for (auto& event : take_events())
      if (event.what != event::kind::key)
        pending_.push_back(event);
  }
}

std::optional<std::chrono::steady_clock::time_point> x11_keyboard::grab_retry() const {
  bool wanted = grab_enabled_ && focused_ && pointer_inside_ && !grab_released_ && !grab_suspended_;
  if (!wanted || grabbed_ || !grab_refused_)
    return std::nullopt;
  return *grab_refused_ + grab_retry_interval;
}

void x11_keyboard::update_grab(std::vector<event>& events) {
  bool wanted = grab_enabled_ && focused_ && pointer_inside_ && !grab_released_ && !grab_suspended_;
  if (wanted == grabbed_)
    return;
  Display* handle = display_->handle;
  if (!wanted) {
    XUngrabKeyboard(handle, CurrentTime);
    XFlush(handle);
    grabbed_ = false;
    named_logger("viewer")->info("keyboard released to the desktop");
    events.push_back({event::kind::grab_changed, protocol::pc_key::escape, false, 0});
    return;
  }
  auto now = std::chrono::steady_clock::now();
  if (grab_refused_ && now - *grab_refused_ < grab_retry_interval)
    return;  // another client holds the keyboard; try again shortly
  int result = XGrabKeyboard(handle, window_, True, GrabModeAsync, GrabModeAsync, CurrentTime);
  if (result != GrabSuccess) {
    grab_refused_ = now;
    named_logger("viewer")->debug("keyboard grab refused ({}), trying again", result);
    return;
  }
  grab_refused_.reset();
  grabbed_ = true;
  named_logger("viewer")->info("keyboard grabbed for the guest (Alt+Tab, Super and the desktop's shortcuts go to it)");
  events.push_back({event::kind::grab_changed, protocol::pc_key::escape, false, 0});
}

std::vector<x11_keyboard::event> x11_keyboard::take_events() {
  std::vector<event> events = std::move(pending_);
  pending_.clear();
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
        if (focus_really_changed(x_event.xfocus)) {
          focused_ = true;
          events.push_back({event::kind::focus_in, protocol::pc_key::escape, false, lock_state().value_or(0)});
        }
        break;
      case FocusOut:
        if (focus_really_changed(x_event.xfocus)) {
          focused_ = false;
          grab_released_ = false;
          events.push_back({event::kind::focus_out, protocol::pc_key::escape, false, 0});
        } else if (x_event.xfocus.mode == NotifyGrab && !grabbed_) {
          // Another client took the keyboard (a desktop shortcut such as
          // Alt+Tab): the keys it gets are not ours to release.
          events.push_back({event::kind::keys_taken, protocol::pc_key::escape, false, 0});
        }
        break;
      case MapNotify:
        if (focus_when_mapped_) {
          focus_when_mapped_ = false;
          XSetInputFocus(handle, window_, RevertToParent, CurrentTime);
        }
        break;
      case EnterNotify:
        if (pointer_really_crossed(x_event.xcrossing))
          pointer_inside_ = true;
        break;
      case LeaveNotify:
        if (pointer_really_crossed(x_event.xcrossing)) {
          pointer_inside_ = false;
          grab_released_ = false;
        }
        break;
      default:
        break;
    }
  }
  update_grab(events);
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
