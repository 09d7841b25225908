// renderer: see renderer.hpp for its message interface.
#include "actors/renderer.hpp"

#include <algorithm>
#include <thread>

#include <caf/stateful_actor.hpp>

#include "actors/bounded_edge.hpp"
#include "actors/input_events.hpp"
#include "actors/messages.hpp"

namespace vigil {

namespace {

struct renderer_state {
  primary_frame_ptr latest;
  renderer_health health;
  bounded_edge to_viewer{"renderer->viewer", edge_ids::viewer_frames, 1, overflow_policy::keep_latest};
  // The newest frame the viewer has not been sent yet (it is still drawing the
  // previous one), and the union of the dirty rectangles of every frame it
  // stands for: the viewer only copies a frame's dirty rectangle, so a frame
  // that replaces another must carry both areas.
  primary_frame_ptr held;
  protocol::rect held_dirty;
  bool held_coalesced = false;
  protocol::cursor_state cursor;
  bounded_edge cursor_to_viewer{"renderer->viewer cursor", edge_ids::viewer_cursor, 1, overflow_policy::keep_latest};
  static inline const char* name = "renderer";
};

using renderer_actor = caf::stateful_actor<renderer_state>;

protocol::rect united(const protocol::rect& a, const protocol::rect& b) {
  if (a.empty())
    return b;
  if (b.empty())
    return a;
  return protocol::rect{std::min(a.top, b.top), std::min(a.left, b.left), std::max(a.bottom, b.bottom),
                        std::max(a.right, b.right)};
}

void hold_for_viewer(renderer_actor* self, const primary_frame_ptr& frame) {
  auto& state = self->state;
  state.held_coalesced = state.held != nullptr;
  state.held_dirty = state.held ? united(state.held_dirty, frame->dirty) : frame->dirty;
  state.held = frame;
}

// Sends the held frame once the viewer has credit; a copy with the united
// dirty rectangle when it replaced earlier frames (only then: pixels are copied).
void send_held(renderer_actor* self) {
  auto& state = self->state;
  if (!state.held || state.to_viewer.full())
    return;
  primary_frame_ptr frame = state.held;
  if (state.held_coalesced) {
    auto widened = std::make_shared<primary_frame>(*frame);
    widened->dirty = state.held_dirty;
    frame = std::move(widened);
  }
  state.held.reset();
  state.held_coalesced = false;
  state.to_viewer.send_values(self, frame_atom::value, frame);
}

caf::behavior renderer(renderer_actor* self, std::chrono::milliseconds debug_delay_per_frame) {
  return {
    [self, debug_delay_per_frame](frame_atom, const primary_frame_ptr& frame) {
      auto& state = self->state;
      if (debug_delay_per_frame.count() > 0)
        std::this_thread::sleep_for(debug_delay_per_frame);  // debug-only: a deliberately slow renderer
      if (frame) {
        auto& health = state.health;
        if (health.frames_rendered > 0 && frame->sequence > health.last_sequence + 1)
          health.frames_coalesced += frame->sequence - health.last_sequence - 1;
        ++health.frames_rendered;
        health.last_sequence = frame->sequence;
        health.width = frame->width;
        health.height = frame->height;
        state.latest = frame;
        hold_for_viewer(self, frame);
        send_held(self);
      }
      acknowledge_edge(self, caf::actor_cast<caf::actor>(self->current_sender()), edge_ids::display_frames);
    },
    [self](latest_frame_atom) { return self->state.latest; },
    [self](subscribe_frames_atom, const caf::actor& viewer) {
      auto& state = self->state;
      state.to_viewer.connect(viewer);
      state.cursor_to_viewer.connect(viewer);
      state.held.reset();  // the latest goes now, whole (a new viewer has no picture)
      if (state.latest)
        state.to_viewer.send_values(self, frame_atom::value, state.latest);
      state.cursor_to_viewer.send_values(self, cursor_state_atom::value, state.cursor);
    },
    [self](cursor_state_atom, const protocol::cursor_state& cursor) {
      self->state.cursor = cursor;
      self->state.cursor_to_viewer.send_values(self, cursor_state_atom::value, cursor);
      acknowledge_edge(self, caf::actor_cast<caf::actor>(self->current_sender()), edge_ids::cursor_state);
    },
    [self](edge_ack_atom, std::uint32_t edge_id, std::uint32_t count) {
      if (edge_id == edge_ids::viewer_frames) {
        self->state.to_viewer.on_ack(self, count);
        send_held(self);
      }
      else if (edge_id == edge_ids::viewer_cursor)
        self->state.cursor_to_viewer.on_ack(self, count);
    },
    [self](health_atom) { return self->state.health; },
    [self](shutdown_atom) { self->quit(); },
  };
}

}  // namespace

caf::actor spawn_renderer(caf::actor_system& system, std::chrono::milliseconds debug_delay_per_frame) {
  return system.spawn(renderer, debug_delay_per_frame);
}

}  // namespace vigil
