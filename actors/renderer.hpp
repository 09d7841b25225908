// The renderer: the compositor between the display and cursor channels and
// whatever shows the session (the window; headless: nothing). It is the one
// place that knows what is on screen, and it outlives reconnects.
//
// Frames are pulled, never pushed. A display channel offers its primary
// surface (frame_source_atom) and builds a frame only when the renderer asks
// for one (frame_request_atom): the request is the credit, one at a time. The
// renderer asks again only once the consumer has shown the last update
// (frame_shown_atom), so frames are paced to what the window shows, and while
// it is busy the channel folds its drawings into the next frame's damage.
// Headless the renderer asks for damage only (no pixels: nothing is copied)
// and at once, so it still counts frames.
//
// Updates to the consumer combine what changed since the last one: the
// picture's changes (a frame_patch) and the guest's cursor. One update is in
// flight at a time; the cursor channel's edge is keep_latest (acknowledged at
// once), so a cursor that moves while the consumer is busy costs one update.
//
// A consumer that subscribes has no picture yet: the next frame it gets is
// the whole surface. One renderer a display channel: display:0's also takes
// the cursor; the window spawns one for each further display it shows
// (session_options::display_renderers), headless has display:0's only.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/frame_patch.hpp"
#include "actors/input_events.hpp"
#include "actors/messages.hpp"

namespace vigil {

using frame_source_atom = caf::atom_constant<caf::atom("framesrc")>;
using frame_request_atom = caf::atom_constant<caf::atom("framereq")>;
using frame_atom = caf::atom_constant<caf::atom("frame")>;
using screen_update_atom = caf::atom_constant<caf::atom("screenupd")>;
using frame_shown_atom = caf::atom_constant<caf::atom("frameshown")>;
using subscribe_frames_atom = caf::atom_constant<caf::atom("subframes")>;
using frame_whole_atom = caf::atom_constant<caf::atom("framewhole")>;

// The renderer's credit to a display channel: build one frame.
struct frame_request {
  bool pixels = true;  // false: the rectangles only (nobody looks at the pixels)
  bool whole = false;  // the whole surface, whatever changed (the consumer has no picture)
};

// What changed on screen since the consumer's last update.
struct screen_update {
  std::uint32_t display = 0;                    // the display channel's id (the renderer's)
  frame_patch_ptr picture;                      // null: the picture is unchanged
  std::optional<protocol::cursor_state> cursor;  // set: the guest's cursor changed
};

struct renderer_health {
  std::uint64_t frames_rendered = 0;   // frames received from the display channel
  std::uint64_t frames_coalesced = 0;  // display batches folded into later frames while the consumer was busy
  std::uint64_t last_sequence = 0;
  std::uint32_t width = 0;  // of the latest frame
  std::uint32_t height = 0;
};

// Whatever shows the session: takes one update at a time and answers each
// with (frame_shown_atom) to the renderer once it is on screen.
using frame_consumer = caf::typed_actor<caf::reacts_to<screen_update_atom, screen_update>>;

using renderer_actor = caf::typed_actor<
  // A display channel (dynamically typed: it answers (frame_request_atom,
  // frame_request) with one (frame_atom, frame_patch_ptr)) offers its
  // primary surface; a newer offer replaces the older (a reconnect).
  caf::reacts_to<frame_source_atom, caf::actor>,
  caf::reacts_to<frame_atom, frame_patch_ptr>,
  // From the cursor channel over its keep_latest bounded edge
  // (edge_ids::cursor_state), acknowledged at once.
  caf::reacts_to<cursor_state_atom, protocol::cursor_state>,
  // The consumer from now on (it replaces any earlier one).
  caf::reacts_to<subscribe_frames_atom, frame_consumer>,
  caf::reacts_to<frame_shown_atom>,
  // The consumer no longer has all of the picture (e.g. it dropped a copy
  // it did not need until now): its next picture change is the whole surface.
  caf::reacts_to<frame_whole_atom>,
  caf::replies_to<health_atom>::with<renderer_health>,
  caf::reacts_to<shutdown_atom>>;

// `debug_delay_per_frame` (debug-only fault injection, normally 0) makes it
// slow; `display` is the id its updates carry.
renderer_actor spawn_renderer(caf::actor_system& system,
                              std::chrono::milliseconds debug_delay_per_frame = std::chrono::milliseconds(0),
                              std::uint32_t display = 0);

}  // namespace vigil

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::frame_patch_ptr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::frame_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::screen_update)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::renderer_health)
