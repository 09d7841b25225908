// cursor_channel: follows the server's cursor (shape, hot spot, position,
// visibility) with protocol::cursor_tracker, which also keeps the shape
// cache. The window asks for the cursor when it draws; nothing is pushed.
//
// Accepts: socket messages (see channel_endpoint.hpp), (heartbeat_atom) ->
//   channel_health, (shutdown_atom), (cursor_state_atom) ->
//   protocol::cursor_state (input_events.hpp).
// Sends: (channel_event_atom, channel_event) to its parent. A cursor message
//   that does not parse, a shape that does not decode or a FROM_CACHE miss
//   is a protocol_error: the channel is restarted, and the new channel's INIT
//   brings the cursor back in step with the server.
#include <spice/enums.h>

#include <set>

#include <caf/stateful_actor.hpp>

#include "actors/channels.hpp"
#include "actors/input_events.hpp"

namespace vigil {

namespace {

struct cursor_channel_state {
  std::unique_ptr<channel_endpoint> endpoint;
  protocol::cursor_tracker tracker;
  bounded_edge to_renderer{"cursor->renderer", edge_ids::cursor_state, 1, overflow_policy::keep_latest};
  std::set<std::uint16_t> unknown_types_logged;  // log each unknown type once
  static inline const char* name = "cursor_channel";
};

using cursor_actor = caf::stateful_actor<cursor_channel_state>;

void on_cursor_message(cursor_actor* self, const protocol::frame& frame) {
  auto& state = self->state;
  auto& log = state.endpoint->log();
  auto applied = state.tracker.apply(frame.type, frame.body);
  if (!applied) {
    state.endpoint->fail(failure_kind::protocol_error, applied.error().message);
    return;
  }
  if (!*applied) {
    if (state.unknown_types_logged.insert(frame.type).second)
      log.warn("ignoring unknown cursor message type {} ({} bytes); further messages of this type are not logged", frame.type,
               frame.body.size());
    return;
  }
  const auto& cursor = state.tracker.state();
  state.to_renderer.send_values(self, cursor_state_atom::value, cursor);
  if (frame.type == SPICE_MSG_CURSOR_INIT || frame.type == SPICE_MSG_CURSOR_SET) {
    if (cursor.shape)
      log.debug("{}: {} {}x{} hot spot ({},{}) at ({},{}){}", protocol::message_type_name(SPICE_CHANNEL_CURSOR, frame.type),
                protocol::cursor_type_name(cursor.shape->type), cursor.shape->image.width, cursor.shape->image.height,
                cursor.shape->hot_x, cursor.shape->hot_y, cursor.x, cursor.y, cursor.visible ? "" : ", hidden");
    else
      log.debug("{}: no cursor", protocol::message_type_name(SPICE_CHANNEL_CURSOR, frame.type));
    return;
  }
  log.trace("{} ({} bytes)", protocol::message_type_name(SPICE_CHANNEL_CURSOR, frame.type), frame.body.size());
}

caf::behavior cursor_channel(cursor_actor* self, channel_spec spec, renderer_actor renderer) {
  self->state.to_renderer.connect(caf::actor_cast<caf::actor>(std::move(renderer)));
  channel_endpoint::hooks hooks;
  hooks.on_message = [self](const protocol::frame& frame) { on_cursor_message(self, frame); };
  hooks.add_health = [self](channel_health& health) { health.edges.push_back(edge_report_of(self->state.to_renderer)); };
  // Live migration, semi-seamless: the destination's shape cache starts empty, so does ours.
  hooks.on_migrated = [self](bool seamless) {
    if (!seamless)
      self->state.tracker = protocol::cursor_tracker{};
  };
  self->state.endpoint = std::make_unique<channel_endpoint>(self, std::move(spec), std::move(hooks));
  self->state.endpoint->start();
  return caf::behavior{self->state.endpoint->handlers().or_else(
    [self](cursor_state_atom) { return self->state.tracker.state(); },
    [self](edge_ack_atom, std::uint32_t edge_id, std::uint32_t count) {
      if (edge_id == edge_ids::cursor_state)
        self->state.to_renderer.on_ack(self, count);
    })};
}

}  // namespace

caf::actor spawn_cursor_channel(caf::actor_system& system, channel_spec spec, renderer_actor renderer) {
  return system.spawn(cursor_channel, std::move(spec), std::move(renderer));
}

}  // namespace vigil
