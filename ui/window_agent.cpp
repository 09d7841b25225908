#include "ui/window_agent.hpp"

#include <caf/message_handler.hpp>

#include "actors/agent_events.hpp"
#include "common/log.hpp"

namespace vigil {

window_agent::window_agent(const agent_settings& settings, send_function send)
    : settings_(settings), send_(std::move(send)) {
  if (settings_.clipboard)
    clipboard_ = std::make_unique<x11_clipboard>(settings_.max_message_bytes);
}

void window_agent::on_agent_event(const caf::message& event) {
  caf::message copy = event;
  auto handler = caf::message_handler(
    [&](agent_state_atom, bool connected, bool monitors_config) {
      monitors_config_ = connected && monitors_config;
      named_logger("viewer")->info("agent {}{}", connected ? "connected" : "absent",
                                   monitors_config_ ? ", takes monitors config" : "");
    },
    [&](clipboard_grab_atom, std::uint8_t selection) {
      if (!clipboard_ || !clipboard_->available())
        return;
      clipboard_->own_for_guest();
      send_(caf::make_message(clipboard_request_atom::value, selection));
    },
    [&](clipboard_data_atom, std::uint8_t, const std::string& text) {
      if (clipboard_)
        clipboard_->set_guest_text(text);
    },
    [&](clipboard_release_atom, std::uint8_t) {
      if (clipboard_)
        clipboard_->guest_released();
    },
    [&](clipboard_request_atom, std::uint8_t) {
      if (clipboard_ && clipboard_->available())
        clipboard_->request_local_text(std::chrono::steady_clock::now());
      else
        send_(caf::make_message(clipboard_data_atom::value, std::uint8_t{0}, std::string{}));
    });
  handler(copy);
}

void window_agent::window_resized(sf::Vector2u size, sf::Vector2u guest_size) {
  // Before the first frame the window has only its opening size, which the
  // guest did not ask for and should not get.
  if (guest_size.x == 0)
    return;
  pending_guest_size_ = size;
  guest_size_due_ = std::chrono::steady_clock::now() + settings_.resize_debounce;
}

std::optional<std::chrono::steady_clock::time_point> window_agent::next_deadline() const {
  std::optional<std::chrono::steady_clock::time_point> next;
  if (clipboard_)
    next = clipboard_->next_deadline();
  if (pending_guest_size_ && (!next || guest_size_due_ < *next))
    next = guest_size_due_;
  return next;
}

void window_agent::pump(std::chrono::steady_clock::time_point now, sf::Vector2u guest_size) {
  if (clipboard_) {
    for (auto& action : clipboard_->pump(now)) {  // CLIPBOARD selection only
      switch (action.what) {
        case x11_clipboard::action::kind::grab:
          send_(caf::make_message(clipboard_grab_atom::value, std::uint8_t{0}));
          break;
        case x11_clipboard::action::kind::release:
          send_(caf::make_message(clipboard_release_atom::value, std::uint8_t{0}));
          break;
        case x11_clipboard::action::kind::text:
          send_(caf::make_message(clipboard_data_atom::value, std::uint8_t{0}, std::move(action.text)));
          break;
      }
    }
  }
  if (!pending_guest_size_ || now < guest_size_due_)
    return;
  auto size = *pending_guest_size_;
  pending_guest_size_.reset();
  if (!settings_.resize_guest || !monitors_config_ || size == guest_size || size.x == 0 || size.y == 0)
    return;
  named_logger("viewer")->info("window resized: asking the guest for {}x{}", size.x, size.y);
  send_(caf::make_message(monitors_config_atom::value, std::uint32_t{size.x}, std::uint32_t{size.y}));
}

}  // namespace vigil
