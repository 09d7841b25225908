// inputs_channel: the keyboard and mouse channel. It follows the guest's
// keyboard LEDs (INIT, KEY_MODIFIERS) and sends what the window reports,
// translated by protocol/inputs_messages.hpp. Everything it sends goes
// through a motion_pacer: pointer motion stays within 8 messages the server
// has not acknowledged (MOUSE_MOTION_ACK), coalesced beyond that, and keys
// and buttons keep their order relative to it.
//
// Accepts: socket messages (see channel_endpoint.hpp), (heartbeat_atom) ->
//   channel_health, (shutdown_atom), and the window's (input_atom,
//   input_event) (input_events.hpp), each acknowledged to its sender at once
//   (edge_ids::window_input). Events that arrive while the channel is not up
//   are dropped (there is no guest to give them to) and counted.
// Sends: (channel_event_atom, channel_event) to its parent; once up,
//   (inputs_channel_atom, itself) to the frontend, which sends input here
//   from then on.
// Health: the edge "pointer motion" (keep_latest, capacity 8): sent = motion
//   messages sent, in_flight = not yet acknowledged (sent - in_flight were
//   acknowledged), waiting = messages held by the pacer, coalesced = motion
//   merged while held, dropped = events while not up, refused = keys or
//   buttons beyond the 64 that may wait behind held motion: a must-not-lose
//   overflow, so the channel fails with edge_overflow and is restarted.
#include <spice/enums.h>

#include <caf/stateful_actor.hpp>

#include "actors/channels.hpp"
#include "actors/frontend.hpp"
#include "actors/input_events.hpp"

namespace vigil {

namespace {

struct inputs_channel_state {
  std::unique_ptr<channel_endpoint> endpoint;
  std::uint16_t keyboard_modifiers = 0;
  protocol::motion_pacer pacer;
  std::uint64_t dropped_while_down = 0;
  static inline const char* name = "inputs_channel";
};

using inputs_channel_actor = caf::stateful_actor<inputs_channel_state>;

void send_ready(inputs_channel_actor* self) {
  for (auto& message : self->state.pacer.take_ready())
    self->state.endpoint->send(message.type, message.body);
}

bool accepts_input(inputs_channel_actor* self) {
  if (self->state.endpoint->state() == channel_state::up)
    return true;
  ++self->state.dropped_while_down;
  return false;
}

void send_event(inputs_channel_actor* self, std::uint16_t type, protocol::bytes body) {
  if (!accepts_input(self))
    return;
  if (!self->state.pacer.event({type, std::move(body)})) {
    self->state.endpoint->fail(failure_kind::edge_overflow,
                               "input events refused: " + std::to_string(self->state.pacer.stats().waiting) +
                                 " messages wait behind pointer motion the server has not acknowledged");
    return;
  }
  send_ready(self);
}

void on_inputs_message(inputs_channel_actor* self, const protocol::frame& frame) {
  auto& state = self->state;
  switch (frame.type) {
    case SPICE_MSG_INPUTS_INIT:
    case SPICE_MSG_INPUTS_KEY_MODIFIERS: {
      auto parsed = frame.type == SPICE_MSG_INPUTS_INIT ? protocol::parse_inputs_init(frame.body)
                                                        : protocol::parse_key_modifiers(frame.body);
      if (!parsed) {
        state.endpoint->fail(failure_kind::protocol_error, parsed.error().message);
        return;
      }
      state.keyboard_modifiers = parsed->modifiers;
      state.endpoint->log().info("keyboard modifiers {:#x}", parsed->modifiers);
      return;
    }
    case SPICE_MSG_INPUTS_MOUSE_MOTION_ACK:
      state.pacer.on_motion_ack();
      send_ready(self);
      return;
    default:
      state.endpoint->log().debug("ignoring {}", protocol::message_type_name(SPICE_CHANNEL_INPUTS, frame.type));
  }
}

edge_report pointer_motion_report(const inputs_channel_state& state) {
  const auto stats = state.pacer.stats();
  edge_report report;
  report.name = "pointer motion";
  report.policy = to_string(overflow_policy::keep_latest);
  report.capacity = protocol::motion_pacer::max_unacknowledged;
  report.in_flight = stats.unacknowledged;
  report.waiting = stats.waiting;
  report.sent = stats.motion_sent;
  report.coalesced = stats.motion_coalesced;
  report.dropped = state.dropped_while_down;
  report.refused = stats.events_refused;
  return report;
}

void on_input(inputs_channel_actor* self, const input_event& event) {
  struct visitor {
    inputs_channel_actor* self;
    void operator()(const key_event& key) const {
      const auto make_code = protocol::set1_make_code(key.key);
      self->state.endpoint->log().trace("key {} {}", protocol::pc_key_name(key.key), key.pressed ? "down" : "up");
      send_event(self, key.pressed ? SPICE_MSGC_INPUTS_KEY_DOWN : SPICE_MSGC_INPUTS_KEY_UP,
                 key.pressed ? protocol::build_key_down(make_code) : protocol::build_key_up(make_code));
    }
    void operator()(const pointer_button& press) const {
      send_event(self, press.pressed ? SPICE_MSGC_INPUTS_MOUSE_PRESS : SPICE_MSGC_INPUTS_MOUSE_RELEASE,
                 press.pressed ? protocol::build_mouse_press(press.button, press.buttons)
                               : protocol::build_mouse_release(press.button, press.buttons));
    }
    void operator()(const lock_keys& locks) const {
      send_event(self, SPICE_MSGC_INPUTS_KEY_MODIFIERS, protocol::build_key_modifiers(locks.locks));
    }
    void operator()(const pointer_motion& motion) const {
      if (!accepts_input(self))
        return;
      self->state.pacer.relative(motion.dx, motion.dy, motion.buttons);
      send_ready(self);
    }
    void operator()(const pointer_position& position) const {
      if (!accepts_input(self))
        return;
      self->state.pacer.absolute(position.x, position.y, position.buttons, position.display);
      send_ready(self);
    }
  };
  std::visit(visitor{self}, event);
}

caf::behavior inputs_channel(inputs_channel_actor* self, channel_spec spec, frontend_actor frontend) {
  channel_endpoint::hooks hooks;
  hooks.on_message = [self](const protocol::frame& frame) { on_inputs_message(self, frame); };
  hooks.add_health = [self](channel_health& health) { health.edges.push_back(pointer_motion_report(self->state)); };
  hooks.on_up = [self, frontend] {
    if (frontend)
      self->send(frontend, inputs_channel_atom::value, caf::actor_cast<inputs_actor>(self));
  };
  // Live migration, semi-seamless: the destination starts the channel over and
  // never acknowledges the motion the source had not, so the pacer starts over
  // too (seamless keeps it: the destination takes over the source's count).
  hooks.on_migrated = [self](bool seamless) {
    if (!seamless)
      self->state.pacer = protocol::motion_pacer{};
  };
  self->state.endpoint = std::make_unique<channel_endpoint>(self, std::move(spec), std::move(hooks));
  self->state.endpoint->start();
  return caf::behavior{self->state.endpoint->handlers().or_else([self](input_atom, const input_event& event) {
    on_input(self, event);
    acknowledge_edge(self, caf::actor_cast<caf::actor>(self->current_sender()), edge_ids::window_input);
  })};
}

}  // namespace

caf::actor spawn_inputs_channel(caf::actor_system& system, channel_spec spec, frontend_actor frontend) {
  return system.spawn(inputs_channel, std::move(spec), std::move(frontend));
}

}  // namespace vigil
