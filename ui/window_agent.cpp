#include "ui/window_agent.hpp"

#include "actors/agent_events.hpp"
#include "common/log.hpp"

namespace vigil {

window_agent::window_agent(const agent_settings& settings, send_function send)
    : settings_(settings), send_(std::move(send)) {
  if (settings_.clipboard)
    clipboard_ = std::make_unique<x11_clipboard>(settings_.max_message_bytes);
}

void window_agent::on_agent_event(const agent_event& event) {
  struct visitor {
    window_agent& agent;
    void operator()(const agent_state& state) const {
      agent.monitors_config_ = state.connected && state.monitors_config;
      named_logger("viewer")->info("agent {}{}", state.connected ? "connected" : "absent",
                                   agent.monitors_config_ ? ", takes monitors config" : "");
    }
    // Eager: the guest's text is fetched as soon as it is copied, so any
    // local paste is answered at once (no X client waits on a guest round
    // trip); the cost is one transfer per guest copy.
    void operator()(const clipboard_grab& grab) const {
      if (!agent.clipboard_ || !agent.clipboard_->available())
        return;
      agent.clipboard_->own_for_guest();
      agent.send_(clipboard_request{grab.selection});
    }
    void operator()(const clipboard_data& data) const {
      if (agent.clipboard_)
        agent.clipboard_->set_guest_text(data.text);
    }
    void operator()(const clipboard_release&) const {
      if (agent.clipboard_)
        agent.clipboard_->guest_released();
    }
    void operator()(const clipboard_request&) const {
      if (agent.clipboard_ && agent.clipboard_->available())
        agent.clipboard_->request_local_text(std::chrono::steady_clock::now());
      else
        agent.send_(clipboard_data{0, {}});
    }
  };
  std::visit(visitor{*this}, event);
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
          send_(clipboard_grab{0});
          break;
        case x11_clipboard::action::kind::release:
          send_(clipboard_release{0});
          break;
        case x11_clipboard::action::kind::text:
          send_(clipboard_data{0, std::move(action.text)});
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
  send_(monitors_config{size.x, size.y});
}

}  // namespace vigil
