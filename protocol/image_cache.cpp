#include "protocol/image_cache.hpp"

namespace vigil::protocol {
namespace {

std::uint64_t pixel_count(const decoded_image& image) { return std::uint64_t{image.width} * image.height; }

std::uint64_t entry_bytes(const decoded_image& image) {
  return pixel_count(image) * 4 + pixmap_cache::entry_overhead_bytes;
}

}  // namespace

pixmap_cache::pixmap_cache(std::uint64_t max_pixels) : max_bytes_(max_pixels * 4) {}

void pixmap_cache::put(std::uint64_t id, std::shared_ptr<const decoded_image> image, bool lossy) {
  remove(id);
  pixels_held_ += pixel_count(*image);
  bytes_held_ += entry_bytes(*image);
  entries_[id] = entry{std::move(image), lossy, ++puts_};
  put_order_.emplace_back(id, puts_);
  while (bytes_held_ > max_bytes_ && entries_.size() > 1)
    evict_oldest();
  drop_stale_order();
}

const pixmap_cache::entry* pixmap_cache::find(std::uint64_t id) const {
  auto found = entries_.find(id);
  return found == entries_.end() ? nullptr : &found->second;
}

void pixmap_cache::remove(std::uint64_t id) {
  auto found = entries_.find(id);
  if (found == entries_.end())
    return;
  pixels_held_ -= pixel_count(*found->second.image);
  bytes_held_ -= entry_bytes(*found->second.image);
  entries_.erase(found);
}

void pixmap_cache::clear() {
  entries_.clear();
  put_order_.clear();
  pixels_held_ = 0;
  bytes_held_ = 0;
}

void pixmap_cache::evict_oldest() {
  while (!put_order_.empty()) {
    const auto [id, put_number] = put_order_.front();
    put_order_.pop_front();
    auto found = entries_.find(id);
    if (found == entries_.end() || found->second.put_number != put_number)
      continue;
    remove(id);
    ++evictions_;
    return;
  }
}

// Keeps the order queue proportional to the cache after many removals.
void pixmap_cache::drop_stale_order() {
  if (put_order_.size() <= 2 * entries_.size() + 64)
    return;
  std::deque<std::pair<std::uint64_t, std::uint64_t>> live;
  for (const auto& [id, put_number] : put_order_) {
    auto found = entries_.find(id);
    if (found != entries_.end() && found->second.put_number == put_number)
      live.emplace_back(id, put_number);
  }
  put_order_.swap(live);
}

void palette_cache::put(std::uint64_t id, std::vector<std::uint32_t> entries) {
  if (palettes_.count(id) == 0) {
    insertion_order_.push_back(id);
    while (palettes_.size() >= max_palettes && !insertion_order_.empty()) {
      palettes_.erase(insertion_order_.front());
      insertion_order_.pop_front();
    }
  }
  palettes_[id] = std::move(entries);
}

const std::vector<std::uint32_t>* palette_cache::find(std::uint64_t id) const {
  auto found = palettes_.find(id);
  return found == palettes_.end() ? nullptr : &found->second;
}

void palette_cache::remove(std::uint64_t id) {
  palettes_.erase(id);
  for (auto it = insertion_order_.begin(); it != insertion_order_.end(); ++it)
    if (*it == id) {
      insertion_order_.erase(it);
      break;
    }
}

void palette_cache::clear() {
  palettes_.clear();
  insertion_order_.clear();
}

}  // namespace vigil::protocol
