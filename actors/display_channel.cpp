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
//   (report_due_atom, deadline_ms) from itself: a video stream report window
//     may have timed out (see below)
// Sends:
//   DISPLAY_INIT to the server once linked (cache and GLZ window sizes)
//   DISPLAY_STREAM_REPORT to the server for every stream it activated reports
//     on (protocol/stream_reports.hpp), one debug log line each
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
// Stream reports: each frame is counted (a frame that was not drawn counts as
// a drop) and full windows are reported at once; a delayed (report_due_atom)
// armed for the earliest open window's timeout reports windows whose frames
// stopped coming.
//
// Errors: bad data in one message (an unparseable drawing, a corrupt image, an
// unknown surface) skips that drawing, is logged and listed in the health
// errors; surface state we cannot continue from (a bad SURFACE_CREATE) fails
// the channel. Message types we do not handle are logged once each.
#include <spice/enums.h>
#include <spice/protocol.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <optional>
#include <set>

#include <caf/stateful_actor.hpp>

#include "actors/bounded_edge.hpp"
#include "actors/channels.hpp"
#include "actors/messages.hpp"
#include "actors/renderer.hpp"
#include "protocol/canvas.hpp"
#include "protocol/display_pipeline.hpp"
#include "protocol/stream_reports.hpp"

namespace vigil {

namespace {

using frame_due_atom = caf::atom_constant<caf::atom("framedue")>;
using report_due_atom = caf::atom_constant<caf::atom("reportdue")>;

// Health lists this many display errors; the rest are counted in one line.
constexpr std::size_t listed_errors = 10;
// Beyond this many, further display errors are logged at debug level only.
constexpr std::uint64_t logged_errors = 50;

protocol::capability_set display_caps() {
  return {SPICE_DISPLAY_CAP_SIZED_STREAM, SPICE_DISPLAY_CAP_MONITORS_CONFIG, SPICE_DISPLAY_CAP_STREAM_REPORT,
          SPICE_DISPLAY_CAP_LZ4_COMPRESSION, SPICE_DISPLAY_CAP_MULTI_CODEC, SPICE_DISPLAY_CAP_CODEC_MJPEG};
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
  protocol::stream_report_tracker stream_reports;
  protocol::mm_time_clock mm_clock;  // synced from main's INIT when the session had it
  std::optional<video_timing_health> video;
  std::optional<std::uint64_t> report_timer_deadline;  // the pending (report_due_atom), if any
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

std::uint64_t monotonic_ms() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                      std::chrono::steady_clock::now().time_since_epoch())
                                      .count());
}

void send_due_reports(display_actor* self) {
  auto& state = self->state;
  const std::uint64_t now = monotonic_ms();
  for (const protocol::stream_report& report : state.stream_reports.due_reports(now)) {
    state.endpoint->send(SPICE_MSGC_DISPLAY_STREAM_REPORT, protocol::build_stream_report(report));
    state.endpoint->log().debug("STREAM_REPORT stream {} unique {}: {} frames, {} drops, mm_time {}..{}, "
                                "last frame delay {} ms",
                                report.stream_id, report.unique_id, report.num_frames, report.num_drops,
                                report.start_frame_mm_time, report.end_frame_mm_time, report.last_frame_delay);
  }
  const std::optional<std::uint64_t> deadline = state.stream_reports.next_deadline();
  if (!deadline || (state.report_timer_deadline && *state.report_timer_deadline <= *deadline))
    return;
  state.report_timer_deadline = deadline;
  const std::uint64_t wait_ms = *deadline > now ? *deadline - now : 0;
  self->delayed_send(self, std::chrono::milliseconds(wait_ms + 1), report_due_atom::value, *deadline);
}

void note_frame_timing(display_actor* self, std::int32_t delay_ms) {
  auto& state = self->state;
  if (!state.video) {
    state.video.emplace();
    state.video->clock_synced = state.mm_clock.synced();
    state.video->min_frame_delay_ms = state.video->max_frame_delay_ms = delay_ms;
  }
  auto& video = *state.video;
  ++video.frames;
  video.late_frames += delay_ms < 0 ? 1 : 0;
  video.last_frame_delay_ms = delay_ms;
  video.min_frame_delay_ms = std::min(video.min_frame_delay_ms, delay_ms);
  video.max_frame_delay_ms = std::max(video.max_frame_delay_ms, delay_ms);
}

// Frames and stream lifetimes as the report tracker needs them; `drawn` is
// whether the pipeline showed the frame.
void track_stream_reports(display_actor* self, const protocol::frame& frame, bool drawn) {
  auto& state = self->state;
  std::optional<std::pair<std::uint32_t, std::uint32_t>> stream_frame;  // stream id, mm_time
  switch (frame.type) {
    case SPICE_MSG_DISPLAY_STREAM_ACTIVATE_REPORT: {
      auto request = protocol::parse_stream_activate_report(frame.body);
      if (!request) {
        record_error(self, request.error().message);
        return;
      }
      auto activated = state.stream_reports.activate(*request);
      if (!activated) {
        record_error(self, activated.error().message);
        return;
      }
      state.endpoint->log().debug("stream {}: reports activated (unique id {}, every {} frames or {} ms)",
                                  request->stream_id, request->unique_id, request->max_window_size,
                                  request->timeout_ms);
      return;
    }
    case SPICE_MSG_DISPLAY_STREAM_DATA:
      if (auto parsed = protocol::parse_stream_data(frame.body))
        stream_frame.emplace(parsed->stream_id, parsed->multi_media_time);
      break;
    case SPICE_MSG_DISPLAY_STREAM_DATA_SIZED:
      if (auto parsed = protocol::parse_stream_data_sized(frame.body))
        stream_frame.emplace(parsed->stream_id, parsed->multi_media_time);
      break;
    case SPICE_MSG_DISPLAY_STREAM_DESTROY:
      if (auto parsed = protocol::parse_stream_destroy(frame.body))
        state.stream_reports.on_destroy(parsed->stream_id);
      return;
    case SPICE_MSG_DISPLAY_STREAM_DESTROY_ALL: state.stream_reports.on_destroy_all(); return;
    default: return;
  }
  if (!stream_frame)
    return;
  // The delay reported is how long before its mm_time the frame arrived, by
  // the server clock main's INIT gave (spice-server stamps INIT 400 ms
  // behind its own clock, the headroom it grants the client). Without that
  // clock the frame's own mm_time stands in and the delay is 0: an estimate
  // from frame arrivals alone could only come out <= 0, which spice-server
  // reads as "video delay too short" and answers by lowering the bit rate.
  // Frames are drawn on arrival either way; late ones are counted.
  const std::uint64_t now = monotonic_ms();
  const std::uint32_t frame_mm_time = stream_frame->second;
  const std::uint32_t server_now = state.mm_clock.synced() ? state.mm_clock.server_now(now) : frame_mm_time;
  note_frame_timing(self, static_cast<std::int32_t>(frame_mm_time - server_now));
  state.stream_reports.on_frame(stream_frame->first, frame_mm_time, drawn, server_now, now);
  send_due_reports(self);
}

void on_display_message(display_actor* self, const protocol::frame& frame) {
  auto& state = self->state;
  if (frame.type == SPICE_MSG_DISPLAY_STREAM_ACTIVATE_REPORT)
    return track_stream_reports(self, frame, false);
  const protocol::display_step step = state.pipeline->apply(frame.type, frame.body);
  track_stream_reports(self, frame, step.outcome == protocol::display_outcome::applied);
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
  health.video = state.video;
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
                              caf::actor renderer, std::optional<protocol::mm_time_sync> mm_time) {
  auto& state = self->state;
  if (mm_time)
    state.mm_clock.sync(*mm_time);
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
    [self](report_due_atom, std::uint64_t deadline_ms) {
      auto& state = self->state;
      if (state.report_timer_deadline == deadline_ms)
        state.report_timer_deadline.reset();
      send_due_reports(self);
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
                                 protocol::display_init_request display_init, caf::actor renderer,
                                 std::optional<protocol::mm_time_sync> mm_time) {
  return system.spawn(display_channel, std::move(spec), display_init, std::move(renderer), mm_time);
}

}  // namespace vigil
