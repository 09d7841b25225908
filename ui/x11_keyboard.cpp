#include "ui/x11_keyboard.hpp"

#include <X11/XKBlib.h>
#include <X11/Xlib.h>
#include <X11/extensions/XKBstr.h>
#include <spice/enums.h>

#include <algorithm>
#include <chrono>
#include <cstring>

#include "common/log.hpp"
#include "ui/x11_gone_windows.hpp"
#include "ui/x11_reading.hpp"

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
  ignore_gone_windows_on(handle, "keyboard");
  // Per client: a held key then repeats as presses only, which the guest
  // takes as a PC keyboard's typematic repeat.
  Bool supported = False;
  XkbSetDetectableAutoRepeat(handle, True, &supported);
}

x11_keyboard::~x11_keyboard() {
  if (display_) {
    forget_connection(display_->handle);
    XCloseDisplay(display_->handle);
    delete display_;
  }
}

int x11_keyboard::connection_fd() const { return display_ ? ConnectionNumber(display_->handle) : -1; }

bool x11_keyboard::events_waiting() const {
  return !pending_.empty() || (display_ && events_queued(display_->handle));
}

bool x11_keyboard::watched(unsigned long window) const {
  return window != 0 && (window == window_ || std::find(also_.begin(), also_.end(), window) != also_.end());
}

void x11_keyboard::select(unsigned long window) {
  Display* handle = display_->handle;
  XSelectInput(handle, window,
               KeyPressMask | KeyReleaseMask | FocusChangeMask | EnterWindowMask | LeaveWindowMask |
                 StructureNotifyMask);
  Window focus = 0;
  int revert = 0;
  XGetInputFocus(handle, &focus, &revert);
  if (focus == window)
    focused_window_ = window;
  Window root = 0, child = 0;
  int root_x = 0, root_y = 0, x = 0, y = 0;
  unsigned mask = 0;
  XWindowAttributes attributes{};
  if (XQueryPointer(handle, window, &root, &child, &root_x, &root_y, &x, &y, &mask) &&
      XGetWindowAttributes(handle, window, &attributes) && x >= 0 && y >= 0 && x < attributes.width &&
      y < attributes.height)
    pointer_window_ = window;
}

bool x11_keyboard::watch(unsigned long window) {
  if (!display_ || !display_->evdev)
    return false;
  // A window that replaces ours (full screen on or off) takes the focus over
  // once it is mapped, as a window manager would give it.
  focus_when_mapped_ = window_ != 0 && focused_window_ == window_;
  if (grab_window_ != 0 && grab_window_ == window_)
    ungrab();
  if (focused_window_ == window_)
    focused_window_ = 0;
  if (pointer_window_ == window_)
    pointer_window_ = 0;
  window_ = window;
  select(window);
  XSync(display_->handle, False);
  return true;
}

void x11_keyboard::watch_also(const std::vector<unsigned long>& windows) {
  if (!display_ || !display_->evdev || !window_ || windows == also_)
    return;
  for (unsigned long gone : also_) {
    if (std::find(windows.begin(), windows.end(), gone) != windows.end())
      continue;
    // Its window may already be destroyed: nothing is asked about it, and
    // the keys held there are released as when the focus leaves.
    if (focused_window_ == gone) {
      focused_window_ = 0;
      pending_.push_back({event::kind::focus_out, protocol::pc_key::escape, false, 0});
    }
    if (pointer_window_ == gone)
      pointer_window_ = 0;
    if (grab_window_ == gone)
      ungrab();
  }
  const std::vector<unsigned long> before = std::move(also_);
  also_ = windows;
  for (unsigned long added : windows)
    if (std::find(before.begin(), before.end(), added) == before.end())
      select(added);
  XSync(display_->handle, False);
}

void x11_keyboard::ungrab() {
  XUngrabKeyboard(display_->handle, CurrentTime);
  XFlush(display_->handle);
  grab_window_ = 0;
}

void x11_keyboard::release_grab() {
  grab_released_ = true;
  if (display_ && grabbed()) {
    ungrab();
    named_logger("viewer")->info("keyboard released to the desktop (it is the guest's again when the pointer comes "
                                 "back or the window is clicked)");
  }
}

void x11_keyboard::suspend_grab(bool suspended) {
  grab_suspended_ = suspended;
  if (suspended && display_ && grabbed())
    ungrab();
  if (!suspended && display_ && window_) {
    // What was typed meanwhile was the viewer's (a password): never the guest's.
    for (auto& event : take_events(true))
      if (event.what != event::kind::key)
        pending_.push_back(event);
  }
}

unsigned long x11_keyboard::grab_wanted() const {
  const bool wanted = grab_enabled_ && focused_window_ != 0 && pointer_window_ == focused_window_ &&
                      !grab_released_ && !grab_suspended_;
  return wanted ? focused_window_ : 0;
}

std::optional<std::chrono::steady_clock::time_point> x11_keyboard::grab_retry() const {
  if (grab_wanted() == 0 || grabbed() || !grab_refused_)
    return std::nullopt;
  return *grab_refused_ + grab_retry_interval;
}

void x11_keyboard::update_grab(std::vector<event>& events) {
  const unsigned long wanted = grab_wanted();
  if (wanted == grab_window_)
    return;
  if (grab_window_ != 0) {
    ungrab();
    events.push_back({event::kind::grab_changed, protocol::pc_key::escape, false, 0});
    if (wanted == 0) {
      named_logger("viewer")->info("keyboard released to the desktop");
      return;
    }
  }
  auto now = std::chrono::steady_clock::now();
  if (grab_refused_ && now - *grab_refused_ < grab_retry_interval)
    return;  // another client holds the keyboard; try again shortly
  int result = XGrabKeyboard(display_->handle, wanted, True, GrabModeAsync, GrabModeAsync, CurrentTime);
  if (result != GrabSuccess) {
    grab_refused_ = now;
    named_logger("viewer")->debug("keyboard grab refused ({}), trying again", result);
    return;
  }
  grab_refused_.reset();
  grab_window_ = wanted;
  named_logger("viewer")->info("keyboard grabbed for the guest (Alt+Tab, Super and the desktop's shortcuts go to it)");
  events.push_back({event::kind::grab_changed, protocol::pc_key::escape, false, 0});
}

std::vector<x11_keyboard::event> x11_keyboard::take_events(bool socket_readable) {
  std::vector<event> events = std::move(pending_);
  pending_.clear();
  if (!display_ || !window_)
    return events;
  Display* handle = display_->handle;
  XEvent x_event;
  while (next_event_without_waiting(handle, socket_readable, x_event)) {
    const unsigned long on = x_event.xany.window;
    if (!watched(on))
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
          focused_window_ = on;
          events.push_back({event::kind::focus_in, protocol::pc_key::escape, false, lock_state().value_or(0)});
        }
        break;
      case FocusOut:
        if (focus_really_changed(x_event.xfocus)) {
          if (focused_window_ == on)
            focused_window_ = 0;
          grab_released_ = false;
          events.push_back({event::kind::focus_out, protocol::pc_key::escape, false, 0});
        } else if (x_event.xfocus.mode == NotifyGrab && !grabbed()) {
          // Another client took the keyboard (a desktop shortcut such as
          // Alt+Tab): the keys it gets are not ours to release.
          events.push_back({event::kind::keys_taken, protocol::pc_key::escape, false, 0});
        }
        break;
      case MapNotify:
        if (on == window_ && focus_when_mapped_) {
          focus_when_mapped_ = false;
          XSetInputFocus(handle, window_, RevertToParent, CurrentTime);
        }
        break;
      case EnterNotify:
        if (pointer_really_crossed(x_event.xcrossing))
          pointer_window_ = on;
        break;
      case LeaveNotify:
        if (pointer_really_crossed(x_event.xcrossing) && pointer_window_ == on) {
          pointer_window_ = 0;
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
