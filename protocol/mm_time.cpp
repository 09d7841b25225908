#include "protocol/mm_time.hpp"

namespace vigil::protocol {

std::uint32_t mm_time_clock::server_now(std::uint64_t local_ms) const {
  if (!reading_)
    return 0;
  // A local time before the reading (it cannot happen with one monotonic
  // clock) counts as the reading's time rather than running backwards.
  const std::uint64_t elapsed = local_ms > reading_->local_ms ? local_ms - reading_->local_ms : 0;
  return reading_->server_mm_time + static_cast<std::uint32_t>(elapsed);
}

std::int32_t mm_time_clock::delay_of(std::uint32_t mm_time, std::uint64_t local_ms) const {
  return static_cast<std::int32_t>(mm_time - server_now(local_ms));
}

void media_clock::set(std::uint32_t mm_time, std::uint64_t local_ms) {
  if (clock_.synced()) {
    const auto jump = static_cast<std::int32_t>(mm_time - clock_.server_now(local_ms));
    if (jump < -reset_threshold_ms || jump > reset_threshold_ms)
      ++resets_;
  }
  clock_.sync({mm_time, local_ms});
}

void media_clock::from_main(std::uint32_t mm_time, std::uint64_t local_ms) {
  if (audio_now(local_ms))
    return;
  set(mm_time, local_ms);
  source_ = source::main;
}

void media_clock::from_audio(std::uint32_t mm_time, std::uint64_t local_ms) {
  // Audio readings come every few ms and differ by scheduling noise; only a
  // move beyond a few ms re-anchors, so the clock does not jitter.
  constexpr std::int32_t noise_ms = 4;
  const bool slaved = source_ == source::audio && audio_now(local_ms).has_value();
  audio_ = mm_time_sync{mm_time, local_ms};
  if (slaved) {
    const auto off = static_cast<std::int32_t>(mm_time - clock_.server_now(local_ms));
    if (off >= -noise_ms && off <= noise_ms)
      return;
  }
  set(mm_time, local_ms);
  source_ = source::audio;
}

std::optional<std::uint32_t> media_clock::audio_now(std::uint64_t local_ms) const {
  if (!audio_ || local_ms < audio_->local_ms || local_ms - audio_->local_ms > audio_hold_ms)
    return std::nullopt;
  return audio_->server_mm_time + static_cast<std::uint32_t>(local_ms - audio_->local_ms);
}

media_clock::source media_clock::current(std::uint64_t local_ms) const {
  if (source_ == source::audio && !audio_now(local_ms))
    return source::main;  // audio stopped: the clock runs on from its last reading
  return source_;
}

const char* to_string(media_clock::source source) {
  switch (source) {
    case media_clock::source::none: return "none";
    case media_clock::source::main: return "main";
    case media_clock::source::audio: return "audio";
  }
  return "none";
}

}  // namespace vigil::protocol
