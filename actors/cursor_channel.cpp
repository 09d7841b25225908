// cursor_channel: keeps the cursor channel healthy (ACK window and PINGs in
// channel_endpoint) and counts cursor updates; drawing the cursor arrives
// with the viewer.
//
// Accepts: socket messages (see channel_endpoint.hpp), (health_atom) ->
//   channel_health, (shutdown_atom).
// Sends: (channel_event_atom, channel_event) to its parent.
#include <spice/enums.h>

#include <caf/stateful_actor.hpp>

#include "actors/channels.hpp"

namespace vigil {

namespace {

struct cursor_channel_state {
  std::unique_ptr<channel_endpoint> endpoint;
  static inline const char* name = "cursor_channel";
};

using cursor_actor = caf::stateful_actor<cursor_channel_state>;

caf::behavior cursor_channel(cursor_actor* self, channel_spec spec) {
  auto on_message = [self](const protocol::frame& frame) {
    self->state.endpoint->log().trace("{} ({} bytes)", protocol::message_type_name(SPICE_CHANNEL_CURSOR, frame.type),
                                      frame.body.size());
  };
  channel_endpoint::hooks hooks;
  hooks.on_message = on_message;
  self->state.endpoint = std::make_unique<channel_endpoint>(self, std::move(spec), std::move(hooks));
  self->state.endpoint->start();
  return caf::behavior{self->state.endpoint->handlers()};
}

}  // namespace

caf::actor spawn_cursor_channel(caf::actor_system& system, channel_spec spec) {
  return system.spawn(cursor_channel, std::move(spec));
}

}  // namespace vigil
