#include "actors/media_clock.hpp"

#include <cerrno>
#include <cstring>

namespace vigil {

shared_media_clock::~shared_media_clock() {
  if (trace_)
    std::fclose(trace_);
}

void shared_media_clock::from_main(std::uint32_t mm_time, std::uint64_t local_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  clock_.from_main(mm_time, local_ms);
}

void shared_media_clock::from_audio(std::uint32_t mm_time, std::uint64_t local_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  clock_.from_audio(mm_time, local_ms);
}

std::optional<std::uint32_t> shared_media_clock::now(std::uint64_t local_ms) const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!clock_.synced())
    return std::nullopt;
  return clock_.now(local_ms);
}

std::optional<std::uint32_t> shared_media_clock::audio_now(std::uint64_t local_ms) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return clock_.audio_now(local_ms);
}

media_clock_health shared_media_clock::health(std::uint64_t local_ms) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return {clock_.synced(), protocol::to_string(clock_.current(local_ms)), clock_.resets()};
}

std::string shared_media_clock::open_trace(const std::string& path) {
  std::lock_guard<std::mutex> lock(mutex_);
  trace_ = std::fopen(path.c_str(), "w");
  return trace_ ? "" : "cannot write the media trace " + path + ": " + std::strerror(errno);
}

void shared_media_clock::trace(const std::string& line) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!trace_)
    return;
  std::fputs(line.c_str(), trace_);
  std::fputc('\n', trace_);
  std::fflush(trace_);
}

void shared_media_clock::trace_loud_audio(const std::int16_t* samples, std::size_t frames, std::uint32_t channels,
                                          std::uint32_t frequency, std::uint64_t first_heard_us,
                                          std::uint32_t first_mm_time) {
  constexpr int loud = 8192;
  if (!tracing() || channels == 0 || frequency == 0)
    return;
  for (std::size_t i = 0; i < frames * channels; ++i) {
    if (samples[i] < loud && samples[i] > -loud)
      continue;
    const std::uint64_t frame = i / channels;
    trace("audio local_us=" + std::to_string(first_heard_us + frame * 1000000 / frequency) +
          " mm_time=" + std::to_string(first_mm_time + frame * 1000 / frequency));
    return;
  }
}

}  // namespace vigil
