// The playback jitter buffer: decoded PCM waits here between the playback
// channel and the audio device. Pure: no clock and no threads; the caller
// passes each packet's server time and pulls as the device consumes.
//
// - Playback starts once `target_ms` of audio is buffered (absorbs network
//   jitter); the play cursor is then the server time of the next frame out.
// - A pull that finds too little audio fills with silence and counts one
//   underrun (per run of starved pulls); the cursor keeps moving through the
//   silence, so the audio that should have filled it arrives late.
// - Late audio (its server time is already behind the cursor) is dropped and
//   counted, not played behind time: latency never creeps up.
// - Never more than `capacity_ms` is held: beyond that the oldest frames are
//   dropped and counted (a producer faster than the device).
// - Depth that stays more than `shed_margin_ms` above the target for
//   `shed_after_ms` of playing is dropped down to the target, oldest first,
//   and counted: a device that starts late (an OpenAL device opening while
//   packets arrive) otherwise leaves the buffer full for the whole stream, and
//   audio (with the media clock that follows it) that much later than the
//   pictures can wait for.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "protocol/codecs/audio_decoder.hpp"

namespace vigil::protocol {

struct jitter_settings {
  std::uint32_t capacity_ms = 500;
  std::uint32_t target_ms = 100;
  std::uint32_t shed_margin_ms = 100;
  std::uint32_t shed_after_ms = 2000;
};

struct jitter_stats {
  std::uint64_t packets_in = 0;       // pushed while started
  std::uint64_t packets_late = 0;     // dropped whole: entirely behind the play cursor
  std::uint64_t frames_late = 0;      // late frames dropped (whole and partly late packets)
  std::uint64_t frames_overflow = 0;  // oldest frames dropped to stay within capacity
  std::uint64_t frames_shed = 0;      // oldest frames dropped: depth stayed well above the target
  std::uint64_t underruns = 0;        // runs of pulls that had to play silence
  std::uint64_t frames_played = 0;    // real audio pulled
  std::uint64_t frames_silence = 0;   // silence pulled while playing (underruns)
  std::uint32_t depth_ms = 0;         // buffered now
  bool playing = false;               // prebuffering done, not stopped
};

class jitter_buffer {
public:
  enum class push_outcome { queued, trimmed, late, not_started };

  explicit jitter_buffer(jitter_settings settings);

  // A new stream (PLAYBACK_START): empties the buffer and waits for the target again.
  void start(audio_format format);
  // End of the stream (PLAYBACK_STOP): what is buffered is discarded.
  void stop();

  // `samples` are interleaved (frames x channels) from the packet with server time `time_ms`.
  push_outcome push(std::uint32_t time_ms, const std::vector<std::int16_t>& samples);

  // Writes `frames` frames of `out_channels` samples to `out`, silence where
  // no audio is due; returns how many frames were real audio. A caller whose
  // channel count is not the stream's (a device not yet reopened for a new
  // START) gets silence and takes nothing: the count is the caller's, so a
  // server that changes it cannot make a pull write past `out`.
  std::size_t pull(std::int16_t* out, std::size_t frames, std::size_t out_channels);

  // The server time of the next frame out (the play cursor) while playing:
  // what the audio output is at, for the media clock (protocol/mm_time.hpp).
  std::optional<std::uint32_t> playing_time() const;
  // PLAYBACK_LATENCY: the server asks for at least this much audio buffered
  // (capped below the capacity). A rise while playing rebuffers to it.
  void set_latency_ms(std::uint32_t latency_ms);
  std::uint32_t target_ms() const;

  jitter_stats stats() const;
  const audio_format& format() const { return format_; }
  bool started() const { return started_; }

private:
  std::int64_t frames_of_ms(std::int64_t ms) const;
  std::size_t queued_frames() const;
  void drop_oldest(std::size_t frames);
  void shed_standing_depth(std::size_t pulled);

  jitter_settings settings_;
  std::uint32_t latency_ms_ = 0;  // PLAYBACK_LATENCY
  audio_format format_;
  bool started_ = false;
  bool have_anchor_ = false;
  std::uint32_t anchor_time_ = 0;   // server time of timeline frame anchor_frame_
  std::int64_t anchor_frame_ = 0;   // (the start of the last accepted packet)
  std::int64_t cursor_ = 0;        // timeline frame of the next frame out
  std::int64_t queue_end_ = 0;     // timeline frame just after the last queued one
  bool starved_ = false;           // the last pull played silence
  std::int64_t frames_above_ = 0;  // pulled since the depth last was near the target
  std::deque<std::int16_t> queue_;
  jitter_stats stats_;
};

}  // namespace vigil::protocol
