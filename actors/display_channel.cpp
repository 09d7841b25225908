// display_channel: applies what the server draws to the client's copy of its
// surfaces (protocol/display_pipeline.hpp: parsing, image decoding, canvas,
// caches, MJPEG streams) and hands the primary surface to the renderer.
//
// Accepts:
//   socket messages, (heartbeat_atom) -> channel_health, (shutdown_atom): see
//     channel_endpoint.hpp
//   (dump_primary_atom, std::string path) -> std::string: writes the primary
//     surface as a binary PPM; "" on success, else why not
//   (edge_ack_atom, edge_ids::display_frames, n) from the renderer: credit for
//     the next frame
//   (frame_due_atom) from itself, once per batch of drawings (see below)
// Sends:
//   DISPLAY_INIT to the server once linked (cache and GLZ window sizes)
//   (channel_event_atom, channel_event) to its parent (channel_endpoint)
//   (frame_atom, primary_frame_ptr) to the renderer over a keep_latest
//     bounded edge of capacity 1: one frame in flight; while it is, newer
//     drawings only extend the next frame's dirty rectangle, and the frame is
//     built (the primary copied) only when the renderer has acknowledged the
//     previous one. Its sequence number counts batches, so the renderer sees
//     how many were folded together.
//
// Batching: the first drawing that touches the primary schedules a
// (frame_due_atom) to self; it arrives after the socket data already queued,
// so a burst of drawings becomes one frame.
//
// Errors: bad data in one message (an unparseable drawing, a corrupt image, an
// unknown surface) skips that drawing, is logged and listed in the health
// errors; surface state we cannot continue from (a bad SURFACE_CREATE) fails
// the channel. Message types we do not handle are logged once each.
#include <spice/enums.h>
#include <spice/protocol.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>

#include <caf/stateful_actor.hpp>

#include "actors/bounded_edge.hpp"
#include "actors/channels.hpp"
#include "actors/messages.hpp"
#include "actors/renderer.hpp"
#include "protocol/canvas.hpp"
#include "protocol/display_pipeline.hpp"

namespace vigil {

namespace {

using frame_due_atom = caf::atom_constant<caf::atom("framedue")>;

// Health lists this many display errors; the rest are counted in one line.
constexpr std::size_t listed_errors = 10;
// Beyond this many, further display errors are logged at debug level only.
constexpr std::uint64_t logged_errors = 50;

protocol::capability_set display_caps() {
  return {SPICE_DISPLAY_CAP_SIZED_STREAM, SPICE_DISPLAY_CAP_MONITORS_CONFIG, SPICE_DISPLAY_CAP_LZ4_COMPRESSION,
          SPICE_DISPLAY_CAP_MULTI_CODEC, SPICE_DISPLAY_CAP_CODEC_MJPEG};
}

protocol::rect united(const protocol::rect& a, const protocol::rect& b) {
  if (a.empty())
    return b;
  if (b.empty())
    return a;
  return protocol::rect{std::min(a.top, b.top), std::min(a.left, b.left), std::max(a.bottom, b.bottom),
                        std::max(a.right, b.right)};
}

struct display_channel_state {
  std::unique_ptr<channel_endpoint> endpoint;
  std::unique_ptr<protocol::display_pipeline> pipeline;
  bounded_edge frames{"display_frames", edge_ids::display_frames, 1, overflow_policy::keep_latest};
  bool has_renderer = false;
  protocol::rect pending_dirty;   // primary area changed since the last frame sent
  bool frame_wanted = false;      // a batch ended with changes not yet sent
  bool frame_due_scheduled = false;
  std::uint64_t batches = 0;
  std::set<std::uint16_t> unsupported_seen;
  std::vector<std::string> errors;  // the first `listed_errors`
  std::uint64_t error_count = 0;
  static inline const char* name = "display_channel";
};

using display_actor = caf::stateful_actor<display_channel_state>;

primary_frame_ptr snapshot(const protocol::surface& primary, const protocol::rect& dirty, std::uint64_t sequence) {
  auto frame = std::make_shared<primary_frame>();
  frame->width = primary.width;
  frame->height = primary.height;
  frame->pixels = primary.pixels;
  frame->dirty = dirty;
  frame->sequence = sequence;
  return frame;
}

void send_frame_if_credit(display_actor* self) {
  auto& state = self->state;
  if (!state.frame_wanted || state.frames.stats().in_flight >= state.frames.capacity())
    return;
  const protocol::surface* primary = state.pipeline->surfaces().primary();
  if (!primary)
    return;
  state.frames.send_values(self, frame_atom::value, snapshot(*primary, state.pending_dirty, state.batches));
  state.pending_dirty = {};
  state.frame_wanted = false;
}

void note_primary_change(display_actor* self, const protocol::display_step& step) {
  auto& state = self->state;
  if (!state.has_renderer)
    return;
  state.pending_dirty = united(state.pending_dirty, step.primary_damage);
  if (step.primary_replaced)
    if (const protocol::surface* primary = state.pipeline->surfaces().primary())
      state.pending_dirty = primary->bounds();
  if (!state.frame_due_scheduled) {
    state.frame_due_scheduled = true;
    self->send(self, frame_due_atom::value);
  }
}

void record_error(display_actor* self, const std::string& error) {
  auto& state = self->state;
  ++state.error_count;
  if (state.errors.size() < listed_errors)
    state.errors.push_back(error);
  if (state.error_count <= logged_errors)
    state.endpoint->log().error("{} (drawing skipped)", error);
  else
    state.endpoint->log().debug("{} (drawing skipped)", error);
}

void on_display_message(display_actor* self, const protocol::frame& frame) {
  auto& state = self->state;
  const protocol::display_step step = state.pipeline->apply(frame.type, frame.body);
  switch (step.outcome) {
    case protocol::display_outcome::applied: break;
    case protocol::display_outcome::unsupported:
      if (state.unsupported_seen.insert(frame.type).second)
        state.endpoint->log().warn("{} ({} bytes) is not supported: ignored (logged once per type)",
                                   protocol::message_type_name(SPICE_CHANNEL_DISPLAY, frame.type), frame.body.size());
      return;
    case protocol::display_outcome::skipped: record_error(self, step.error); return;
    case protocol::display_outcome::fatal: state.endpoint->fail(failure_kind::protocol_error, step.error); return;
  }
  if (!step.primary_damage.empty() || step.primary_replaced)
    note_primary_change(self, step);
}

void add_display_health(display_actor* self, channel_health& health) {
  auto& state = self->state;
  if (state.has_renderer)
    health.edges.push_back(edge_report_of(state.frames));
  health.errors.insert(health.errors.end(), state.errors.begin(), state.errors.end());
  if (state.error_count > state.errors.size())
    health.errors.push_back(std::to_string(state.error_count - state.errors.size()) + " more display errors");
}

std::string dump_primary(display_actor* self, const std::string& path) {
  const protocol::surface* primary = self->state.pipeline->surfaces().primary();
  if (!primary)
    return "no primary surface yet";
  const protocol::bytes ppm = protocol::encode_ppm(*primary);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(ppm.data()), static_cast<std::streamsize>(ppm.size()));
  out.close();
  if (!out)
    return "cannot write " + path + ": " + std::strerror(errno);
  self->state.endpoint->log().info("primary surface {}x{} written to {}", primary->width, primary->height, path);
  return "";
}

caf::behavior display_channel(display_actor* self, channel_spec spec, protocol::display_init_request display_init,
                              caf::actor renderer) {
  auto& state = self->state;
  protocol::display_settings settings;
  settings.pixmap_cache_pixels = static_cast<std::uint64_t>(std::max<std::int64_t>(display_init.pixmap_cache_size, 0));
  settings.glz_window_pixels = static_cast<std::size_t>(std::max<std::int32_t>(display_init.glz_window_size, 0));
  state.pipeline = std::make_unique<protocol::display_pipeline>(settings);
  if (renderer) {
    state.has_renderer = true;
    state.frames.connect(renderer);
  }
  spec.channel_caps = display_caps();
  channel_endpoint::hooks hooks;
  hooks.on_up = [self, display_init] {
    self->state.endpoint->send(SPICE_MSGC_DISPLAY_INIT, protocol::build_display_init(display_init));
  };
  hooks.on_message = [self](const protocol::frame& frame) { on_display_message(self, frame); };
  hooks.add_health = [self](channel_health& health) { add_display_health(self, health); };
  state.endpoint = std::make_unique<channel_endpoint>(self, std::move(spec), std::move(hooks));
  state.endpoint->start();
  caf::message_handler display_handlers{
    [self](dump_primary_atom, const std::string& path) { return dump_primary(self, path); },
    [self](edge_ack_atom, std::uint32_t edge_id, std::uint32_t count) {
      if (edge_id != edge_ids::display_frames)
        return;
      self->state.frames.on_ack(self, count);
      send_frame_if_credit(self);
    },
    [self](frame_due_atom) {
      auto& state = self->state;
      state.frame_due_scheduled = false;
      ++state.batches;
      state.frame_wanted = true;
      send_frame_if_credit(self);
    },
  };
  return display_handlers.or_else(state.endpoint->handlers());
}

}  // namespace

caf::actor spawn_display_channel(caf::actor_system& system, channel_spec spec,
                                 protocol::display_init_request display_init, caf::actor renderer) {
  return system.spawn(display_channel, std::move(spec), display_init, std::move(renderer));
}

}  // namespace vigil
