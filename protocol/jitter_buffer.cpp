#include "protocol/jitter_buffer.hpp"

#include <algorithm>

namespace vigil::protocol {

namespace {

// Server times are whole milliseconds: a packet up to this much before its
// contiguous place is rounding, not lateness.
constexpr std::int64_t time_tolerance_ms = 2;

}  // namespace

jitter_buffer::jitter_buffer(jitter_settings settings) : settings_(settings) {}

void jitter_buffer::start(audio_format format) {
  format_ = format;
  if (format_.channels == 0)
    format_.channels = 1;
  started_ = true;
  have_anchor_ = false;
  cursor_ = queue_end_ = 0;
  starved_ = false;
  frames_above_ = 0;
  queue_.clear();
  stats_.playing = false;
}

void jitter_buffer::stop() {
  started_ = false;
  have_anchor_ = false;
  queue_.clear();
  stats_.playing = false;
}

std::int64_t jitter_buffer::frames_of_ms(std::int64_t ms) const { return ms * format_.frequency / 1000; }

std::size_t jitter_buffer::queued_frames() const { return queue_.size() / format_.channels; }

void jitter_buffer::drop_oldest(std::size_t frames) {
  queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(frames * format_.channels));
  cursor_ += static_cast<std::int64_t>(frames);
}

jitter_buffer::push_outcome jitter_buffer::push(std::uint32_t time_ms, const std::vector<std::int16_t>& samples) {
  if (!started_)
    return push_outcome::not_started;
  ++stats_.packets_in;
  const std::size_t channels = format_.channels;
  const auto frames = static_cast<std::int64_t>(samples.size() / channels);
  if (!have_anchor_) {
    have_anchor_ = true;
    anchor_time_ = time_ms;
    anchor_frame_ = queue_end_;
  }
  // Signed difference: the u32 millisecond clock wraps after 49 days.
  const auto offset_ms = static_cast<std::int64_t>(static_cast<std::int32_t>(time_ms - anchor_time_));
  const std::int64_t position = anchor_frame_ + frames_of_ms(offset_ms);
  const std::int64_t tolerance = frames_of_ms(time_tolerance_ms);

  std::int64_t skip = 0;  // late frames at the packet's start
  if (position + tolerance < cursor_)
    skip = std::min(frames, cursor_ - position);
  if (skip == frames) {
    ++stats_.packets_late;
    stats_.frames_late += static_cast<std::uint64_t>(frames);
    return push_outcome::late;
  }
  stats_.frames_late += static_cast<std::uint64_t>(skip);
  // Audio is kept contiguous: after a starved stretch the next audio plays
  // at the cursor, never behind it.
  if (queue_.empty())
    queue_end_ = cursor_;
  // Re-anchor on every accepted packet: the server's clock and the sample
  // count may drift apart, and only the latest mapping matters.
  anchor_time_ = time_ms;
  anchor_frame_ = queue_end_ - skip;
  queue_.insert(queue_.end(), samples.begin() + skip * static_cast<std::int64_t>(channels), samples.end());
  queue_end_ += frames - skip;

  const auto capacity = static_cast<std::size_t>(frames_of_ms(settings_.capacity_ms));
  if (queued_frames() > capacity) {
    const std::size_t excess = queued_frames() - capacity;
    stats_.frames_overflow += excess;
    drop_oldest(excess);
  }
  if (!stats_.playing && queued_frames() >= static_cast<std::size_t>(frames_of_ms(target_ms())))
    stats_.playing = true;
  return skip > 0 ? push_outcome::trimmed : push_outcome::queued;
}

std::size_t jitter_buffer::pull(std::int16_t* out, std::size_t frames, std::size_t out_channels) {
  const std::size_t channels = format_.channels;
  std::fill(out, out + frames * out_channels, std::int16_t{0});
  if (!started_ || !stats_.playing || out_channels != channels)
    return 0;
  const std::size_t available = std::min(frames, queued_frames());
  std::copy(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(available * channels), out);
  queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(available * channels));
  cursor_ += static_cast<std::int64_t>(frames);
  stats_.frames_played += available;
  if (available < frames) {
    stats_.frames_silence += frames - available;
    if (!starved_)
      ++stats_.underruns;
    starved_ = true;
  } else {
    starved_ = false;
  }
  shed_standing_depth(frames);
  return available;
}

void jitter_buffer::shed_standing_depth(std::size_t pulled) {
  const auto target = static_cast<std::size_t>(frames_of_ms(target_ms()));
  if (queued_frames() <= target + static_cast<std::size_t>(frames_of_ms(settings_.shed_margin_ms))) {
    frames_above_ = 0;
    return;
  }
  frames_above_ += static_cast<std::int64_t>(pulled);
  if (frames_above_ < frames_of_ms(settings_.shed_after_ms))
    return;
  const std::size_t excess = queued_frames() - target;
  stats_.frames_shed += excess;
  drop_oldest(excess);
  frames_above_ = 0;
}

std::optional<std::uint32_t> jitter_buffer::playing_time() const {
  if (!started_ || !stats_.playing || !have_anchor_ || format_.frequency == 0)
    return std::nullopt;
  const std::int64_t ms = (cursor_ - anchor_frame_) * 1000 / static_cast<std::int64_t>(format_.frequency);
  return anchor_time_ + static_cast<std::uint32_t>(static_cast<std::int32_t>(ms));
}

std::uint32_t jitter_buffer::target_ms() const {
  // Room above the target is kept, or the capacity trims what the target waits for.
  const std::uint32_t ceiling = settings_.capacity_ms > 50 ? settings_.capacity_ms - 50 : settings_.capacity_ms;
  return std::max(settings_.target_ms, std::min(latency_ms_, ceiling));
}

void jitter_buffer::set_latency_ms(std::uint32_t latency_ms) {
  const std::uint32_t before = target_ms();
  latency_ms_ = latency_ms;
  if (stats_.playing && target_ms() > before && queued_frames() < static_cast<std::size_t>(frames_of_ms(target_ms())))
    stats_.playing = false;  // wait for the larger target, as at a start
}

jitter_stats jitter_buffer::stats() const {
  jitter_stats stats = stats_;
  stats.depth_ms = format_.frequency == 0 ? 0
                                          : static_cast<std::uint32_t>(queued_frames() * 1000 / format_.frequency);
  return stats;
}

}  // namespace vigil::protocol
