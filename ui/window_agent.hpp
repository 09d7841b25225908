// The viewer window's side of the guest's vdagent: the X CLIPBOARD both ways
// (x11_clipboard.hpp) and the guest's screen size following the window's.
//
// Guest -> local: on a guest grab the window takes CLIPBOARD and asks for the
// guest's text at once (eagerly, so a local paste never waits on a guest
// round trip; the cost is one transfer per guest copy). Local -> guest: a
// local copy becomes a grab in the guest; the guest's request is answered
// when the owner gives the text. A window resize asks the guest for a screen
// of that size once the size has settled (`agent_settings::resize_debounce`),
// never for the size the window only took from the guest.
//
// Every message for the guest goes to `send`, as one of actors/agent_events.hpp.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

#include <SFML/System/Vector2.hpp>

#include "actors/agent_events.hpp"
#include "actors/session.hpp"
#include "ui/x11_clipboard.hpp"

namespace vigil {

class window_agent {
public:
  using send_function = std::function<void(agent_command)>;
  window_agent(const agent_settings& settings, send_function send);

  // What the guest's agent said.
  void on_agent_event(const agent_event& event);
  // The window's size changed to `size`; `guest_size` is the picture's (0x0: none yet).
  void window_resized(sf::Vector2u size, sf::Vector2u guest_size);
  // The local clipboard's news and a settled resize, due by now.
  void pump(std::chrono::steady_clock::time_point now, sf::Vector2u guest_size);
  // The clipboard's X connection (-1: none), whether it has events waiting,
  // and when pump() must run next even if no event comes.
  int connection_fd() const { return clipboard_ ? clipboard_->connection_fd() : -1; }
  bool events_waiting() const { return clipboard_ && clipboard_->events_waiting(); }
  std::optional<std::chrono::steady_clock::time_point> next_deadline() const;

private:
  agent_settings settings_;
  send_function send_;
  std::unique_ptr<x11_clipboard> clipboard_;
  bool monitors_config_ = false;  // the agent takes MONITORS_CONFIG
  std::optional<sf::Vector2u> pending_guest_size_;
  std::chrono::steady_clock::time_point guest_size_due_;
};

}  // namespace vigil
