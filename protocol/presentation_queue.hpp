// When decoded video pictures are shown: each at its frame's mm_time by the
// session's media clock (protocol/mm_time.hpp), as spice-gtk schedules its
// decoded frames. Pure: the caller passes the clock's reading and keeps the
// pictures; entries name them by a token.
//
// Policy:
//   - No clock reading (main's INIT not seen): shown at once.
//   - A picture already more than `late_grace_ms` behind the clock when it
//     is decoded is late: dropped and counted (spice-server sees it in the
//     stream report and grants more latency).
//   - A picture more than `max_ahead_ms` ahead is not held that long (the
//     clock and the stream disagree, e.g. after a migration): shown at once,
//     counted as unsynced.
//   - Otherwise it waits until the clock comes within `tolerance_ms` of its
//     mm_time. The caller takes what is due whenever it is awake anyway (a
//     frame arrived) and wakes up for a picture only `tolerance_ms` after its
//     time, so a steady stream's arrivals show its pictures without wake-ups
//     of their own; a picture is shown within `tolerance_ms` of its time
//     either way (a display refresh is 7-17 ms). When several pictures of one
//     stream are due at once, the newest is shown and the older ones are late.
//   - At most `capacity` pictures wait: beyond that the oldest is shown at
//     once, early, counted as overflow. (spice-server can ask for seconds of
//     latency when its encoder is slow, more than a bounded queue of 1080p
//     pictures holds: the video then leads the clock rather than losing
//     frames.)
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

namespace vigil::protocol {

struct presentation_settings {
  std::size_t capacity = 12;
  std::uint32_t late_grace_ms = 10;
  std::uint32_t max_ahead_ms = 3000;
  std::uint32_t tolerance_ms = 4;
};

struct presentation_entry {
  std::uint64_t token = 0;
  std::uint32_t stream_id = 0;
  std::uint32_t mm_time = 0;
};

struct presentation_stats {
  std::uint64_t queued = 0;
  std::uint64_t presented = 0;
  std::uint64_t late = 0;
  std::uint64_t overflow = 0;
  std::uint64_t unsynced = 0;  // shown at once: no clock, or too far ahead of it
};

class presentation_queue {
public:
  explicit presentation_queue(presentation_settings settings) : settings_(settings) {}

  struct decision {
    std::vector<presentation_entry> show;  // now, in this order
    std::vector<presentation_entry> late;  // dropped: behind the clock, or superseded
    std::vector<presentation_entry> overflow;  // to show now, early: the queue was full
  };

  // A decoded picture; `clock_now` is the media clock's reading (none: not synced).
  decision push(const presentation_entry& entry, std::optional<std::uint32_t> clock_now);
  // The pictures whose time has come.
  decision take_due(std::uint32_t clock_now);
  // Milliseconds until the earliest waiting picture's mm_time (0: now); none when empty.
  std::optional<std::uint32_t> wait_ms(std::uint32_t clock_now) const;
  // The same for every waiting picture, in queue order.
  std::vector<std::uint32_t> waits_ms(std::uint32_t clock_now) const;
  // The stream ended: its waiting pictures are dropped (returned, not counted).
  std::vector<presentation_entry> drop_stream(std::uint32_t stream_id);
  std::vector<presentation_entry> drop_all();

  std::size_t size() const { return waiting_.size(); }
  std::size_t capacity() const { return settings_.capacity; }
  const presentation_stats& stats() const { return stats_; }

private:
  presentation_settings settings_;
  std::deque<presentation_entry> waiting_;  // in mm_time order per stream (arrival order)
  presentation_stats stats_;
};

}  // namespace vigil::protocol
