#include "ui/window_input.hpp"

#include <algorithm>
#include <cmath>

#include <spice/enums.h>

#include "actors/input_events.hpp"
#include "common/log.hpp"
#include "ui/keymap.hpp"

namespace vigil {

picture_geometry picture_geometry::fitted(unsigned width, unsigned height, float window_width, float window_height) {
  picture_geometry geometry;
  geometry.width = width;
  geometry.height = height;
  if (width == 0 || height == 0)
    return geometry;
  geometry.scale = std::min(window_width / width, window_height / height);
  geometry.offset_x = (window_width - width * geometry.scale) / 2;
  geometry.offset_y = (window_height - height * geometry.scale) / 2;
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

window_input::window_input(sf::Window& window, send_function send, std::function<void()> grab_changed)
    : window_(window), send_(std::move(send)), grab_changed_(std::move(grab_changed)),
      mouse_mode_(SPICE_MOUSE_MODE_SERVER) {}

bool window_input::watch(const sf::Window& window) {
  x11_keys_ = x11_.watch(window.getSystemHandle());
  return x11_keys_;
}

void window_input::set_mouse_mode(std::uint16_t mode) {
  mouse_mode_ = mode;
  if (mode == SPICE_MOUSE_MODE_CLIENT)
    release_pointer();
}

void window_input::sfml_key(sf::Keyboard::Key code, bool pressed, requests& out) {
  if (x11_keys_)  // the keys come from x11_keyboard, with their keycodes
    return;
  if (auto key = pc_key_for(code))
    this->key(*key, pressed, out);
}

void window_input::mouse_moved(int x, int y) {
  if (mouse_mode_ == SPICE_MOUSE_MODE_CLIENT) {
    if (auto guest = geometry_.guest_position(x, y))
      send_(caf::make_message(pointer_position_atom::value, std::uint32_t{guest->x}, std::uint32_t{guest->y},
                              buttons_, std::uint8_t{0}));
  } else if (grabbed_) {
    send_relative_motion(x, y);
  }
}

void window_input::mouse_button(sf::Mouse::Button button, bool pressed, requests& out) {
  take_x11_keys(out);
  if (mouse_mode_ == SPICE_MOUSE_MODE_SERVER && !grabbed_ && pressed)
    grab_pointer();
  std::uint8_t spice_button;
  std::uint16_t mask;
  switch (button) {
    case sf::Mouse::Left: spice_button = SPICE_MOUSE_BUTTON_LEFT; mask = SPICE_MOUSE_BUTTON_MASK_LEFT; break;
    case sf::Mouse::Middle: spice_button = SPICE_MOUSE_BUTTON_MIDDLE; mask = SPICE_MOUSE_BUTTON_MASK_MIDDLE; break;
    case sf::Mouse::Right: spice_button = SPICE_MOUSE_BUTTON_RIGHT; mask = SPICE_MOUSE_BUTTON_MASK_RIGHT; break;
    default: return;
  }
  buttons_ = pressed ? (buttons_ | mask) : (buttons_ & ~mask);
  send_(caf::make_message(pointer_button_atom::value, spice_button, pressed, buttons_));
}

// SPICE has no wheel axis: each notch is a press and release of UP or DOWN.
void window_input::wheel(float delta, requests& out) {
  take_x11_keys(out);
  std::uint8_t button = delta > 0 ? SPICE_MOUSE_BUTTON_UP : SPICE_MOUSE_BUTTON_DOWN;
  for (int notch = 0; notch < std::max(1, static_cast<int>(std::abs(delta))); ++notch) {
    send_(caf::make_message(pointer_button_atom::value, button, true, buttons_));
    send_(caf::make_message(pointer_button_atom::value, button, false, buttons_));
  }
}

void window_input::focus_lost() {
  release_held_keys();  // the guest must not see a key stuck down
  release_pointer();
}

void window_input::focus_gained() {
  if (x11_keys_)  // x11_keyboard's focus event comes in order with the keys
    return;
  if (auto locks = x11_.lock_state())
    sync_lock_keys(*locks);
}

void window_input::take_x11_keys(requests& out) {
  for (const auto& event : x11_.take_events()) {
    switch (event.what) {
      case x11_keyboard::event::kind::key: key(event.key, event.pressed, out); break;
      case x11_keyboard::event::kind::focus_in: sync_lock_keys(event.locks); break;
      case x11_keyboard::event::kind::focus_out: release_held_keys(); break;
    }
  }
}

// Shift+F11 and Shift+F12 are the viewer's; F11 and F12 alone are the guest's.
void window_input::key(protocol::pc_key key, bool pressed, requests& out) {
  using protocol::pc_key;
  auto held = [this](pc_key one, pc_key other) { return held_keys_.count(one) || held_keys_.count(other); };
  if (pressed && (key == pc_key::f11 || key == pc_key::f12) && held(pc_key::left_shift, pc_key::right_shift)) {
    hot_keys_held_.insert(key);
    (key == pc_key::f11 ? out.toggle_fullscreen : out.snapshot) = true;
    return;
  }
  if (!pressed && hot_keys_held_.erase(key))
    return;
  send_pc_key(key, pressed);
  if (pressed && grabbed_ && held(pc_key::left_ctrl, pc_key::right_ctrl) && held(pc_key::left_alt, pc_key::right_alt))
    release_pointer();
}

void window_input::send_pc_key(protocol::pc_key key, bool pressed) {
  if (pressed)
    held_keys_.insert(key);
  else
    held_keys_.erase(key);
  send_(caf::make_message(key_event_atom::value, key, pressed));
}

// The guest's lock keys follow the local keyboard's whenever the window
// gets the focus (they may have changed while another window had it).
void window_input::sync_lock_keys(std::uint16_t locks) {
  named_logger("viewer")->debug("focus: guest lock keys set to {:#x}", locks);
  send_(caf::make_message(modifiers_atom::value, locks));
}

void window_input::release_held_keys() {
  for (auto key : held_keys_)
    send_(caf::make_message(key_event_atom::value, key, false));
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
  send_(caf::make_message(pointer_motion_atom::value, std::int32_t{dx}, std::int32_t{dy}, buttons_));
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
