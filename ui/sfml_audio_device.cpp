#include "ui/sfml_audio_device.hpp"

#include <AL/al.h>
#include <AL/alext.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <vector>

#include <SFML/Audio/SoundStream.hpp>

#include "common/log.hpp"
#include "protocol/codecs/pcm.hpp"

namespace vigil {

namespace {

using clock = std::chrono::steady_clock;

// Where OpenAL cannot say: SFML keeps three 20 ms chunks queued, on average
// about 50 ms pulled and not yet heard (and nothing known past the queue).
constexpr std::uint32_t estimated_latency_ms = 50;
const char* const measured_source = "measured (OpenAL AL_SOFT_source_latency)";

// OpenAL Soft's AL_SOFT_source_latency gives a source's play offset and the
// device's latency past it (its mixer, the sound server, the card) in one
// reading. Looked up once, with the first stream (OpenAL's context exists by
// then), and logged once either way; null where OpenAL lacks it.
LPALGETSOURCEDVSOFT source_latency_query() {
  static const LPALGETSOURCEDVSOFT query = [] {
    LPALGETSOURCEDVSOFT found = nullptr;
    if (alIsExtensionPresent("AL_SOFT_source_latency"))
      found = reinterpret_cast<LPALGETSOURCEDVSOFT>(alGetProcAddress("alGetSourcedvSOFT"));
    const char* version = alGetString(AL_VERSION);
    const std::string openal = version ? std::string("OpenAL ") + version : std::string("OpenAL (no device)");
    if (found)
      named_logger("audio")->info("output latency: measured by {} (AL_SOFT_source_latency)", openal);
    else
      named_logger("audio")->warn("output latency: {} has no AL_SOFT_source_latency; the media clock uses a fixed "
                                  "{} ms estimate",
                                  openal, estimated_latency_ms);
    return found;
  }();
  return query;
}

double finite_or_zero(double seconds) { return std::isfinite(seconds) && seconds > 0 ? seconds : 0; }

// What was queued when a chunk was pulled.
struct queue_reading {
  clock::time_point at;
  double ahead_s = 0;   // in OpenAL's queue and not yet played, this chunk included
  double device_s = 0;  // past the queue, as OpenAL reports it
  bool measured = false;
};

// SFML asks for the next chunk on its audio thread while it still plays the
// ones it has (it keeps three queued). Each request takes 20 ms from the
// jitter buffer under the shared mutex (silence when there is none) and
// never returns false, so the stream keeps running between server streams.
//
// Output latency: SFML asks for a chunk right after it unqueued a played
// buffer, and queues the chunk as soon as this returns. So at the request,
// the source's queue (all of it our 20 ms chunks) and its play offset tell
// how much is still to play before this chunk, and AL_SOFT_source_latency
// how long the device takes after that; the reading is stored with the pull
// under the playback mutex, so it always matches the buffer's play cursor,
// and it runs down in real time until the next pull.
class playback_stream final : public sf::SoundStream {
public:
  explicit playback_stream(std::shared_ptr<shared_playback> playback) : playback_(std::move(playback)) {}
  ~playback_stream() override { stop(); }

  void open(const protocol::audio_format& format) {
    halt();
    format_ = format;
    chunks_ = 0;
    initialize(format.channels, format.frequency);
    query_ = source_latency_query();
    play();
  }

  // Stops playing (joins SFML's thread); the reading goes with the stream.
  void halt() {
    stop();
    std::lock_guard<std::mutex> lock(playback_->mutex);
    reading_ = {};
  }

  // Under the playback mutex.
  output_latency latency() const {
    output_latency out;
    if (!reading_.measured) {
      out.ms = estimated_latency_ms;
      out.source = query_ ? "estimate (not measured yet)" : "estimate (OpenAL without AL_SOFT_source_latency)";
      return out;
    }
    const double elapsed = std::chrono::duration<double>(clock::now() - reading_.at).count();
    out.ms = static_cast<std::uint32_t>(std::lround(std::max(0.0, reading_.ahead_s + reading_.device_s - elapsed) * 1000));
    out.device_ms = static_cast<std::uint32_t>(std::lround(reading_.device_s * 1000));
    out.source = measured_source;
    return out;
  }

private:
  // On SFML's thread, before the pull: the queue without the coming chunk.
  queue_reading read_queue(double chunk_s) const {
    queue_reading reading;
    reading.at = clock::now();
    if (!query_)
      return reading;
    ALint queued = 0, processed = 0, state = AL_INITIAL;
    alGetSourcei(m_source, AL_BUFFERS_QUEUED, &queued);
    alGetSourcei(m_source, AL_BUFFERS_PROCESSED, &processed);
    alGetSourcei(m_source, AL_SOURCE_STATE, &state);
    if (state == AL_PLAYING || state == AL_PAUSED) {
      // The offset counts from the first buffer still queued, played or not.
      ALdouble values[2] = {0, 0};
      query_(m_source, AL_SEC_OFFSET_LATENCY_SOFT, values);
      reading.ahead_s = std::max(0.0, queued * chunk_s - finite_or_zero(values[0]));
      reading.device_s = finite_or_zero(values[1]);
    } else {
      // Not started yet (SFML fills its queue first), or run dry and about to
      // be restarted: nothing of the queue has played.
      reading.ahead_s = std::max(0, queued - processed) * chunk_s;
    }
    reading.ahead_s += chunk_s;
    reading.measured = true;
    return reading;
  }

  bool onGetData(Chunk& data) override {
    const std::size_t frames = format_.frequency / 50;
    const double chunk_s = static_cast<double>(frames) / format_.frequency;
    const queue_reading reading = read_queue(chunk_s);
    chunk_.resize(frames * format_.channels);
    std::optional<std::uint32_t> first_time;
    {
      std::lock_guard<std::mutex> lock(playback_->mutex);
      first_time = playback_->buffer.playing_time();
      // The buffer may already hold a new START's format while this device
      // still plays the old one (the sink reopens it right after): the
      // device's channel count bounds what is written (security review H6).
      playback_->buffer.pull(chunk_.data(), frames, format_.channels);
      reading_ = reading;
      if (playback_->clock && playback_->clock->tracing() && first_time && reading.measured) {
        // The chunk's first frame is heard once the queue before it has
        // played and the device has passed it on.
        const double heard_after_s = reading.ahead_s - chunk_s + reading.device_s;
        const auto at_us = std::chrono::duration_cast<std::chrono::microseconds>(reading.at.time_since_epoch()).count();
        playback_->clock->trace_loud_audio(chunk_.data(), frames, format_.channels, format_.frequency,
                                           static_cast<std::uint64_t>(at_us + std::llround(heard_after_s * 1e6)),
                                           *first_time);
      }
      protocol::apply_volume(chunk_.data(), frames, format_.channels, playback_->volume.volume,
                             playback_->volume.mute);
    }
    // After a second of playing, what the device said (for the log reader;
    // the health snapshot has it live).
    if (++chunks_ == 50 && reading.measured)
      named_logger("audio")->info("output latency {:.0f} ms: {:.0f} ms queued in OpenAL, {:.0f} ms past it",
                                  (reading.ahead_s + reading.device_s) * 1000, reading.ahead_s * 1000,
                                  reading.device_s * 1000);
    data.samples = chunk_.data();
    data.sampleCount = chunk_.size();
    return true;
  }

  void onSeek(sf::Time) override {}  // a live stream cannot seek

  std::shared_ptr<shared_playback> playback_;
  protocol::audio_format format_;
  std::vector<std::int16_t> chunk_;
  LPALGETSOURCEDVSOFT query_ = nullptr;
  queue_reading reading_;        // the last pull's; under playback_->mutex
  std::uint64_t chunks_ = 0;     // pulled since open (SFML's thread)
};

class sfml_audio_device final : public audio_device {
public:
  std::string name() const override { return "sfml"; }
  output_latency latency() const override {
    if (stream_)
      return stream_->latency();
    return {estimated_latency_ms, 0, "estimate (no stream yet)"};
  }
  void bind(std::shared_ptr<shared_playback> playback) override { playback_ = std::move(playback); }
  // OpenAL opens the sound device with the first stream, so a session
  // without audio never touches it.
  void start(const protocol::audio_format& format) override {
    if (!stream_)
      stream_ = std::make_unique<playback_stream>(playback_);
    stream_->open(format);
  }
  void stop() override {
    if (stream_)
      stream_->halt();
  }
  // OpenAL reports a missing device only on stderr (through sf::err()); SFML
  // then plays into nothing, which is what we want without a sound card.
  std::string error() const override { return ""; }

private:
  std::shared_ptr<shared_playback> playback_;
  std::unique_ptr<playback_stream> stream_;
};

}  // namespace

std::shared_ptr<audio_device> make_sfml_audio_device() { return std::make_shared<sfml_audio_device>(); }

}  // namespace vigil
