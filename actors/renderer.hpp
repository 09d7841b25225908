// The renderer: receives the primary surface as immutable frames from a
// display channel and keeps the latest one for whatever shows it (headless:
// nothing, it only counts; the window, later, reads frames from it).
//
// Accepts:
//   (frame_atom, primary_frame_ptr) from a display channel, over its
//       keep_latest bounded edge (edge_ids::display_frames, capacity 1):
//       each frame is acknowledged with (edge_ack_atom, display_frames, 1)
//       once kept, and the channel sends no next frame before that, so the
//       renderer's mailbox never holds more than one frame per channel.
//   (latest_frame_atom) -> primary_frame_ptr   nullptr before the first frame
//   (subscribe_frames_atom, caf::actor viewer) the viewer gets every frame kept
//       from now on (the latest at once), as (frame_atom, primary_frame_ptr)
//       over a keep_latest bounded edge of capacity 1: a viewer that draws
//       slowly (or stops) only ever has the newest frame waiting, its dirty
//       rectangle widened to cover the frames it replaced (the viewer copies
//       only that rectangle)
//   (cursor_state_atom, protocol::cursor_state) from the cursor channel over its
//       keep_latest edge (acknowledged); passed to the viewer the same way
//   (edge_ack_atom, viewer_frames | viewer_cursor, n)   from the viewer
//   (health_atom) -> renderer_health
//   (shutdown_atom)                            quits
// Sends: the acknowledgements above; frames to its viewer.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>

#include "actors/channel_endpoint.hpp"
#include "protocol/channel_messages.hpp"
#include "protocol/display_messages.hpp"

namespace vigil {

using frame_atom = caf::atom_constant<caf::atom("frame")>;
using latest_frame_atom = caf::atom_constant<caf::atom("lastframe")>;
using subscribe_frames_atom = caf::atom_constant<caf::atom("subframes")>;

// One picture of the primary surface. Never changed after it is sent.
struct primary_frame {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::vector<std::uint32_t> pixels;  // 0xAARRGGBB (A unused), top row first
  protocol::rect dirty;               // changed since the previous frame sent
  std::uint64_t sequence = 0;         // the display channel's update count; gaps = coalesced updates
};
using primary_frame_ptr = std::shared_ptr<const primary_frame>;

struct renderer_health {
  std::uint64_t frames_rendered = 0;   // frames received
  std::uint64_t frames_coalesced = 0;  // updates folded into later frames while the renderer was busy
  std::uint64_t last_sequence = 0;
  std::uint32_t width = 0;             // of the latest frame
  std::uint32_t height = 0;
};

// `debug_delay_per_frame` (debug-only fault injection, normally 0) makes it slow.
caf::actor spawn_renderer(caf::actor_system& system,
                          std::chrono::milliseconds debug_delay_per_frame = std::chrono::milliseconds(0));


}  // namespace vigil

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::primary_frame_ptr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::renderer_health)
