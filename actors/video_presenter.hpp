// When the display channel shows decoded stream pictures: each at its
// frame's mm_time by the session's media clock (actors/media_clock.hpp),
// following protocol/presentation_queue.hpp's policy (late pictures dropped
// and counted, a bounded wait). Part of the display channel's state, not an
// actor: the channel applies what it returns and arms wake-ups for waits_ms().
//
// Bounds: at most `capacity` pictures wait (video.presentation_queue_frames);
// their pixels are charged to the channel's memory account, and a picture the
// budget cannot hold is shown at once instead of waiting.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "actors/media_clock.hpp"
#include "actors/video_streams.hpp"
#include "protocol/memory_budget.hpp"
#include "protocol/presentation_queue.hpp"

namespace vigil {

struct waiting_picture {
  ready_picture picture;
  frame_outcome outcome;  // for the stream report once shown or dropped
};

// The presentation numbers the snapshot shows (channel_health's video).
struct presentation_health {
  std::string clock_source;  // none | main | audio
  std::uint64_t clock_resets = 0;
  std::size_t waiting = 0;
  std::size_t capacity = 0;
  protocol::presentation_stats stats;
};

class video_presenter {
public:
  video_presenter(media_clock_ptr clock, protocol::presentation_settings settings, protocol::memory_account account);

  struct step {
    std::vector<waiting_picture> show;     // in this order, now
    std::vector<waiting_picture> late;     // dropped: behind the clock or superseded
    std::vector<waiting_picture> overflow; // now, early: too many waiting
  };

  // A decoded picture: it waits, or is shown or dropped now, along with the
  // waiting pictures that are due now (presentation_settings::tolerance_ms).
  step add(ready_picture picture, frame_outcome outcome, std::uint64_t local_ms);
  step take_due(std::uint64_t local_ms);
  // Until each waiting picture's time (0: now), in no particular order; empty while nothing waits.
  std::vector<std::uint32_t> waits_ms(std::uint64_t local_ms) const;
  void end_stream(std::uint32_t stream_id);
  void end_all();

  // The picture's presentation minus when its sound is heard, in ms (positive:
  // the picture is late); none unless audio plays.
  std::optional<std::int32_t> av_skew(std::uint32_t mm_time, std::uint64_t local_ms) const;
  // The debug trace's line for a shown picture (actors/media_clock.hpp).
  void trace_shown(const ready_picture& picture) const;
  // The same for a picture decoded straight into its surface's `rows`.
  void trace_drawn(const ready_picture& frame, const protocol::pixel_rows& rows) const;
  presentation_health health(std::uint64_t local_ms) const;

private:
  step resolve(const protocol::presentation_queue::decision& decision);
  waiting_picture take(std::uint64_t token);
  void recharge();
  // A trace line for a picture shown, whose centre has brightness `luma`.
  void trace(const ready_picture& frame, unsigned luma) const;

  media_clock_ptr clock_;
  protocol::presentation_queue queue_;
  protocol::memory_account account_;
  protocol::memory_charge charge_;
  std::map<std::uint64_t, waiting_picture> waiting_;
  std::uint64_t next_token_ = 1;
};

}  // namespace vigil
