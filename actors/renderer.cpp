// renderer: see renderer.hpp for its interface and policies.
#include "actors/renderer.hpp"

#include <thread>

#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/bounded_edge.hpp"

namespace vigil {

namespace {

struct renderer_state {
  // The display channel whose primary is shown, and whether a frame
  // request to it is outstanding.
  caf::actor source;
  bool requested = false;
  bool consumer_needs_whole = true;  // the consumer has no picture of the current source yet
  frame_consumer consumer;
  bool consumer_busy = false;  // an update is being shown: the consumer's credit is spent
  frame_patch_ptr held;        // picture changes waiting for the consumer
  protocol::cursor_state cursor;
  bool cursor_changed = false;  // the consumer has not seen `cursor`
  renderer_health health;
  std::uint32_t display = 0;  // the display channel whose frames it renders
  static inline const char* name = "renderer";
};

using renderer_pointer = renderer_actor::stateful_pointer<renderer_state>;

// Credit to the source for one frame, when the consumer can take it soon:
// nothing held, nothing being shown. Headless there is no consumer to wait for.
void request_frame(renderer_pointer self) {
  auto& state = self->state;
  if (!state.source || state.requested)
    return;
  const bool viewing = static_cast<bool>(state.consumer);
  if (viewing && (state.held || state.consumer_busy))
    return;
  state.requested = true;
  // The display channel is dynamically typed: a typed actor's send() cannot reach it.
  caf::unsafe_send_as(self, state.source, frame_request_atom::value,
                      frame_request{viewing, viewing && state.consumer_needs_whole});
}

void send_update(renderer_pointer self) {
  auto& state = self->state;
  if (!state.consumer || state.consumer_busy || (!state.held && !state.cursor_changed))
    return;
  screen_update update;
  update.display = state.display;
  update.picture = std::move(state.held);
  if (state.cursor_changed)
    update.cursor = state.cursor;
  state.held.reset();
  state.cursor_changed = false;
  state.consumer_busy = true;
  self->send(state.consumer, screen_update_atom::value, std::move(update));
}

void on_frame(renderer_pointer self, const frame_patch_ptr& frame) {
  auto& state = self->state;
  if (!frame || !state.source || self->current_sender() != caf::actor_cast<caf::strong_actor_ptr>(state.source))
    return;  // from a source replaced since it was asked
  state.requested = false;
  auto& health = state.health;
  if (health.frames_rendered > 0 && frame->sequence > health.last_sequence + 1)
    health.frames_coalesced += frame->sequence - health.last_sequence - 1;
  ++health.frames_rendered;
  health.last_sequence = frame->sequence;
  health.width = frame->width;
  health.height = frame->height;
  if (state.consumer) {
    if (!frame->pixels || (state.consumer_needs_whole && !frame->whole)) {
      request_frame(self);  // asked for before the consumer came: it needs every pixel
      return;
    }
    state.consumer_needs_whole = false;
    state.held = frame;
    send_update(self);
  }
  request_frame(self);
}

renderer_actor::behavior_type renderer(renderer_pointer self, std::chrono::milliseconds debug_delay_per_frame,
                                       std::uint32_t display) {
  self->state.display = display;
  self->set_down_handler([self](const caf::down_msg& down) {
    if (down.source == self->state.source.address()) {
      self->state.source = nullptr;
      self->state.requested = false;
    }
  });
  return {
    [self](frame_source_atom, const caf::actor& display) {
      auto& state = self->state;
      state.source = display;
      state.requested = false;
      state.consumer_needs_whole = true;
      self->monitor(display);
      request_frame(self);
    },
    [self, debug_delay_per_frame](frame_atom, const frame_patch_ptr& frame) {
      if (debug_delay_per_frame.count() > 0)
        std::this_thread::sleep_for(debug_delay_per_frame);  // debug-only: a deliberately slow renderer
      on_frame(self, frame);
    },
    [self](cursor_state_atom, const protocol::cursor_state& cursor) {
      self->state.cursor = cursor;
      self->state.cursor_changed = true;
      send_update(self);
      acknowledge_edge(self, caf::actor_cast<caf::actor>(self->current_sender()), edge_ids::cursor_state);
    },
    [self](subscribe_frames_atom, const frame_consumer& consumer) {
      auto& state = self->state;
      state.consumer = consumer;
      state.consumer_busy = false;
      state.consumer_needs_whole = true;
      state.held.reset();
      state.cursor_changed = true;
      send_update(self);
      request_frame(self);
    },
    [self](frame_shown_atom) {
      self->state.consumer_busy = false;
      send_update(self);
      request_frame(self);
    },
    [self](frame_whole_atom) {
      auto& state = self->state;
      state.consumer_needs_whole = true;
      state.held.reset();  // a part only; the whole frame asked for covers it
      request_frame(self);
    },
    [self](health_atom) { return self->state.health; },
    [self](shutdown_atom) { self->quit(); },
  };
}

}  // namespace

renderer_actor spawn_renderer(caf::actor_system& system, std::chrono::milliseconds debug_delay_per_frame,
                              std::uint32_t display) {
  return system.spawn(renderer, debug_delay_per_frame, display);
}

}  // namespace vigil
