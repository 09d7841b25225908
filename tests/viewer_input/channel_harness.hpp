// Vigil's channel actors spawned directly against one server, the way the
// session orchestrator does it (main first: its INIT gives the session id
// the other channels link with), with a scoped actor as their parent. No
// supervisor: a channel that fails stays failed and the test sees it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/channels.hpp"
#include "actors/input_events.hpp"

namespace vigil::viewer_input_test {

struct harness_config : caf::actor_system_config {
  harness_config();
};

class channel_harness {
public:
  // Links main to 127.0.0.1:port and waits for its session info.
  // Throws std::runtime_error when that does not happen within 10 s.
  explicit channel_harness(std::uint16_t port);
  ~channel_harness();  // shuts every channel down

  // Spawn a channel of the session and wait until it is up (throws otherwise).
  caf::actor start_inputs();
  caf::actor start_cursor();
  caf::actor start_display();

  // The main channel started by the constructor; the harness's scoped actor
  // is its status listener, so it also receives main's agent events.
  caf::actor main_channel() const { return channels_.front(); }

  // What the channel reports to its supervisor's heartbeat.
  channel_health health(const caf::actor& channel);
  // The "pointer motion" edge of the inputs channel's health.
  edge_report pointer_motion(const caf::actor& inputs);
  protocol::cursor_state cursor(const caf::actor& cursor_channel);

  caf::actor_system& system() { return system_; }
  caf::scoped_actor& self() { return self_; }

private:
  channel_spec spec_for(std::uint8_t type) const;
  caf::actor wait_until_up(caf::actor channel, std::uint8_t type);

  harness_config config_;
  caf::actor_system system_;
  caf::scoped_actor self_;
  connection_settings connection_;
  std::uint32_t session_id_ = 0;
  std::vector<caf::actor> channels_;
};

}  // namespace vigil::viewer_input_test
