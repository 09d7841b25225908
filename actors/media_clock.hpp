// The session's media clock, shared by the actors that set and read it (a
// protocol::media_clock under a mutex; every access is a few arithmetic
// operations, so nobody waits on it):
//   main channel    INIT and MULTI_MEDIA_TIME set it
//   audio sink      while audio plays, the server time of the audio heard sets it
//   display channels  present stream pictures at their mm_time by it
//                     (protocol/presentation_queue.hpp) and measure A/V skew
// One per run (the session supervisor makes it), so it spans reconnects;
// a new server's INIT is a reset, counted.
//
// Debug trace (--debug-media-trace FILE, for the A/V sync test): one line per
// presented stream picture and per stretch of loud audio heard, with the local
// monotonic time in microseconds. Off (no file) in normal runs.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "protocol/mm_time.hpp"

namespace vigil {

// Local monotonic time, the clock every reading is taken against.
inline std::uint64_t media_local_us() {
  return static_cast<std::uint64_t>(
    std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch()).count());
}
inline std::uint64_t media_local_ms() { return media_local_us() / 1000; }

struct media_clock_health {
  bool synced = false;
  std::string source;  // none | main | audio
  std::uint64_t resets = 0;
};

class shared_media_clock {
public:
  shared_media_clock() = default;
  ~shared_media_clock();
  shared_media_clock(const shared_media_clock&) = delete;
  shared_media_clock& operator=(const shared_media_clock&) = delete;

  void from_main(std::uint32_t mm_time, std::uint64_t local_ms);
  void from_audio(std::uint32_t mm_time, std::uint64_t local_ms);
  // The server time now; none before any reading.
  std::optional<std::uint32_t> now(std::uint64_t local_ms) const;
  // What the audio heard is at now; none unless audio plays.
  std::optional<std::uint32_t> audio_now(std::uint64_t local_ms) const;
  media_clock_health health(std::uint64_t local_ms) const;

  // Opens the debug trace; "" on success, else why not.
  std::string open_trace(const std::string& path);
  bool tracing() const { return trace_ != nullptr; }
  void trace(const std::string& line);
  // The trace's audio line for a stretch of heard audio that holds a click:
  // its first loud frame (|sample| >= 8192), when it is heard and its server
  // time, given when and at what server time the stretch's first frame is
  // heard. Nothing for a quiet stretch.
  void trace_loud_audio(const std::int16_t* samples, std::size_t frames, std::uint32_t channels,
                        std::uint32_t frequency, std::uint64_t first_heard_us, std::uint32_t first_mm_time);

private:
  mutable std::mutex mutex_;
  protocol::media_clock clock_;
  std::FILE* trace_ = nullptr;
};

using media_clock_ptr = std::shared_ptr<shared_media_clock>;

}  // namespace vigil
