// display_channel: for now it keeps the display channel healthy (ACKs on the
// server's window, PINGs answered: both in channel_endpoint) and counts what
// arrives; drawing arrives with the display pipeline.
//
// Accepts: socket messages (see channel_endpoint.hpp), (health_atom) ->
//   channel_health, (shutdown_atom).
// Sends: (channel_event_atom, channel_event) to its parent; DISPLAY_INIT to the
//   server once linked.
#include <set>

#include <spice/enums.h>

#include <caf/stateful_actor.hpp>

#include "actors/channels.hpp"

namespace vigil {

namespace {

struct display_channel_state {
  std::unique_ptr<channel_endpoint> endpoint;
  std::set<std::uint16_t> seen_types;  // to log each message type once
  static inline const char* name = "display_channel";
};

using display_actor = caf::stateful_actor<display_channel_state>;

caf::behavior display_channel(display_actor* self, channel_spec spec, protocol::display_init_request display_init) {
  auto on_up = [self, display_init] {
    self->state.endpoint->send(SPICE_MSGC_DISPLAY_INIT, protocol::build_display_init(display_init));
  };
  auto on_message = [self](const protocol::frame& frame) {
    if (self->state.seen_types.insert(frame.type).second)
      self->state.endpoint->log().debug("first {} ({} bytes); not drawn yet",
                                        protocol::message_type_name(SPICE_CHANNEL_DISPLAY, frame.type),
                                        frame.body.size());
  };
  self->state.endpoint =
    std::make_unique<channel_endpoint>(self, std::move(spec), channel_endpoint::hooks{on_up, on_message});
  self->state.endpoint->start();
  return caf::behavior{self->state.endpoint->handlers()};
}

}  // namespace

caf::actor spawn_display_channel(caf::actor_system& system, channel_spec spec,
                                 protocol::display_init_request display_init) {
  return system.spawn(display_channel, std::move(spec), display_init);
}

}  // namespace vigil
