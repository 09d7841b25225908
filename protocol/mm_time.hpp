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

}  // namespace vigil::protocol
