// The frontend's two edges into the guest: input to the current inputs
// channel, agent commands to the current main channel, with no session or
// supervisor in between.
//
// Each inputs and main incarnation announces itself once up
// ((inputs_channel_atom | agent_channel_atom, handle), actors/frontend.hpp);
// the link points a fresh edge there, so what waited for a channel that went
// (a restart, a reconnect) is never replayed into the next one. Both edges
// have the fault policy (keys, clicks and clipboard data must not be lost
// silently): input at most 64 unacknowledged events, agent commands 16;
// beyond that an event is refused and logged once per channel (a stuck
// channel: its supervisor restarts it). Before any announcement an event is
// dropped. Messages go out as sent by the UI's inbox, where the channels'
// acknowledgements arrive.
#pragma once

#include <cstdint>
#include <memory>

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>
#include <caf/local_actor.hpp>
#include <spdlog/logger.h>

#include "actors/agent_events.hpp"
#include "actors/bounded_edge.hpp"
#include "actors/input_events.hpp"

namespace vigil {

class guest_link {
public:
  // `inbox`: the UI's mailbox (ui/ui_inbox.hpp), where acknowledgements go.
  explicit guest_link(caf::actor inbox);

  void send_input(caf::local_actor* self, input_event event);
  void send_agent(caf::local_actor* self, agent_command command);

  // What the inbox brings: announcements and acknowledgements (from `sender`).
  void inputs_channel_up(const inputs_actor& channel);
  void agent_channel_up(const agent_actor& channel);
  void on_ack(caf::local_actor* self, const caf::actor_addr& sender, std::uint32_t edge, std::uint32_t count);

private:
  caf::actor inbox_;
  std::shared_ptr<spdlog::logger> log_;
  typed_edge<inputs_actor> input_edge_;
  typed_edge<agent_actor> agent_edge_;
  caf::actor_addr inputs_;  // the current targets; null: none
  caf::actor_addr main_;
  bool input_refusal_logged_ = false;
  bool agent_refusal_logged_ = false;
};

}  // namespace vigil
