// record_channel: the microphone for the guest. It advertises
// SPICE_RECORD_CAP_VOLUME and (unless turned off) _OPUS; when the guest opens
// its capture device the server sends RECORD_START, and only then does the
// channel start the capture device (actors/audio_capture.hpp); RECORD_STOP
// stops it. Captured audio is cut into 10 ms packets, encoded as the server
// allows (Opus when it has SPICE_RECORD_CAP_OPUS and we offer it, else raw
// S16; protocol/codecs/audio_encoder.hpp) and sent as RECORD_DATA, after one
// RECORD_MODE and RECORD_START_MARK per start. RECORD_VOLUME scales the
// samples, RECORD_MUTE (and the user's microphone switch) sends silence.
//
// Accepts: socket messages (see channel_endpoint.hpp), (heartbeat_atom) ->
//   channel_health (with a `record` part), (shutdown_atom);
//   (record_captured_atom, start) from the capture device's thread: audio is
//   waiting in the shared buffer.
// Sends: (channel_event_atom, channel_event) to its parent; RECORD_* to the
//   server.
//
// Bounds: the device thread appends to a buffer shared with the channel
// (under a mutex, a copy of a few ms of samples), holding at most
// record.buffer_ms; beyond that the oldest audio is dropped and counted. It
// wakes the channel with at most one message at a time (a flag in the
// buffer), so a busy channel has at most one wake-up waiting, never a queue.
//
// A message that does not parse, or a START in a format we cannot encode, is
// a protocol_error (the channel restarts). A device that cannot capture is
// logged and shown in the health; the channel stays up and sends nothing.
#include <spice/enums.h>
#include <spice/protocol.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <optional>

#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/audio_capture.hpp"
#include "actors/channels.hpp"
#include "protocol/audio_messages.hpp"
#include "protocol/codecs/audio_encoder.hpp"
#include "protocol/codecs/pcm.hpp"
#include "protocol/mm_time.hpp"
#include "protocol/record_messages.hpp"

namespace vigil {

namespace {

using record_captured_atom = caf::atom_constant<caf::atom("reccapt")>;

// What the capture thread and the channel share.
struct capture_buffer {
  std::mutex mutex;
  std::vector<std::int16_t> samples;
  std::size_t capacity = 0;       // samples
  std::uint64_t dropped = 0;      // samples
  bool wake_pending = false;
};

struct record_channel_state {
  std::unique_ptr<channel_endpoint> endpoint;
  record_options options;
  protocol::mm_time_clock mm_clock;
  std::unique_ptr<audio_capture> device;
  std::shared_ptr<capture_buffer> buffer = std::make_shared<capture_buffer>();
  std::optional<protocol::audio_format> format;  // between START and STOP
  std::optional<protocol::audio_encoder> encoder;
  std::uint32_t start_number = 0;  // captures of an earlier start are stale
  bool mode_sent = false;          // RECORD_MODE and START_MARK went out for this start
  record_health health;
  ~record_channel_state() {
    if (device)
      device->stop();
  }
  static inline const char* name = "record_channel";
};

using record_actor = caf::stateful_actor<record_channel_state>;

std::uint64_t monotonic_ms() {
  return static_cast<std::uint64_t>(
    std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count());
}

void stop_capture(record_actor* self) {
  auto& state = self->state;
  if (state.device && state.health.capturing)
    state.device->stop();
  state.health.capturing = false;
  std::lock_guard<std::mutex> lock(state.buffer->mutex);
  state.buffer->samples.clear();
}

void start_capture(record_actor* self) {
  auto& state = self->state;
  if (!state.device) {
    if (!state.options.make_capture) {
      state.health.device = "none";
      state.health.device_error = "no capture device in this run";
      return;
    }
    state.device = state.options.make_capture();
  }
  state.health.device = state.device->name();
  {
    std::lock_guard<std::mutex> lock(state.buffer->mutex);
    state.buffer->samples.clear();
    state.buffer->capacity =
      std::size_t{state.format->frequency} * state.format->channels * std::max<std::uint32_t>(state.options.buffer_ms, 20) /
      1000;
  }
  const auto address = caf::actor_cast<caf::actor_addr>(self);
  auto sink = [buffer = state.buffer, address, start = state.start_number,
               channels = std::size_t{state.format->channels}](const std::int16_t* samples, std::size_t count) {
    bool wake = false;
    {
      std::lock_guard<std::mutex> lock(buffer->mutex);
      buffer->samples.insert(buffer->samples.end(), samples, samples + count);
      if (buffer->samples.size() > buffer->capacity) {
        // Whole frames only, so the channels stay in step.
        const std::size_t over = buffer->samples.size() - buffer->capacity;
        const std::size_t excess = std::min(buffer->samples.size(), (over + channels - 1) / channels * channels);
        buffer->samples.erase(buffer->samples.begin(), buffer->samples.begin() + static_cast<std::ptrdiff_t>(excess));
        buffer->dropped += excess;
      }
      wake = !buffer->wake_pending;
      buffer->wake_pending = true;
    }
    if (wake)
      if (auto channel = caf::actor_cast<caf::actor>(address))
        caf::anon_send(channel, record_captured_atom::value, start);
  };
  state.health.capturing = state.device->start(*state.format, std::move(sink));
  state.health.device_error = state.health.capturing ? "" : state.device->error();
  if (state.health.capturing)
    state.endpoint->log().info("capturing from {}", state.health.device);
  else
    state.endpoint->log().warn("cannot capture from {}: {}; the guest records nothing", state.health.device,
                               state.health.device_error);
}

// Volume, mute and the user's switch, applied to the captured samples.
void shape(record_actor* self, std::vector<std::int16_t>& samples) {
  auto& state = self->state;
  state.health.microphone_muted = state.options.microphone->muted.load();
  const std::uint32_t channels = state.format->channels;
  protocol::apply_volume(samples.data(), samples.size() / channels, channels, state.health.volume,
                         state.health.mute || state.health.microphone_muted);
}

void send_captured(record_actor* self, std::uint32_t start) {
  auto& state = self->state;
  std::vector<std::int16_t> samples;
  std::uint64_t dropped = 0;
  {
    std::lock_guard<std::mutex> lock(state.buffer->mutex);
    samples.swap(state.buffer->samples);
    dropped = state.buffer->dropped;
    state.buffer->wake_pending = false;
  }
  if (start != state.start_number || !state.encoder || state.endpoint->state() != channel_state::up)
    return;  // captured for an earlier start, or after STOP
  const std::uint32_t channels = state.format->channels;
  state.health.dropped_frames = dropped / channels;
  state.health.captured_frames += samples.size() / channels;
  shape(self, samples);
  auto packets = state.encoder->push(samples.data(), samples.size());
  if (!packets) {
    if (state.health.encode_errors++ == 0)
      state.endpoint->log().warn("{}; further encode errors are only counted", packets.error().message);
    return;
  }
  if (packets->empty())
    return;
  // The server's time when the first of these packets was captured.
  const std::uint32_t now = state.mm_clock.synced() ? state.mm_clock.server_now(monotonic_ms()) : 0;
  const std::uint32_t packet_ms = 10;
  std::uint32_t time = now - static_cast<std::uint32_t>(packets->size() - 1) * packet_ms;
  if (!state.mode_sent) {
    state.endpoint->send(SPICE_MSGC_RECORD_MODE, protocol::build_record_mode(time, state.encoder->mode()));
    state.endpoint->send(SPICE_MSGC_RECORD_START_MARK, protocol::build_record_start_mark(time));
    state.mode_sent = true;
  }
  for (const auto& packet : *packets) {
    state.endpoint->send(SPICE_MSGC_RECORD_DATA, protocol::build_record_data(time, packet.data(), packet.size()));
    ++state.health.packets_sent;
    state.health.bytes_sent += packet.size();
    time += packet_ms;
  }
}

template <class T>
std::optional<T> parsed_or_fail(record_actor* self, protocol::result<T> parsed) {
  if (parsed)
    return std::move(*parsed);
  self->state.endpoint->fail(failure_kind::protocol_error, parsed.error().message);
  return std::nullopt;
}

void on_start(record_actor* self, const protocol::record_start& start) {
  auto& state = self->state;
  stop_capture(self);
  ++state.start_number;
  state.format = protocol::audio_format{start.frequency, start.channels};
  const bool opus = state.options.offer_opus && state.endpoint->server_channel_caps().has(SPICE_RECORD_CAP_OPUS);
  auto encoder = protocol::audio_encoder::create(opus ? SPICE_AUDIO_DATA_MODE_OPUS : SPICE_AUDIO_DATA_MODE_RAW,
                                                 *state.format);
  if (!encoder && opus)  // a rate libopus cannot encode: raw is always possible
    encoder = protocol::audio_encoder::create(SPICE_AUDIO_DATA_MODE_RAW, *state.format);
  if (!encoder) {
    state.endpoint->fail(failure_kind::protocol_error, "RECORD_START: " + encoder.error().message);
    return;
  }
  state.encoder.emplace(std::move(*encoder));
  state.mode_sent = false;
  state.health.active = true;
  state.health.mode = protocol::audio_mode_name(state.encoder->mode());
  state.health.frequency = start.frequency;
  state.health.channels = start.channels;
  ++state.health.starts;
  state.endpoint->log().info("START: the guest records {} Hz, {} channels; sending {}", start.frequency,
                             start.channels, state.health.mode);
  start_capture(self);
}

void on_record_message(record_actor* self, const protocol::frame& frame) {
  auto& state = self->state;
  switch (frame.type) {
    case SPICE_MSG_RECORD_START:
      if (auto start = parsed_or_fail(self, protocol::parse_record_start(frame.body)))
        on_start(self, *start);
      return;
    case SPICE_MSG_RECORD_STOP:
      stop_capture(self);
      ++state.start_number;
      state.encoder.reset();
      state.format.reset();
      state.health.active = false;
      state.endpoint->log().info("STOP: the guest stopped recording");
      return;
    case SPICE_MSG_RECORD_VOLUME:
      if (auto volume = parsed_or_fail(self, protocol::parse_record_volume(frame.body)))
        state.health.volume = volume->volume;
      return;
    case SPICE_MSG_RECORD_MUTE:
      if (auto mute = parsed_or_fail(self, protocol::parse_record_mute(frame.body)))
        state.health.mute = mute->mute;
      return;
    default:
      state.endpoint->log().warn("ignoring unknown record message type {} ({} bytes)", frame.type, frame.body.size());
  }
}

caf::behavior record_channel(record_actor* self, channel_spec spec, record_options options,
                             std::optional<protocol::mm_time_sync> mm_time) {
  auto& state = self->state;
  state.options = std::move(options);
  if (mm_time)
    state.mm_clock.sync(*mm_time);
  state.health.device = state.options.make_capture ? "not opened yet" : "none";
  spec.channel_caps = {SPICE_RECORD_CAP_VOLUME};
  if (state.options.offer_opus)
    spec.channel_caps.set(SPICE_RECORD_CAP_OPUS);
  channel_endpoint::hooks hooks;
  hooks.on_message = [self](const protocol::frame& frame) { on_record_message(self, frame); };
  hooks.add_health = [self](channel_health& health) {
    self->state.health.microphone_muted = self->state.options.microphone->muted.load();
    health.record = self->state.health;
  };
  state.endpoint = std::make_unique<channel_endpoint>(self, std::move(spec), std::move(hooks));
  state.endpoint->start();
  return caf::behavior{state.endpoint->handlers().or_else(
    [self](record_captured_atom, std::uint32_t start) { send_captured(self, start); })};
}

}  // namespace

caf::actor spawn_record_channel(caf::actor_system& system, channel_spec spec, record_options options,
                                std::optional<protocol::mm_time_sync> mm_time) {
  return system.spawn(record_channel, std::move(spec), std::move(options), mm_time);
}

}  // namespace vigil
