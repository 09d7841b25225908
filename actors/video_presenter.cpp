#include "actors/video_presenter.hpp"

namespace vigil {

namespace {

std::uint64_t bytes_of(const ready_picture& picture) {
  if (picture.picture)
    return std::uint64_t{picture.picture->width} * picture.picture->height * 4;
  return picture.encoded ? picture.encoded->size() : 0;
}

// A pixel's brightness (0..255), for the trace.
unsigned luma(std::uint32_t pixel) { return (((pixel >> 16) & 0xff) * 3 + ((pixel >> 8) & 0xff) * 6 + (pixel & 0xff)) / 10; }

// The picture's centre pixel's.
unsigned centre_luma(const protocol::decoded_image& image) {
  if (image.width == 0 || image.height == 0 || image.pixels.size() < std::uint64_t{image.width} * image.height)
    return 0;
  return luma(image.pixels[std::size_t{image.height / 2} * image.width + image.width / 2]);
}

}  // namespace

video_presenter::video_presenter(media_clock_ptr clock, protocol::presentation_settings settings,
                                 protocol::memory_account account)
    : clock_(std::move(clock)), queue_(settings), account_(std::move(account)) {}

waiting_picture video_presenter::take(std::uint64_t token) {
  auto found = waiting_.find(token);
  waiting_picture picture = std::move(found->second);
  waiting_.erase(found);
  return picture;
}

void video_presenter::recharge() {
  std::uint64_t bytes = 0;
  for (const auto& entry : waiting_)
    bytes += bytes_of(entry.second.picture);
  // Shrinking is never refused.
  account_.resize(charge_, bytes, "stream pictures waiting for their time");
}

video_presenter::step video_presenter::resolve(const protocol::presentation_queue::decision& decision) {
  step out;
  for (const auto& entry : decision.show)
    out.show.push_back(take(entry.token));
  for (const auto& entry : decision.late)
    out.late.push_back(take(entry.token));
  for (const auto& entry : decision.overflow)
    out.overflow.push_back(take(entry.token));
  recharge();
  return out;
}

video_presenter::step video_presenter::add(ready_picture picture, frame_outcome outcome, std::uint64_t local_ms) {
  const std::uint64_t token = next_token_++;
  const protocol::presentation_entry entry{token, picture.stream_id, picture.mm_time};
  std::optional<std::uint32_t> now = clock_ ? clock_->now(local_ms) : std::nullopt;
  std::uint64_t bytes = bytes_of(picture);
  for (const auto& waiting : waiting_)
    bytes += bytes_of(waiting.second.picture);
  if (now && account_.resize(charge_, bytes, "stream pictures waiting for their time"))
    now.reset();  // the budget cannot hold it waiting: shown at once
  waiting_.emplace(token, waiting_picture{std::move(picture), outcome});
  protocol::presentation_queue::decision decision = queue_.push(entry, now);
  if (now) {  // awake anyway: whatever is (nearly) due goes now, not at a wake-up of its own
    protocol::presentation_queue::decision due = queue_.take_due(*now);
    decision.show.insert(decision.show.end(), due.show.begin(), due.show.end());
    decision.late.insert(decision.late.end(), due.late.begin(), due.late.end());
  }
  return resolve(decision);
}

video_presenter::step video_presenter::take_due(std::uint64_t local_ms) {
  const std::optional<std::uint32_t> now = clock_ ? clock_->now(local_ms) : std::nullopt;
  if (!now)
    return resolve(protocol::presentation_queue::decision{});
  return resolve(queue_.take_due(*now));
}

std::vector<std::uint32_t> video_presenter::waits_ms(std::uint64_t local_ms) const {
  const std::optional<std::uint32_t> now = clock_ ? clock_->now(local_ms) : std::nullopt;
  if (!now)
    return std::vector<std::uint32_t>(queue_.size(), 0);
  return queue_.waits_ms(*now);
}

void video_presenter::end_stream(std::uint32_t stream_id) {
  for (const auto& entry : queue_.drop_stream(stream_id))
    waiting_.erase(entry.token);
  recharge();
}

void video_presenter::end_all() {
  queue_.drop_all();
  waiting_.clear();
  recharge();
}

std::optional<std::int32_t> video_presenter::av_skew(std::uint32_t mm_time, std::uint64_t local_ms) const {
  if (!clock_)
    return std::nullopt;
  const std::optional<std::uint32_t> heard = clock_->audio_now(local_ms);
  if (!heard)
    return std::nullopt;
  return static_cast<std::int32_t>(*heard - mm_time);
}

void video_presenter::trace_shown(const ready_picture& picture) const {
  if (clock_ && clock_->tracing() && picture.picture)
    trace(picture, centre_luma(*picture.picture));
}

void video_presenter::trace_drawn(const ready_picture& frame, const protocol::pixel_rows& rows) const {
  if (clock_ && clock_->tracing() && rows.width > 0 && rows.height > 0)
    trace(frame, luma(rows.first[std::ptrdiff_t{rows.height / 2} * rows.stride + rows.width / 2]));
}

void video_presenter::trace(const ready_picture& frame, unsigned luma) const {
  clock_->trace("video local_us=" + std::to_string(media_local_us()) + " mm_time=" + std::to_string(frame.mm_time) +
                " stream=" + std::to_string(frame.stream_id) + " luma=" + std::to_string(luma));
}

presentation_health video_presenter::health(std::uint64_t local_ms) const {
  presentation_health health;
  if (clock_) {
    const media_clock_health clock = clock_->health(local_ms);
    health.clock_source = clock.source;
    health.clock_resets = clock.resets;
  } else {
    health.clock_source = "none";
  }
  health.waiting = queue_.size();
  health.capacity = queue_.capacity();
  health.stats = queue_.stats();
  return health;
}

}  // namespace vigil
