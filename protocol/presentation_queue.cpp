#include "protocol/presentation_queue.hpp"

#include <algorithm>

namespace vigil::protocol {

namespace {

// Signed distance from `now` to `mm_time` across the u32 wrap.
std::int32_t ahead_of(std::uint32_t mm_time, std::uint32_t now) { return static_cast<std::int32_t>(mm_time - now); }

}  // namespace

presentation_queue::decision presentation_queue::push(const presentation_entry& entry,
                                                      std::optional<std::uint32_t> clock_now) {
  decision out;
  if (!clock_now || ahead_of(entry.mm_time, *clock_now) > static_cast<std::int32_t>(settings_.max_ahead_ms)) {
    ++stats_.unsynced;
    ++stats_.presented;
    out.show.push_back(entry);
    return out;
  }
  if (ahead_of(entry.mm_time, *clock_now) < -static_cast<std::int32_t>(settings_.late_grace_ms)) {
    ++stats_.late;
    out.late.push_back(entry);
    return out;
  }
  ++stats_.queued;
  waiting_.push_back(entry);
  while (waiting_.size() > settings_.capacity) {
    ++stats_.overflow;
    out.overflow.push_back(waiting_.front());
    waiting_.pop_front();
  }
  return out;
}

presentation_queue::decision presentation_queue::take_due(std::uint32_t clock_now) {
  decision out;
  std::deque<presentation_entry> still;
  for (const auto& entry : waiting_) {
    if (ahead_of(entry.mm_time, clock_now) > static_cast<std::int32_t>(settings_.tolerance_ms)) {
      still.push_back(entry);
      continue;
    }
    // An older due picture of the same stream is superseded by this one.
    auto older = std::find_if(out.show.begin(), out.show.end(),
                              [&](const presentation_entry& shown) { return shown.stream_id == entry.stream_id; });
    if (older != out.show.end()) {
      ++stats_.late;
      out.late.push_back(*older);
      out.show.erase(older);
    }
    out.show.push_back(entry);
  }
  stats_.presented += out.show.size();
  waiting_ = std::move(still);
  return out;
}

std::optional<std::uint32_t> presentation_queue::wait_ms(std::uint32_t clock_now) const {
  const std::vector<std::uint32_t> waits = waits_ms(clock_now);
  if (waits.empty())
    return std::nullopt;
  return *std::min_element(waits.begin(), waits.end());
}

std::vector<std::uint32_t> presentation_queue::waits_ms(std::uint32_t clock_now) const {
  std::vector<std::uint32_t> waits;
  waits.reserve(waiting_.size());
  for (const auto& entry : waiting_) {
    const std::int32_t ahead = ahead_of(entry.mm_time, clock_now);
    waits.push_back(ahead > 0 ? static_cast<std::uint32_t>(ahead) : 0);
  }
  return waits;
}

std::vector<presentation_entry> presentation_queue::drop_stream(std::uint32_t stream_id) {
  std::vector<presentation_entry> dropped;
  std::deque<presentation_entry> still;
  for (const auto& entry : waiting_)
    (entry.stream_id == stream_id ? dropped.push_back(entry) : still.push_back(entry));
  waiting_ = std::move(still);
  return dropped;
}

std::vector<presentation_entry> presentation_queue::drop_all() {
  std::vector<presentation_entry> dropped(waiting_.begin(), waiting_.end());
  waiting_.clear();
  return dropped;
}

}  // namespace vigil::protocol
