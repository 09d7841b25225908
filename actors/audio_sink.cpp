// audio_sink: see audio_sink.hpp for its message interface.
#include "actors/audio_sink.hpp"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/bounded_edge.hpp"
#include "actors/messages.hpp"
#include "common/log.hpp"
#include "protocol/codecs/pcm.hpp"

namespace vigil {

namespace {

using clock = std::chrono::steady_clock;
using audio_tick_atom = caf::atom_constant<caf::atom("audiotick")>;
constexpr auto tick_interval = std::chrono::milliseconds(20);
constexpr auto device_stall_limit = std::chrono::milliseconds(1000);
// Before a stream's first pull the device may still be opening: OpenAL Soft
// connecting to a PulseAudio server that has just started took over 1 s here.
constexpr auto device_start_limit = std::chrono::milliseconds(3000);

// The decoded PCM as it arrived (before the jitter buffer, volume and mute),
// for tests and diagnosis. The header's sizes are rewritten after every
// write, so the file is a valid WAV even if vigil is killed.
class wav_dump {
public:
  ~wav_dump() {
    if (file_)
      std::fclose(file_);
  }

  // Opens on the first stream; later streams must have the same format.
  bool write(const protocol::audio_format& format, const std::vector<std::int16_t>& samples) {
    if (!error_.empty())
      return false;
    if (!file_) {
      file_ = std::fopen(path_.c_str(), "wb");
      if (!file_)
        return fail(std::string("cannot create: ") + std::strerror(errno));
      format_ = format;
      if (!write_header())
        return false;
    }
    if (format.frequency != format_.frequency || format.channels != format_.channels) {
      ++frames_skipped_;
      return false;
    }
    // WAV data is little-endian, as is every machine Vigil runs on.
    if (std::fwrite(samples.data(), 2, samples.size(), file_) != samples.size())
      return fail(std::string("write failed: ") + std::strerror(errno));
    frames_ += samples.size() / format_.channels;
    return write_header();
  }

  std::string path_;
  std::string error_;
  std::uint64_t frames_ = 0;
  std::uint64_t frames_skipped_ = 0;  // of a stream in another format

private:
  bool fail(const std::string& what) {
    error_ = what;
    if (file_)
      std::fclose(file_);
    file_ = nullptr;
    return false;
  }

  bool write_header() {
    const auto data_bytes = static_cast<std::uint32_t>(frames_ * 2 * format_.channels);
    const auto header = protocol::wav_header(format_, data_bytes);
    if (std::fseek(file_, 0, SEEK_SET) != 0 || std::fwrite(header.data(), 1, header.size(), file_) != header.size() ||
        std::fseek(file_, 0, SEEK_END) != 0 || std::fflush(file_) != 0)
      return fail(std::string("write failed: ") + std::strerror(errno));
    return true;
  }

  std::FILE* file_ = nullptr;
  protocol::audio_format format_;
};

struct audio_sink_state {
  std::shared_ptr<shared_playback> playback;
  std::shared_ptr<audio_device> device;
  std::unique_ptr<wav_dump> dump;
  std::shared_ptr<spdlog::logger> log;
  protocol::jitter_settings jitter;
  std::uint32_t stream = 0;
  caf::actor_addr source;  // the playback channel (incarnation) of the current stream
  std::uint64_t stale_packets = 0;
  bool streaming = false;
  bool ticking = false;  // a tick is scheduled; only while a stream plays, so an idle sink never wakes
  std::uint64_t streams = 0;
  clock::time_point last_tick;
  // The device must keep pulling while a stream plays; one that stops (no
  // sound card: OpenAL opens nothing and SFML never asks) is replaced by the
  // sink's own clock, so the buffer keeps its meaning.
  bool device_stalled = false;
  std::uint64_t pulled_at_last_check = 0;
  bool device_pulled = false;  // this stream: the device has taken audio at least once
  clock::time_point last_pull_seen;
  std::vector<std::int16_t> scratch;  // the headless clock's pulls land here
  media_clock_ptr media;
  std::uint32_t latency_ms = 0;  // PLAYBACK_LATENCY applied to the buffer
  static inline const char* name = "audio_sink";
};

using audio_sink_impl = audio_sink_actor::extend<caf::reacts_to<audio_tick_atom>>;  // + its own clock
using sink_actor = audio_sink_impl::stateful_pointer<audio_sink_state>;

void start_stream(sink_actor self, const audio_packet& packet) {
  auto& state = self->state;
  state.stream = packet.stream;
  state.source = caf::actor_cast<caf::actor_addr>(self->current_sender());
  state.streaming = true;
  ++state.streams;
  {
    std::lock_guard<std::mutex> lock(state.playback->mutex);
    state.playback->buffer.start(packet.format);
  }
  state.last_tick = state.last_pull_seen = clock::now();
  state.device_pulled = false;
  state.log->info("stream {}: {} Hz, {} channels", packet.stream, packet.format.frequency, packet.format.channels);
  if (state.device && !state.device_stalled)
    state.device->start(packet.format);
  if (!state.ticking) {
    state.ticking = true;
    self->delayed_send(self, tick_interval, audio_tick_atom::value);
  }
}

void stop_stream(sink_actor self) {
  auto& state = self->state;
  state.streaming = false;
  {
    std::lock_guard<std::mutex> lock(state.playback->mutex);
    state.playback->buffer.stop();
  }
  if (state.device)
    state.device->stop();
}

void on_packet(sink_actor self, audio_packet& packet) {
  auto& state = self->state;
  // A replaced channel incarnation can still deliver what it had decoded
  // before it died; its stream is over.
  if (packet.what != audio_packet::kind::start && state.streaming &&
      caf::actor_cast<caf::actor_addr>(self->current_sender()) != state.source) {
    ++state.stale_packets;
    return;
  }
  switch (packet.what) {
    case audio_packet::kind::start:
      start_stream(self, packet);
      return;
    case audio_packet::kind::stop:
      stop_stream(self);
      return;
    case audio_packet::kind::data:
      break;
  }
  // The start was dropped on the edge: the data knows its stream and format.
  if (!state.streaming || packet.stream != state.stream)
    start_stream(self, packet);
  if (state.dump)
    state.dump->write(packet.format, packet.samples);
  std::lock_guard<std::mutex> lock(state.playback->mutex);
  if (packet.latency_ms != state.latency_ms) {
    state.latency_ms = packet.latency_ms;
    state.playback->buffer.set_latency_ms(packet.latency_ms);
    state.log->info("playback latency {} ms: buffering {} ms", packet.latency_ms, state.playback->buffer.target_ms());
  }
  state.playback->buffer.push(packet.time, packet.samples);
}

std::uint64_t to_ms(clock::time_point t) {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count());
}

// The debug trace's audio lines: the first loud sample of a pull (a click
// the A/V sync test plays), with when it is heard.
void trace_loud(sink_actor self, const std::vector<std::int16_t>& samples, std::uint32_t channels,
                std::uint32_t frequency, clock::time_point first_heard, std::uint32_t first_time) {
  const auto heard_us = std::chrono::duration_cast<std::chrono::microseconds>(first_heard.time_since_epoch()).count();
  self->state.media->trace_loud_audio(samples.data(), samples.size() / channels, channels, frequency,
                                      static_cast<std::uint64_t>(heard_us), first_time);
}

bool uses_own_clock(const audio_sink_state& state) { return !state.device || state.device_stalled; }

// True when the device has taken nothing for device_stall_limit (before its
// first pull of the stream: device_start_limit) while a
// stream played. Called under the playback mutex; the caller stops the
// device after releasing it (stopping joins the device's thread, which may
// be waiting for that mutex).
bool device_stalled_now(sink_actor self, const protocol::jitter_stats& stats, clock::time_point now) {
  auto& state = self->state;
  const std::uint64_t pulled = stats.frames_played + stats.frames_silence;
  if (pulled != state.pulled_at_last_check || !stats.playing) {
    state.device_pulled = state.device_pulled || (stats.playing && pulled != state.pulled_at_last_check);
    state.pulled_at_last_check = pulled;
    state.last_pull_seen = now;
    return false;
  }
  return now - state.last_pull_seen >= (state.device_pulled ? device_stall_limit : device_start_limit);
}

// Without a (working) device, consume at the stream's rate by the actor's clock.
void on_tick(sink_actor self) {
  auto& state = self->state;
  state.ticking = state.streaming;
  if (!state.streaming)
    return;
  self->delayed_send(self, tick_interval, audio_tick_atom::value);
  const auto now = clock::now();
  if (!uses_own_clock(state)) {
    bool stalled = false;
    {
      std::lock_guard<std::mutex> lock(state.playback->mutex);
      stalled = device_stalled_now(self, state.playback->buffer.stats(), now);
      // What is heard now: the cursor, less what the device holds.
      if (auto playing = state.playback->buffer.playing_time(); playing && state.media)
        state.media->from_audio(*playing - state.device->latency().ms, to_ms(now));
    }
    if (!stalled)
      return;
    state.device_stalled = true;
    state.last_tick = now;
    state.log->warn("the {} audio device took no audio for {} ms while a stream played (no sound device?); "
                    "audio is consumed on the sink's clock from now on",
                    state.device->name(),
                    std::chrono::duration_cast<std::chrono::milliseconds>(
                        state.device_pulled ? device_stall_limit : device_start_limit)
                        .count());
    state.device->stop();
    return;
  }
  std::lock_guard<std::mutex> lock(state.playback->mutex);
  auto& buffer = state.playback->buffer;
  const auto elapsed_us = std::chrono::duration_cast<std::chrono::microseconds>(now - state.last_tick).count();
  const auto frames = static_cast<std::size_t>(elapsed_us * buffer.format().frequency / 1000000);
  if (frames == 0)
    return;
  // Advance by exactly the frames pulled, so rounding never loses time.
  // The frames pulled are those heard since the last tick: the first of them
  // at the old last_tick, the cursor after them at the new one.
  const auto first_heard = state.last_tick;
  const auto first_time = buffer.playing_time();
  state.last_tick += std::chrono::microseconds(static_cast<std::int64_t>(frames) * 1000000 / buffer.format().frequency);
  state.scratch.resize(frames * buffer.format().channels);
  buffer.pull(state.scratch.data(), frames, buffer.format().channels);
  if (!state.media)
    return;
  if (auto playing = buffer.playing_time())
    state.media->from_audio(*playing, to_ms(state.last_tick));
  if (first_time && state.media->tracing())
    trace_loud(self, state.scratch, buffer.format().channels, buffer.format().frequency, first_heard, *first_time);
}

audio_health health_of(sink_actor self) {
  auto& state = self->state;
  audio_health health;
  health.device = state.device ? state.device->name() : "none (headless)";
  health.device_error = state.device ? state.device->error() : "";
  if (state.device_stalled)
    health.device_error = "took no audio while a stream played (no sound device?); consumed on the sink's clock";
  health.capacity_ms = state.jitter.capacity_ms;
  health.target_ms = state.jitter.target_ms;
  health.streams = state.streams;
  health.stale_packets = state.stale_packets;
  {
    std::lock_guard<std::mutex> lock(state.playback->mutex);
    health.buffer = state.playback->buffer.stats();
    health.frequency = state.playback->buffer.format().frequency;
    health.channels = state.playback->buffer.format().channels;
    health.volume = state.playback->volume.volume;
    health.mute = state.playback->volume.mute;
    if (!uses_own_clock(state))
      health.latency = state.device->latency();
    else
      health.latency.source = "sink clock";
  }
  if (state.dump) {
    health.dump_path = state.dump->path_;
    health.dump_frames = state.dump->frames_;
    health.dump_error = state.dump->error_;
  }
  return health;
}

audio_sink_impl::behavior_type audio_sink(sink_actor self, audio_sink_options options) {
  auto& state = self->state;
  state.log = named_logger("audio");
  state.jitter = options.jitter;
  state.playback = std::make_shared<shared_playback>(options.jitter);
  state.device = std::move(options.device);
  state.media = std::move(options.clock);
  state.playback->clock = state.media;
  if (state.device)
    state.device->bind(state.playback);
  if (!options.dump_path.empty()) {
    state.dump = std::make_unique<wav_dump>();
    state.dump->path_ = options.dump_path;
  }
  return {
    [self](audio_atom, audio_packet& packet) {
      on_packet(self, packet);
      acknowledge_edge(self, caf::actor_cast<caf::actor>(self->current_sender()), edge_ids::playback_audio);
    },
    [self](audio_volume_atom, const audio_volume& volume) {
      {
        std::lock_guard<std::mutex> lock(self->state.playback->mutex);
        self->state.playback->volume = volume;
      }
      acknowledge_edge(self, caf::actor_cast<caf::actor>(self->current_sender()), edge_ids::playback_volume);
    },
    [self](audio_tick_atom) { on_tick(self); },
    [self](health_atom) { return health_of(self); },
    [self](shutdown_atom) {
      if (self->state.device)
        self->state.device->stop();
      self->state.dump.reset();
      self->quit();
    },
  };
}

}  // namespace

audio_sink_actor spawn_audio_sink(caf::actor_system& system, audio_sink_options options) {
  return system.spawn(audio_sink, std::move(options));
}

}  // namespace vigil
