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
//   (video_picture_atom, decoded_video_frame) from a stream's decoder
//     (actors/stream_decoder.hpp): one answer per frame sent to it
//   (video_tick_atom) from itself every 500 ms while frames are with
//     decoders: stalled decoders are restarted (actors/video_streams.hpp)
//   (codec_preference_atom) from itself, once, codec_preference_delay after
//     the display is up (see below)
//   (present_due_atom) from its wake_timer, tolerance_ms after a waiting
//     decoded picture's mm_time (actors/video_presenter.hpp: pictures are
//     shown at their time by the session's media clock, late ones dropped and
//     counted); see schedule_presentation
// Sends:
//   DISPLAY_INIT to the server once linked (cache and GLZ window sizes), then
//     PREFERRED_COMPRESSION when one is set and the server has the cap
//   PREFERRED_VIDEO_CODEC_TYPE when codecs are listed and the server has the
//     cap, only once the display is up (see on_display_up)
//   (video_frame_atom, encoded_video_frame) to each stream's decoder, at most
//     video.decoder_queue_frames in flight; small MJPEG streams are decoded
//     in the handler instead (video_streams.hpp says why that is safe)
//   DISPLAY_STREAM_REPORT to the server for every stream it activated reports
//     on (protocol/stream_reports.hpp), one debug log line each
//   (channel_event_atom, channel_event) to its parent (channel_endpoint)
//   (frame_source_atom, self) to the renderer once, at start
//   (frame_atom, frame_patch_ptr) to the renderer, one per request: what
//     changed on the primary since the last frame (protocol/damage_region.hpp),
//     the pixels of those rectangles only, unless the surface is new or the
//     request asks for all of it; scrolls (unclipped COPY_BITS) as moves the
//     consumer repeats, up to max_moves_per_frame. Between requests drawings only add to the
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

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <optional>
#include <set>

#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/bounded_edge.hpp"
#include "actors/channels.hpp"
#include "actors/messages.hpp"
#include "actors/renderer.hpp"
#include "actors/video_presenter.hpp"
#include "actors/video_settings.hpp"
#include "actors/video_streams.hpp"
#include "actors/wake_timer.hpp"
#include "common/log.hpp"
#include "protocol/canvas.hpp"
#include "protocol/codecs/video_decoder.hpp"
#include "protocol/common_messages.hpp"
#include "protocol/damage_region.hpp"
#include "protocol/display_pipeline.hpp"
#include "protocol/display_preferences.hpp"
#include "protocol/stream_reports.hpp"

namespace vigil {

namespace {

using frame_due_atom = caf::atom_constant<caf::atom("framedue")>;
using report_due_atom = caf::atom_constant<caf::atom("reportdue")>;
using video_tick_atom = caf::atom_constant<caf::atom("videotick")>;
using codec_preference_atom = caf::atom_constant<caf::atom("codecpref")>;
using present_due_atom = caf::atom_constant<caf::atom("presentdue")>;

constexpr std::chrono::milliseconds video_tick_interval{500};

// Copies of the primary surface the frame path holds at most (see charge_frame_copies).
constexpr std::uint64_t frame_copies = 4;
// Health lists this many display errors; the rest are counted in one line.
constexpr std::size_t listed_errors = 10;
// Beyond this many, further display errors are logged at debug level only.
constexpr std::uint64_t logged_errors = 50;

// COMPOSITE and A8_SURFACE: the pipeline draws every composite pixman can
// (protocol/canvas_composite.cpp) and holds A8 surfaces; spice-server passes
// the caps on to the guest, whose X driver then sends X Render as composites.
protocol::capability_set display_caps(const video_settings& video) {
  protocol::capability_set caps{SPICE_DISPLAY_CAP_SIZED_STREAM,     SPICE_DISPLAY_CAP_MONITORS_CONFIG,
                                SPICE_DISPLAY_CAP_STREAM_REPORT,    SPICE_DISPLAY_CAP_LZ4_COMPRESSION,
                                SPICE_DISPLAY_CAP_COMPOSITE,        SPICE_DISPLAY_CAP_A8_SURFACE};
  add_video_codec_caps(video, caps);
  return caps;
}

// Scrolls a frame carries as moves; more are sent as pixels.
constexpr std::size_t max_moves_per_frame = 8;

struct display_channel_state {
  std::unique_ptr<channel_endpoint> endpoint;
  std::unique_ptr<protocol::display_pipeline> pipeline;
  renderer_actor renderer;
  std::optional<frame_request> request;  // the renderer's credit, until a frame answers it
  protocol::damage_region damage;        // primary area changed since the last frame sent
  std::vector<protocol::surface_move> moves;  // scrolls since the last frame sent, before `damage`
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
  video_settings video_options;
  std::unique_ptr<video_streams> streams;
  std::unique_ptr<video_presenter> presenter;
  std::unique_ptr<wake_timer> present_wake;  // made when a picture first waits
  bool video_tick_scheduled = false;
  bool display_up = false;  // the primary surface exists and a MARK said it is complete
  protocol::memory_charge frame_copies;  // see charge_frame_copies
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
  if (!whole && state.damage.empty() && state.moves.empty())
    return;
  std::vector<protocol::rect> rects;
  std::vector<protocol::surface_move> moves;
  if (whole) {
    rects.push_back(primary->bounds());
    state.damage.clear();
  } else {
    rects = state.damage.take(primary->bounds());
    moves = std::move(state.moves);
  }
  state.moves.clear();
  pixel_buffer_pool* pool = state.request->pixels ? state.pixel_pool.get() : nullptr;
  self->send(state.renderer, frame_atom::value,
             make_frame_patch(*primary, std::move(moves), std::move(rects), whole, state.batches, pool,
                              state.pipeline->monitors()));
  ++state.frames_sent;
  state.request.reset();
  state.surface_replaced = false;
}

void note_primary_change(display_actor* self, const protocol::display_step& step) {
  auto& state = self->state;
  if (!state.renderer)
    return;
  if (step.primary_move) {
    // The consumer repeats a scroll instead of taking its pixels; damage not
    // yet shown moves along with it.
    state.damage.move(*step.primary_move);
    if (state.moves.size() < max_moves_per_frame)
      state.moves.push_back(*step.primary_move);
    else
      state.damage.add(step.primary_damage);
  } else {
    state.damage.add(step.primary_damage);
  }
  state.surface_replaced = state.surface_replaced || step.primary_replaced;
  if (!state.frame_due_scheduled) {
    state.frame_due_scheduled = true;
    self->send(self, frame_due_atom::value);
  }
}

// The frame path copies the primary (a whole-surface patch in flight, the
// renderer's composed frame, the window's RGBA buffer and its texture): while a primary
// exists, that much again is held in the budget, so a primary the frame path
// could not afford is refused when it is created, not when it is copied.
bool charge_frame_copies(display_actor* self) {
  auto& state = self->state;
  const protocol::surface* primary = state.pipeline->surfaces().primary();
  const std::uint64_t bytes =
    state.renderer && primary ? std::uint64_t{primary->width} * primary->height * 4 * frame_copies : 0;
  const std::string what = primary ? "frame copies of the " + std::to_string(primary->width) + "x" +
                                       std::to_string(primary->height) + " primary surface"
                                   : "frame copies";
  if (auto refused = state.endpoint->memory().resize(state.frame_copies, bytes, what)) {
    state.endpoint->fail(failure_kind::memory_budget, refused->message);
    return false;
  }
  return true;
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

// The report tracker's side of STREAM_ACTIVATE_REPORT.
void activate_reports(display_actor* self, const protocol::frame& frame) {
  auto& state = self->state;
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
                              request->stream_id, request->unique_id, request->max_window_size, request->timeout_ms);
}

// The server's mm_time when a frame arrived, by the clock main's INIT gave
// (spice-server stamps INIT 400 ms behind its own clock, the headroom it
// grants the client). Without that clock the frame's own mm_time stands in
// and the delay reported is 0: an estimate from frame arrivals alone could
// only come out <= 0, which spice-server reads as "video delay too short" and
// answers by lowering the bit rate.
std::uint32_t server_time_at(display_actor* self, std::uint64_t local_ms, std::uint32_t frame_mm_time) {
  if (const auto& media = self->state.video_options.clock)
    return media->now(local_ms).value_or(frame_mm_time);
  const auto& clock = self->state.mm_clock;
  return clock.synced() ? clock.server_now(local_ms) : frame_mm_time;
}

// What became of stream frames, for the stream reports: a frame counts once
// its picture was drawn or lost (decode error, full queue, replaced decoder).
void report_frames(display_actor* self, const std::vector<frame_outcome>& outcomes) {
  auto& state = self->state;
  const std::uint64_t now = monotonic_ms();
  for (const auto& outcome : outcomes)
    state.stream_reports.on_frame(outcome.stream_id, outcome.mm_time, outcome.decoded,
                                  server_time_at(self, outcome.arrived_ms, outcome.mm_time), now);
  if (!outcomes.empty())
    send_due_reports(self);
}

void schedule_video_tick(display_actor* self) {
  auto& state = self->state;
  if (state.video_tick_scheduled || !state.streams->frames_in_flight())
    return;
  state.video_tick_scheduled = true;
  self->delayed_send(self, video_tick_interval, video_tick_atom::value);
}

void present_at_its_time(display_actor* self, ready_picture ready, const frame_outcome& outcome,
                         std::vector<frame_outcome>& outcomes);
void schedule_presentation(display_actor* self);

// A STREAM_DATA frame goes to its stream's decoder (a small MJPEG stream's
// waits encoded and is decoded here when shown, actors/video_streams.hpp);
// how early it came is timed on arrival.
void submit_stream_frame(display_actor* self, const protocol::stream_frame_view& frame) {
  auto& state = self->state;
  const std::uint64_t now = monotonic_ms();
  note_frame_timing(self, static_cast<std::int32_t>(frame.mm_time - server_time_at(self, now, frame.mm_time)));
  auto submitted =
    state.streams->submit(frame.stream_id, frame.mm_time, frame.sized_dest, frame.data.data, frame.data.size, now);
  if (submitted.encoded) {
    const frame_outcome outcome{frame.stream_id, frame.mm_time, now, true};
    present_at_its_time(self, std::move(*submitted.encoded), outcome, submitted.lost);
  }
  report_frames(self, submitted.lost);
  schedule_presentation(self);
  schedule_video_tick(self);
}

void tell_server_cannot_play(display_actor* self, std::uint32_t stream_id) {
  auto& state = self->state;
  if (auto report = state.stream_reports.give_up(stream_id)) {
    state.endpoint->send(SPICE_MSGC_DISPLAY_STREAM_REPORT, protocol::build_stream_report(*report));
    state.endpoint->log().info("STREAM_REPORT stream {}: the client cannot play it", stream_id);
  }
}

// What a small MJPEG stream's frame gave when it was shown.
enum class shown_frame {
  none,     // no picture
  picture,  // a picture to put
  drawn,    // a picture already in the surface
};

// A small MJPEG stream's frame is decoded as it is shown (video_streams.hpp),
// straight into its surface where it lands there whole and unscaled (no
// picture of its own to copy from). Frames a decoder restart took join
// `outcomes`.
shown_frame decode_shown_frame(display_actor* self, ready_picture& ready, std::vector<frame_outcome>& outcomes) {
  auto& state = self->state;
  const auto rows = state.pipeline->stream_picture_rows(ready.stream_id, ready.sized_dest);
  auto effect = state.streams->decode_when_shown(ready, rows);
  if (effect.give_up)
    tell_server_cannot_play(self, ready.stream_id);
  outcomes.insert(outcomes.end(), effect.lost.begin(), effect.lost.end());
  if (effect.drawn) {  // all of the picture, or part of it before an error: the surface changed either way
    const protocol::display_step step = state.pipeline->stream_picture_written(ready.stream_id, ready.sized_dest);
    if (!step.primary_damage.empty())
      note_primary_change(self, step);
    if (effect.picture)
      state.presenter->trace_drawn(ready, *rows);
  }
  if (!effect.picture)
    return shown_frame::none;
  ready = std::move(*effect.picture);
  return effect.drawn ? shown_frame::drawn : shown_frame::picture;
}

void count_shown(display_actor* self, const ready_picture& ready, std::uint64_t now) {
  auto& state = self->state;
  state.streams->count_presented(ready.stream_id, now);
  if (auto skew = state.presenter->av_skew(ready.mm_time, now))
    state.streams->note_av_skew(ready.stream_id, *skew);
}

void show_picture(display_actor* self, waiting_picture& shown, std::uint64_t now, std::vector<frame_outcome>& outcomes) {
  auto& state = self->state;
  ready_picture& ready = shown.picture;
  if (ready.encoded) {
    switch (decode_shown_frame(self, ready, outcomes)) {
      case shown_frame::none:
        shown.outcome.decoded = false;
        return;
      case shown_frame::drawn:
        count_shown(self, ready, now);
        return;
      case shown_frame::picture:
        break;
    }
  }
  const protocol::display_step step = state.pipeline->put_stream_picture(ready.stream_id, *ready.picture, ready.sized_dest);
  if (step.outcome != protocol::display_outcome::applied) {
    record_error(self, step.error);
    shown.outcome.decoded = false;
    return;
  }
  count_shown(self, ready, now);
  state.presenter->trace_shown(ready);
  if (!step.primary_damage.empty())
    note_primary_change(self, step);
}

// Shows what is due, counts what was dropped; every outcome joins `outcomes`.
void apply_presentation(display_actor* self, video_presenter::step& step, std::vector<frame_outcome>& outcomes) {
  auto& state = self->state;
  const std::uint64_t now = monotonic_ms();
  for (auto* shown_now : {&step.overflow, &step.show})
    for (auto& shown : *shown_now) {
      show_picture(self, shown, now, outcomes);
      outcomes.push_back(shown.outcome);
    }
  for (auto& picture : step.late) {
    state.streams->count_late(picture.picture.stream_id);
    picture.outcome.decoded = false;
    outcomes.push_back(picture.outcome);
  }
}

// A wake-up for each waiting picture, tolerance_ms after its time, stated
// anew after every change (actors/wake_timer.hpp says why not delayed_send).
// Whatever wakes the channel shows the pictures within tolerance_ms of their
// time (video_presenter::add when a frame arrives, on_present_due), so on a
// steady stream the frames' arrivals show the pictures and the wake-ups are
// withdrawn before they fire.
void schedule_presentation(display_actor* self) {
  auto& state = self->state;
  const std::uint64_t now = monotonic_ms();
  const std::vector<std::uint32_t> waits = state.presenter->waits_ms(now);
  if (waits.empty() && !state.present_wake)
    return;
  if (!state.present_wake) {
    caf::actor_addr channel = self->address();
    state.present_wake = std::make_unique<wake_timer>("vigil.present", [channel] {
      if (auto target = caf::actor_cast<caf::actor>(channel))
        caf::anon_send(target, present_due_atom::value);
    });
  }
  // On monotonic_ms()'s scale, so a picture's time gives the same deadline
  // whenever it is computed.
  const std::uint64_t tolerance = state.video_options.presentation.tolerance_ms;
  std::vector<wake_timer::clock::time_point> deadlines;
  deadlines.reserve(waits.size());
  for (std::uint32_t wait : waits)
    deadlines.emplace_back(std::chrono::milliseconds(now + wait + tolerance));
  state.present_wake->wake_at(std::move(deadlines));
}

void on_present_due(display_actor* self) {
  auto& state = self->state;
  auto due = state.presenter->take_due(monotonic_ms());
  std::vector<frame_outcome> outcomes;
  apply_presentation(self, due, outcomes);
  report_frames(self, outcomes);
  schedule_presentation(self);
}

// A picture (or a small MJPEG frame, decoded when shown) waits for its time;
// its outcome is reported once it is shown or dropped. Pictures shown or
// dropped now add their outcomes to `outcomes`.
void present_at_its_time(display_actor* self, ready_picture ready, const frame_outcome& outcome,
                         std::vector<frame_outcome>& outcomes) {
  auto& state = self->state;
  auto presented = state.presenter->add(std::move(ready), outcome, monotonic_ms());
  apply_presentation(self, presented, outcomes);
}

void on_decoded_picture(display_actor* self, decoded_video_frame& answer) {
  auto& state = self->state;
  auto effect = state.streams->on_picture(answer, monotonic_ms());
  if (effect.give_up)
    tell_server_cannot_play(self, answer.stream_id);
  auto& lost = effect.lost;
  if (effect.picture && effect.outcome)
    present_at_its_time(self, std::move(*effect.picture), *effect.outcome, lost);
  else if (effect.outcome)
    lost.push_back(*effect.outcome);
  report_frames(self, lost);
  schedule_presentation(self);
}

// The display is up once the primary surface exists and the server marked
// it complete (MARK follows the first full picture).
void note_mark(display_actor* self) {
  auto& state = self->state;
  if (state.display_up || !state.pipeline->surfaces().primary())
    return;
  state.display_up = true;
  if (state.video_options.codecs.empty())
    return;
  // PREFERRED_VIDEO_CODEC_TYPE makes spice-server stop every video stream at
  // once (dcc_handle_preferred_video_codec_type -> video_stream_detach_and_stop)
  // and start over with the new order. Sent right after DISPLAY_INIT while
  // the screen animates, it crashed QEMU 7.2's SPICE worker (SIGSEGV, 5 of 5
  // tries, shared/docs/test-targets.md): the streams it stops are still being
  // set up for the new client. Sent once the first picture is complete and a
  // little later, it works; so it waits for that.
  self->delayed_send(self, state.video_options.codec_preference_delay, codec_preference_atom::value);
}

void send_codec_preference(display_actor* self) {
  auto& state = self->state;
  const auto codecs = offered_video_codecs(state.video_options);
  std::string names;
  for (std::uint8_t codec : codecs)
    names += (names.empty() ? "" : ",") + protocol::video_codec_name(codec);
  if (!state.endpoint->server_channel_caps().has(SPICE_DISPLAY_CAP_PREF_VIDEO_CODEC_TYPE)) {
    state.endpoint->log().info("the server takes no video codec preference (no PREF_VIDEO_CODEC_TYPE cap): "
                               "offering {} without an order",
                               names);
    return;
  }
  if (codecs.empty())
    return;
  state.endpoint->send(SPICE_MSGC_DISPLAY_PREFERRED_VIDEO_CODEC_TYPE,
                       protocol::build_preferred_video_codec_type(codecs));
  state.endpoint->log().info("preferred video codecs sent: {}", names);
}

void on_up(display_actor* self, const protocol::display_init_request& display_init) {
  auto& state = self->state;
  state.endpoint->send(SPICE_MSGC_DISPLAY_INIT, protocol::build_display_init(display_init));
  const auto& compression = state.video_options.preferred_compression;
  if (!compression)
    return;
  if (!state.endpoint->server_channel_caps().has(SPICE_DISPLAY_CAP_PREF_COMPRESSION)) {
    state.endpoint->log().warn("the server takes no preferred compression (no PREF_COMPRESSION cap): {} not sent",
                               protocol::image_compression_name(*compression));
    return;
  }
  state.endpoint->send(SPICE_MSGC_DISPLAY_PREFERRED_COMPRESSION, protocol::build_preferred_compression(*compression));
  state.endpoint->log().info("preferred compression sent: {}", protocol::image_compression_name(*compression));
}

void log_heads(display_actor* self) {
  std::string heads;
  for (const auto& head : self->state.pipeline->monitors())
    heads += (heads.empty() ? "" : ", ") + std::to_string(head.monitor_id) + ": " + std::to_string(head.width) + "x" +
             std::to_string(head.height) + "+" + std::to_string(head.x) + "+" + std::to_string(head.y);
  self->state.endpoint->log().info("monitors config: {} head(s) {}", self->state.pipeline->monitors().size(), heads);
}

void on_display_message(display_actor* self, const protocol::frame& frame) {
  auto& state = self->state;
  if (frame.type == SPICE_MSG_DISPLAY_STREAM_ACTIVATE_REPORT)
    return activate_reports(self, frame);
  const protocol::display_step step = state.pipeline->apply(frame.type, frame.body);
  for (std::uint32_t stream_id : step.streams_ended) {
    state.presenter->end_stream(stream_id);
    state.streams->end(stream_id);
    state.stream_reports.on_destroy(stream_id);
  }
  if (step.stream_began)
    state.streams->start(step.stream_began->stream_id, step.stream_began->codec, step.stream_began->width,
                         step.stream_began->height);
  if (step.stream_frame)
    submit_stream_frame(self, *step.stream_frame);
  switch (step.outcome) {
    case protocol::display_outcome::applied: break;
    case protocol::display_outcome::unsupported:
      if (state.unsupported_seen.insert(frame.type).second)
        state.endpoint->log().warn("{} ({} bytes) is not supported: ignored (logged once per type)",
                                   protocol::message_type_name(SPICE_CHANNEL_DISPLAY, frame.type), frame.body.size());
      return;
    case protocol::display_outcome::skipped: record_error(self, step.error); return;
    case protocol::display_outcome::fatal: state.endpoint->fail(failure_kind::protocol_error, step.error); return;
    case protocol::display_outcome::over_budget: state.endpoint->fail(failure_kind::memory_budget, step.error); return;
  }
  if (step.primary_replaced && !charge_frame_copies(self))
    return;
  if (frame.type == SPICE_MSG_DISPLAY_MARK)
    note_mark(self);
  if (frame.type == SPICE_MSG_DISPLAY_MONITORS_CONFIG)
    log_heads(self);
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
  for (const auto& head : state.pipeline->monitors())
    health.heads.push_back({head.monitor_id, head.x, head.y, head.width, head.height});
  health.video_streams = state.streams->health(monotonic_ms());
  if (health.video) {
    auto& video = *health.video;
    video.frames_drawn = state.pipeline->counters().stream_frames;
    const presentation_health shown = state.presenter->health(monotonic_ms());
    video.clock_synced = state.video_options.clock ? shown.clock_source != "none" : video.clock_synced;
    video.clock_source = shown.clock_source;
    video.clock_resets = shown.clock_resets;
    video.pictures_waiting = shown.waiting;
    video.waiting_capacity = shown.capacity;
    video.presented = shown.stats.presented - shown.stats.unsynced;
    video.presented_unsynced = shown.stats.unsynced;
    video.dropped_late = shown.stats.late;
    video.shown_early = shown.stats.overflow;
  }
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

// The caches the server was promised (DISPLAY_INIT), drawn from the
// channel's memory account (the endpoint must exist).
protocol::display_settings pipeline_settings(display_actor* self, const protocol::display_init_request& display_init) {
  protocol::display_settings settings;
  settings.pixmap_cache_pixels = static_cast<std::uint64_t>(std::max<std::int64_t>(display_init.pixmap_cache_size, 0));
  settings.glz_window_pixels = static_cast<std::size_t>(std::max<std::int32_t>(display_init.glz_window_size, 0));
  settings.decode_streams_inline = false;
  settings.account = self->state.endpoint->memory();
  settings.limits = self->state.endpoint->memory_limits();
  return settings;
}

caf::behavior display_channel(display_actor* self, channel_spec spec, protocol::display_init_request display_init,
                              video_settings video, renderer_actor renderer,
                              std::optional<protocol::mm_time_sync> mm_time) {
  auto& state = self->state;
  if (mm_time)
    state.mm_clock.sync(*mm_time);
  state.renderer = std::move(renderer);
  // Each display channel has its own pixmap cache and GLZ window, so it asks
  // for its own: spice-server shares a cache (and a GLZ dictionary) between
  // the channels of a client that send the same id, and then draws on
  // display:1 with images only display:0 received.
  display_init.pixmap_cache_id = static_cast<std::uint8_t>(display_init.pixmap_cache_id + spec.id);
  display_init.glz_dictionary_id = static_cast<std::uint8_t>(display_init.glz_dictionary_id + spec.id);
  spec.channel_caps = display_caps(video);
  state.video_options = std::move(video);
  channel_endpoint::hooks hooks;
  hooks.on_up = [self, display_init] { on_up(self, display_init); };
  // A semi-seamless migration starts the channel over on the destination,
  // whose caches, GLZ dictionary and video streams are empty: so are ours
  // then, and the codec preference goes again once its first picture is
  // complete (live migration, actors/migration.hpp; seamless keeps everything).
  hooks.on_migrated = [self, display_init](bool seamless) {
    if (seamless)
      return;
    auto& state = self->state;
    state.presenter->end_all();
    state.streams->end_all();
    state.pipeline = std::make_unique<protocol::display_pipeline>(pipeline_settings(self, display_init));
    state.damage.clear();
    state.stream_reports = protocol::stream_report_tracker{};
    state.display_up = false;
  };
  hooks.on_message = [self](const protocol::frame& frame) { on_display_message(self, frame); };
  hooks.add_health = [self](channel_health& health) { add_display_health(self, health); };
  const std::string channel_name = protocol::channel_type_name(spec.type) + std::string(":") + std::to_string(spec.id);
  state.endpoint = std::make_unique<channel_endpoint>(self, std::move(spec), std::move(hooks));
  state.streams = std::make_unique<video_streams>(self, channel_name, named_logger(channel_name),
                                                  state.video_options.decoding);
  state.pipeline = std::make_unique<protocol::display_pipeline>(pipeline_settings(self, display_init));
  state.presenter = std::make_unique<video_presenter>(state.video_options.clock, state.video_options.presentation,
                                                      state.endpoint->memory());
  state.endpoint->start();
  if (state.renderer)
    self->send(state.renderer, frame_source_atom::value, caf::actor{self});
  caf::message_handler display_handlers{
    [self](video_picture_atom, decoded_video_frame& answer) { on_decoded_picture(self, answer); },
    [self](video_tick_atom) {
      auto& state = self->state;
      state.video_tick_scheduled = false;
      report_frames(self, state.streams->check_stalls(monotonic_ms()));
      schedule_video_tick(self);
    },
    [self](codec_preference_atom) { send_codec_preference(self); },
    [self](present_due_atom) { on_present_due(self); },
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
                                 protocol::display_init_request display_init, video_settings video,
                                 renderer_actor renderer, std::optional<protocol::mm_time_sync> mm_time) {
  return system.spawn(display_channel, std::move(spec), display_init, std::move(video), std::move(renderer), mm_time);
}

}  // namespace vigil
