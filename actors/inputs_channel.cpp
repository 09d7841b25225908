// inputs_channel: the keyboard and mouse channel. For now it follows the
// guest's keyboard LEDs (INIT, KEY_MODIFIERS) and counts MOUSE_MOTION_ACKs;
// sending input arrives with the viewer.
//
// Accepts: socket messages (see channel_endpoint.hpp), (health_atom) ->
//   channel_health, (shutdown_atom).
// Sends: (channel_event_atom, channel_event) to its parent.
#include <spice/enums.h>

#include <caf/stateful_actor.hpp>

#include "actors/channels.hpp"

namespace vigil {

namespace {

struct inputs_channel_state {
  std::unique_ptr<channel_endpoint> endpoint;
  std::uint16_t keyboard_modifiers = 0;
  std::uint64_t motion_acks = 0;
  static inline const char* name = "inputs_channel";
};

using inputs_actor = caf::stateful_actor<inputs_channel_state>;

void on_inputs_message(inputs_actor* self, const protocol::frame& frame) {
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
      ++state.motion_acks;
      return;
    default:
      state.endpoint->log().debug("ignoring {}", protocol::message_type_name(SPICE_CHANNEL_INPUTS, frame.type));
  }
}

caf::behavior inputs_channel(inputs_actor* self, channel_spec spec) {
  channel_endpoint::hooks hooks;
  hooks.on_message = [self](const protocol::frame& frame) { on_inputs_message(self, frame); };
  self->state.endpoint = std::make_unique<channel_endpoint>(self, std::move(spec), std::move(hooks));
  self->state.endpoint->start();
  return caf::behavior{self->state.endpoint->handlers()};
}

}  // namespace

caf::actor spawn_inputs_channel(caf::actor_system& system, channel_spec spec) {
  return system.spawn(inputs_channel, std::move(spec));
}

}  // namespace vigil
