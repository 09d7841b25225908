// The server's multimedia time (SPICE "mm_time": a u32 millisecond clock that
// wraps after 49 days) as seen from the client's monotonic clock. Main's INIT
// carries the server's mm_time when it was sent (spice-server sends its clock
// minus 400 ms, the delay it grants the client for audio and video), video
// STREAM_DATA frames the mm_time at which to show them. A frame's delay is
// how long before that time it arrived: spice-server's stream reports ask for
// it (last_frame_delay), and a negative delay means the frame came late.
//
// Pure: the caller passes local times in milliseconds.
#pragma once

#include <cstdint>
#include <optional>

namespace vigil::protocol {

// One reading: the server's mm_time was `server_mm_time` at local time `local_ms`.
struct mm_time_sync {
  std::uint32_t server_mm_time = 0;
  std::uint64_t local_ms = 0;
};

class mm_time_clock {
public:
  // The latest reading replaces the previous one.
  void sync(const mm_time_sync& reading) { reading_ = reading; }
  bool synced() const { return reading_.has_value(); }

  // The server's mm_time now; the reading's own time before a sync.
  std::uint32_t server_now(std::uint64_t local_ms) const;

  // `mm_time` minus the server's time now, in ms: positive when it is still
  // ahead, negative when it has passed. Across the u32 wrap the shorter way
  // round is taken.
  std::int32_t delay_of(std::uint32_t mm_time, std::uint64_t local_ms) const;

private:
  std::optional<mm_time_sync> reading_;
};

// The session's one multimedia clock, which stream frames are presented by
// (as spice-gtk's session keeps it). Main's INIT and MULTI_MEDIA_TIME set it;
// while audio plays, the audio output sets it to the server time of the
// sample being heard (spice-gtk: the playback channel's set_delay), so video
// follows the audio the user hears. Main's readings give way while an audio
// reading is fresher than `audio_hold_ms`: they would pull the clock ~400 ms
// back to where spice-server's INIT put it, and the next audio reading would
// pull it forward again.
class media_clock {
public:
  enum class source { none, main, audio };
  static constexpr std::uint64_t audio_hold_ms = 500;
  // A reading that moves the clock by more than this either way is a reset
  // (a new server, a migration, audio that started): counted.
  static constexpr std::int32_t reset_threshold_ms = 500;

  void from_main(std::uint32_t mm_time, std::uint64_t local_ms);
  void from_audio(std::uint32_t mm_time, std::uint64_t local_ms);

  bool synced() const { return clock_.synced(); }
  std::uint32_t now(std::uint64_t local_ms) const { return clock_.server_now(local_ms); }
  // The audio's last reading extrapolated to `local_ms`, while it is fresh.
  std::optional<std::uint32_t> audio_now(std::uint64_t local_ms) const;
  source current(std::uint64_t local_ms) const;
  std::uint64_t resets() const { return resets_; }

private:
  void set(std::uint32_t mm_time, std::uint64_t local_ms);

  mm_time_clock clock_;
  std::optional<mm_time_sync> audio_;
  source source_ = source::none;
  std::uint64_t resets_ = 0;
};

const char* to_string(media_clock::source source);

}  // namespace vigil::protocol
