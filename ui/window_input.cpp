#include "ui/window_input.hpp"

#include <algorithm>
#include <cmath>

#include <spice/enums.h>

#include "actors/input_events.hpp"
#include "common/log.hpp"
#include "ui/keymap.hpp"

namespace vigil {

picture_geometry picture_geometry::placed(unsigned width, unsigned height, float window_width, float window_height,
                                          const scaling_settings& scaling) {
  picture_geometry geometry;
  geometry.width = width;
  geometry.height = height;
  if (width == 0 || height == 0)
    return geometry;
  auto placement = place_picture(width, height, window_width, window_height, scaling);
  geometry.scale = placement.scale;
  geometry.offset_x = placement.offset_x;
  geometry.offset_y = placement.offset_y;
  return geometry;
}

std::optional<sf::Vector2u> picture_geometry::guest_position(int x, int y) const {
  if (width == 0 || scale <= 0)
    return std::nullopt;
  double gx = (x - offset_x) / scale;
  double gy = (y - offset_y) / scale;
  if (gx < 0 || gy < 0 || gx >= width || gy >= height)
    return std::nullopt;
  return sf::Vector2u(static_cast<unsigned>(gx), static_cast<unsigned>(gy));
}

window_input::window_input(sf::Window& window, hotkey_map hotkeys, send_function send,
                           std::function<void()> grab_changed, viewer_keys viewer)
    : window_(window), send_(std::move(send)), grab_changed_(std::move(grab_changed)), hotkeys_(std::move(hotkeys)),
      mouse_mode_(SPICE_MOUSE_MODE_SERVER), viewer_(std::move(viewer)) {}

// A re-created window (full screen on or off) gets no releases for the keys
// pressed in the old one: start over, as after a focus change.
bool window_input::watch(const sf::Window& window) {
  release_held_keys();
  pressed_keys_.clear();
  hot_keys_held_.clear();
  x11_keys_ = x11_.watch(window.getSystemHandle());
  return x11_keys_;
}

void window_input::set_mouse_mode(std::uint16_t mode) {
  mouse_mode_ = mode;
  if (mode == SPICE_MOUSE_MODE_CLIENT)
    release_pointer();
}

void window_input::sfml_key(sf::Keyboard::Key code, bool pressed) {
  if (x11_keys_)  // the keys come from x11_keyboard, with their keycodes
    return;
  if (auto key = pc_key_for(code))
    this->key(*key, pressed);
}

void window_input::mouse_moved(int x, int y) {
  if (mouse_mode_ == SPICE_MOUSE_MODE_CLIENT) {
    if (auto guest = geometry_.guest_position(x, y))
      send_(pointer_position{guest->x, guest->y, buttons_, 0});
  } else if (grabbed_) {
    send_relative_motion(x, y);
  }
}

void window_input::head_window_pointer(const sf::Event& event, const pointer_target& target) {
  if (mouse_mode_ != SPICE_MOUSE_MODE_CLIENT)
    return;
  switch (event.type) {
    case sf::Event::MouseMoved:
      if (auto guest = target.geometry.guest_position(event.mouseMove.x, event.mouseMove.y))
        send_(pointer_position{target.left + guest->x, target.top + guest->y, buttons_, target.display});
      break;
    case sf::Event::MouseButtonPressed:
    case sf::Event::MouseButtonReleased:
      mouse_button(event.mouseButton.button, event.type == sf::Event::MouseButtonPressed);
      break;
    case sf::Event::MouseWheelScrolled:
      if (event.mouseWheelScroll.wheel == sf::Mouse::VerticalWheel)
        wheel(event.mouseWheelScroll.delta);
      break;
    default:
      break;
  }
}

void window_input::mouse_button(sf::Mouse::Button button, bool pressed) {
  take_x11_keys(true);  // the keys typed before the click go to the guest before it
  if (pressed)
    x11_.resume_grab();  // a click gives the keyboard back to the guest after a release
  if (mouse_mode_ == SPICE_MOUSE_MODE_SERVER && !grabbed_ && pressed)
    grab_pointer();
  std::uint8_t spice_button;
  std::uint16_t mask;
  switch (button) {
    case sf::Mouse::Left: spice_button = SPICE_MOUSE_BUTTON_LEFT; mask = SPICE_MOUSE_BUTTON_MASK_LEFT; break;
    case sf::Mouse::Middle: spice_button = SPICE_MOUSE_BUTTON_MIDDLE; mask = SPICE_MOUSE_BUTTON_MASK_MIDDLE; break;
    case sf::Mouse::Right: spice_button = SPICE_MOUSE_BUTTON_RIGHT; mask = SPICE_MOUSE_BUTTON_MASK_RIGHT; break;
    // The side buttons (X buttons 8 and 9: back and forward).
    case sf::Mouse::XButton1: spice_button = SPICE_MOUSE_BUTTON_SIDE; mask = SPICE_MOUSE_BUTTON_MASK_SIDE; break;
    case sf::Mouse::XButton2: spice_button = SPICE_MOUSE_BUTTON_EXTRA; mask = SPICE_MOUSE_BUTTON_MASK_EXTRA; break;
    default: return;
  }
  buttons_ = pressed ? (buttons_ | mask) : (buttons_ & ~mask);
  send_(pointer_button{spice_button, pressed, buttons_});
}

int wheel_notches::add(float delta) {
  if ((delta > 0) != (remainder_ > 0))
    remainder_ = 0;  // a turn the other way starts over
  remainder_ += delta;
  int notches = static_cast<int>(remainder_);  // toward zero: whole notches only
  remainder_ -= static_cast<float>(notches);
  return notches;
}

// SPICE has no wheel axis: each notch is a press and release of UP or DOWN.
void window_input::wheel(float delta) {
  take_x11_keys(true);  // the keys typed before the turn go to the guest before it
  int notches = wheel_.add(delta);
  std::uint8_t button = notches > 0 ? SPICE_MOUSE_BUTTON_UP : SPICE_MOUSE_BUTTON_DOWN;
  for (int notch = 0; notch < std::abs(notches); ++notch) {
    send_(pointer_button{button, true, buttons_});
    send_(pointer_button{button, false, buttons_});
  }
}

void window_input::focus_lost() {
  if (x11_keys_) {
    regrab_pointer();
    return;
  }
  release_held_keys();  // the guest must not see a key stuck down
  pressed_keys_.clear();
  hot_keys_held_.clear();
  release_pointer();
}

void window_input::focus_gained() {
  if (x11_keys_) {
    regrab_pointer();
    return;
  }
  if (auto locks = x11_.lock_state())
    sync_lock_keys(*locks);
}

void window_input::regrab_pointer() {
  if (!grabbed_)
    return;
  window_.setMouseCursorGrabbed(false);
  window_.setMouseCursorGrabbed(true);
}

void window_input::take_x11_keys(bool socket_readable) {
  for (const auto& event : x11_.take_events(socket_readable)) {
    switch (event.what) {
      case x11_keyboard::event::kind::key: key(event.key, event.pressed); break;
      case x11_keyboard::event::kind::focus_in: sync_lock_keys(event.locks); break;
      case x11_keyboard::event::kind::focus_out:
        release_held_keys();
        pressed_keys_.clear();
        hot_keys_held_.clear();
        release_pointer();
        break;
      case x11_keyboard::event::kind::keys_taken:
        release_held_keys();
        pressed_keys_.clear();
        hot_keys_held_.clear();
        break;
      case x11_keyboard::event::kind::grab_changed:
        break;  // logged by x11_keyboard
    }
  }
}

void window_input::key(protocol::pc_key key, bool pressed) {
  if (!pressed) {
    pressed_keys_.erase(key);
    if (hot_keys_held_.erase(key))
      return;
    if (held_keys_.count(key))
      send_pc_key(key, false);
    return;
  }
  auto hotkey = hotkeys_.on_press(key, pressed_keys_);
  pressed_keys_.insert(key);
  if (hotkey) {
    if (hotkey->action == hotkey_action::release_cursor) {
      release_pointer();
      x11_.release_grab();
    }
    if (hotkey->consumed)
      hot_keys_held_.insert(key);
    viewer_.hotkey(hotkey->action);
    if (hotkey->consumed)
      return;
  }
  if (viewer_.wanted()) {
    viewer_.key(key);
    return;
  }
  send_pc_key(key, true);
}

void window_input::send_combination(const key_combination& combination) {
  release_held_keys();
  for (auto [key, pressed] : press_release_sequence(combination))
    send_pc_key(key, pressed);
}

void window_input::send_pc_key(protocol::pc_key key, bool pressed) {
  if (pressed)
    held_keys_.insert(key);
  else
    held_keys_.erase(key);
  send_(key_event{key, pressed});
}

// The guest's lock keys follow the local keyboard's whenever the window
// gets the focus (they may have changed while another window had it).
void window_input::sync_lock_keys(std::uint16_t locks) {
  named_logger("viewer")->debug("focus: guest lock keys set to {:#x}", locks);
  send_(lock_keys{locks});
}

void window_input::release_held_keys() {
  for (auto key : held_keys_)
    send_(key_event{key, false});
  held_keys_.clear();
}

sf::Vector2i window_input::window_centre() const {
  return {static_cast<int>(window_.getSize().x / 2), static_cast<int>(window_.getSize().y / 2)};
}

void window_input::send_relative_motion(int x, int y) {
  auto centre = window_centre();
  int dx = x - centre.x, dy = y - centre.y;
  if (dx == 0 && dy == 0)
    return;  // our own warp back to the centre
  send_(pointer_motion{dx, dy, buttons_});
  sf::Mouse::setPosition(centre, window_);
}

void window_input::grab_pointer() {
  grabbed_ = true;
  window_.setMouseCursorGrabbed(true);
  window_.setMouseCursorVisible(false);
  sf::Mouse::setPosition(window_centre(), window_);
  grab_changed_();
}

void window_input::release_pointer() {
  if (!grabbed_)
    return;
  grabbed_ = false;
  window_.setMouseCursorGrabbed(false);
  window_.setMouseCursorVisible(true);
  grab_changed_();
}

}  // namespace vigil
