// display_channel: applies what the server draws to the client's copy of its
// surfaces (protocol/display_pipeline.hpp: parsing, image decoding, canvas,
// caches, MJPEG streams) and builds frames of the primary surface for the
// renderer when the renderer asks for one.
//
// Accepts:
//   socket messages, (heartbeat_atom) -> channel_health, (shutdown_atom): see
//     channel_endpoint.hpp
//   (dump_primary_atom, std::string path) -> std::string: writes the primary
//     surface as a binary PPM; "" on success, else why not
//   (frame_request_atom, frame_request) from the renderer: credit for one
//     frame (actors/renderer.hpp)
//   (frame_due_atom) from itself, once per batch of drawings (see below)
//   (report_due_atom, deadline_ms) from itself: a video stream report window
//     may have timed out (see below)
// Sends:
//   DISPLAY_INIT to the server once linked (cache and GLZ window sizes)
//   DISPLAY_STREAM_REPORT to the server for every stream it activated reports
//     on (protocol/stream_reports.hpp), one debug log line each
//   (channel_event_atom, channel_event) to its parent (channel_endpoint)
//   (frame_source_atom, self) to the renderer once, at start
//   (frame_atom, frame_patch_ptr) to the renderer, one per request: what
//     changed on the primary since the last frame (protocol/damage_region.hpp),
//     the pixels of those rectangles only, unless the surface is new or the
//     request asks for all of it. Between requests drawings only add to the
//     damage: a renderer that asks slowly costs coalesced frames, never memory
//     or copies. The frame's sequence number counts batches, so the renderer
//     sees how many were folded together.
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
#include "protocol/damage_region.hpp"
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

struct display_channel_state {
  std::unique_ptr<channel_endpoint> endpoint;
  std::unique_ptr<protocol::display_pipeline> pipeline;
  renderer_actor renderer;
  std::optional<frame_request> request;  // the renderer's credit, until a frame answers it
  protocol::damage_region damage;        // primary area changed since the last frame sent
  bool surface_replaced = false;         // the primary is new since the last frame sent
  bool frame_due_scheduled = false;      // a batch is being drawn
  std::uint64_t batches = 0;
  std::uint64_t frames_sent = 0;
  std::shared_ptr<pixel_buffer_pool> pixel_pool = pixel_buffer_pool::make();
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

// A frame once the renderer asked for one and the current batch is drawn.
void send_frame_if_requested(display_actor* self) {
  auto& state = self->state;
  if (!state.request || state.frame_due_scheduled)
    return;
  const protocol::surface* primary = state.pipeline->surfaces().primary();
  if (!primary)
    return;
  const bool whole = state.request->whole || state.surface_replaced;
  if (!whole && state.damage.empty())
    return;
  std::vector<protocol::rect> rects;
  if (whole) {
    rects.push_back(primary->bounds());
    state.damage.clear();
  } else {
    rects = state.damage.take(primary->bounds());
  }
  pixel_buffer_pool* pool = state.request->pixels ? state.pixel_pool.get() : nullptr;
  self->send(state.renderer, frame_atom::value, make_frame_patch(*primary, std::move(rects), whole, state.batches, pool));
  ++state.frames_sent;
  state.request.reset();
  state.surface_replaced = false;
}

void note_primary_change(display_actor* self, const protocol::display_step& step) {
  auto& state = self->state;
  if (!state.renderer)
    return;
  state.damage.add(step.primary_damage);
  state.surface_replaced = state.surface_replaced || step.primary_replaced;
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
  if (state.renderer) {
    edge_report frames;
    frames.name = "display->renderer frames";
    frames.policy = "credit";
    frames.capacity = 1;
    frames.sent = state.frames_sent;
    frames.coalesced = state.batches - state.frames_sent;
    frames.in_flight = state.request ? 0 : 1;
    health.edges.push_back(frames);
  }
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
                              renderer_actor renderer, std::optional<protocol::mm_time_sync> mm_time) {
  auto& state = self->state;
  if (mm_time)
    state.mm_clock.sync(*mm_time);
  protocol::display_settings settings;
  settings.pixmap_cache_pixels = static_cast<std::uint64_t>(std::max<std::int64_t>(display_init.pixmap_cache_size, 0));
  settings.glz_window_pixels = static_cast<std::size_t>(std::max<std::int32_t>(display_init.glz_window_size, 0));
  state.pipeline = std::make_unique<protocol::display_pipeline>(settings);
  state.renderer = std::move(renderer);
  spec.channel_caps = display_caps();
  channel_endpoint::hooks hooks;
  hooks.on_up = [self, display_init] {
    self->state.endpoint->send(SPICE_MSGC_DISPLAY_INIT, protocol::build_display_init(display_init));
  };
  hooks.on_message = [self](const protocol::frame& frame) { on_display_message(self, frame); };
  hooks.add_health = [self](channel_health& health) { add_display_health(self, health); };
  state.endpoint = std::make_unique<channel_endpoint>(self, std::move(spec), std::move(hooks));
  state.endpoint->start();
  if (state.renderer)
    self->send(state.renderer, frame_source_atom::value, caf::actor{self});
  caf::message_handler display_handlers{
    [self](dump_primary_atom, const std::string& path) { return dump_primary(self, path); },
    [self](frame_request_atom, const frame_request& request) {
      self->state.request = request;
      send_frame_if_requested(self);
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
      send_frame_if_requested(self);
    },
  };
  return display_handlers.or_else(state.endpoint->handlers());
}

}  // namespace

caf::actor spawn_display_channel(caf::actor_system& system, channel_spec spec,
                                 protocol::display_init_request display_init, renderer_actor renderer,
                                 std::optional<protocol::mm_time_sync> mm_time) {
  return system.spawn(display_channel, std::move(spec), display_init, std::move(renderer), mm_time);
}

}  // namespace vigil
