#include "ui/guest_link.hpp"

#include "actors/messages.hpp"
#include "common/log.hpp"

namespace vigil {

namespace {

// Fresh for each channel: what waited for the last one is not the next one's.
typed_edge<inputs_actor> input_edge_to(const inputs_actor& channel, const caf::actor& inbox) {
  typed_edge<inputs_actor> edge{"window->inputs", edge_ids::window_input, 64, overflow_policy::fault};
  edge.connect(channel);
  edge.send_as(inbox);
  return edge;
}

typed_edge<agent_actor> agent_edge_to(const agent_actor& channel, const caf::actor& inbox) {
  typed_edge<agent_actor> edge{"window->main agent", edge_ids::window_agent, 16, overflow_policy::fault};
  edge.connect(channel);
  edge.send_as(inbox);
  return edge;
}

}  // namespace

guest_link::guest_link(caf::actor inbox)
    : inbox_(std::move(inbox)),
      log_(named_logger("viewer")),
      input_edge_(input_edge_to({}, inbox_)),
      agent_edge_(agent_edge_to({}, inbox_)) {}

void guest_link::send_input(caf::local_actor* self, input_event event) {
  if (!inputs_)
    return;
  if (!input_edge_.send_values(self, input_atom::value, std::move(event)) && !input_refusal_logged_) {
    input_refusal_logged_ = true;
    log_->warn("input refused: the inputs channel has {} unacknowledged events (stuck? its supervisor will tell)",
               input_edge_.capacity());
  }
}

void guest_link::send_agent(caf::local_actor* self, agent_command command) {
  if (!main_)
    return;
  if (!agent_edge_.send_values(self, agent_atom::value, std::move(command)) && !agent_refusal_logged_) {
    agent_refusal_logged_ = true;
    log_->warn("agent command refused: the main channel has {} unacknowledged commands", agent_edge_.capacity());
  }
}

void guest_link::inputs_channel_up(const inputs_actor& channel) {
  inputs_ = channel.address();
  input_edge_ = input_edge_to(channel, inbox_);
  input_refusal_logged_ = false;
}

void guest_link::agent_channel_up(const agent_actor& channel) {
  main_ = channel.address();
  agent_edge_ = agent_edge_to(channel, inbox_);
  agent_refusal_logged_ = false;
}

void guest_link::on_ack(caf::local_actor* self, const caf::actor_addr& sender, std::uint32_t edge,
                        std::uint32_t count) {
  // An acknowledgement from a replaced channel is not credit on the new one.
  if (edge == edge_ids::window_input && sender == inputs_)
    input_edge_.on_ack(self, count);
  else if (edge == edge_ids::window_agent && sender == main_)
    agent_edge_.on_ack(self, count);
}

}  // namespace vigil
