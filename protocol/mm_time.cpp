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

}  // namespace vigil::protocol
