// The audio sink: where the playback channel's decoded PCM goes. One per run
// (the session supervisor owns it, like the renderer), so it outlives
// reconnects. It keeps the jitter buffer (protocol/jitter_buffer.hpp) and
// feeds an audio device from it.
//
// Its interface is audio_sink_actor below. The playback channel sends audio
// over a drop_oldest bounded edge (edge_ids::playback_audio) and volume over
// a keep_latest one (edge_ids::playback_volume); the sink acknowledges each
// message once handled ((edge_ack_atom, id, 1) to the sender) and sends
// nothing else. Shutdown finishes the WAV dump, stops the device and quits.
//
// Devices: a device that pulls itself (SFML's audio thread) takes audio from
// the shared buffer under its mutex; the critical sections are copies of a
// few milliseconds of samples, so neither side waits long, and the actor never
// waits on the device. Without a device (headless, or no sound card) the sink
// pulls on its own 20 ms tick at the stream's rate and throws the audio away,
// so the buffer's numbers mean the same in both cases.
//
// The media clock (actors/media_clock.hpp): on every tick while audio plays,
// the sink sets the session's clock to the server time of the audio heard
// (the buffer's play cursor, less what the device still holds: its
// output_latency, measured where the device can), so video is shown in step
// with the sound. PLAYBACK_LATENCY (audio_packet::latency_ms) raises the
// buffer's target to what the server asks for.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/media_clock.hpp"
#include "actors/messages.hpp"
#include "protocol/codecs/audio_decoder.hpp"
#include "protocol/jitter_buffer.hpp"

namespace vigil {

using audio_atom = caf::atom_constant<caf::atom("audio")>;
using audio_volume_atom = caf::atom_constant<caf::atom("audiovol")>;

// One step of a playback stream, in order.
struct audio_packet {
  enum class kind { start, data, stop };
  kind what = kind::data;
  std::uint32_t stream = 0;  // counts STARTs on the channel: a new stream after a lost start is still noticed
  protocol::audio_format format;
  std::uint32_t time = 0;  // server multimedia time (ms) of the first frame
  std::uint32_t latency_ms = 0;  // the server's last PLAYBACK_LATENCY (0: none)
  std::vector<std::int16_t> samples;  // interleaved
};

struct audio_volume {
  std::vector<std::uint16_t> volume;  // per channel, 0..65535; empty: full
  bool mute = false;
};

// What the jitter buffer and the device share. The device thread and the
// sink both lock `mutex` around every access.
struct shared_playback {
  explicit shared_playback(protocol::jitter_settings settings) : buffer(settings) {}
  std::mutex mutex;
  protocol::jitter_buffer buffer;
  audio_volume volume;
  media_clock_ptr clock;  // for the debug trace of audio heard (null: none); the sink sets the clock
};

// How long audio pulled from the buffer takes to be heard.
struct output_latency {
  std::uint32_t ms = 0;         // now: pulled and not yet heard (the device's queue and what lies past it)
  std::uint32_t device_ms = 0;  // of which past the queue (mixer, sound server, card), as the device reports it
  std::string source;           // "measured (...)" or "estimate (...)": where `ms` comes from
};

// A sound output. Implementations must not block in start/stop for longer
// than opening or closing the device takes.
class audio_device {
public:
  virtual ~audio_device() = default;
  virtual std::string name() const = 0;
  // Called once with the buffer the device pulls from, before anything else.
  virtual void bind(std::shared_ptr<shared_playback> playback) = 0;
  // A stream with this format begins (the buffer is already reset).
  virtual void start(const protocol::audio_format& format) = 0;
  virtual void stop() = 0;
  // The device's own problems (no sound card...); "" while fine.
  virtual std::string error() const = 0;
  // How long audio pulled from the buffer takes to be heard, now, for the
  // media clock. Called with the playback mutex held.
  virtual output_latency latency() const = 0;
};

struct audio_sink_options {
  protocol::jitter_settings jitter;
  std::string dump_path;                  // write the decoded PCM as a WAV file; "" for none
  std::shared_ptr<audio_device> device;   // null: the sink's own clock consumes the audio
  media_clock_ptr clock;                  // set from the audio heard while a stream plays (null: none)
};

struct audio_health {
  std::string device;       // "none (headless)" or the device's name
  std::string device_error;
  output_latency latency;   // the device's now; "sink clock" (0 ms) when the sink consumes itself
  std::uint32_t frequency = 0;
  std::uint32_t channels = 0;
  std::uint32_t capacity_ms = 0;
  std::uint32_t target_ms = 0;
  protocol::jitter_stats buffer;
  std::vector<std::uint16_t> volume;
  bool mute = false;
  std::uint64_t streams = 0;
  std::uint64_t stale_packets = 0;  // from a playback channel incarnation that was replaced
  std::string dump_path;
  std::uint64_t dump_frames = 0;
  std::string dump_error;
};

using audio_sink_actor = caf::typed_actor<caf::reacts_to<audio_atom, audio_packet>,
                                          caf::reacts_to<audio_volume_atom, audio_volume>,
                                          caf::replies_to<health_atom>::with<audio_health>,
                                          caf::reacts_to<shutdown_atom>>;

audio_sink_actor spawn_audio_sink(caf::actor_system& system, audio_sink_options options);

}  // namespace vigil

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::audio_packet)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::audio_volume)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::audio_health)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::audio_sink_options)
