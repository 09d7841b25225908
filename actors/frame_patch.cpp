#include "actors/frame_patch.hpp"

#include <algorithm>
#include <cstring>

namespace vigil {

const std::uint32_t* frame_patch::rect_pixels(std::size_t index) const {
  std::size_t offset = 0;
  for (std::size_t i = 0; i < index; ++i)
    offset += static_cast<std::size_t>(rects[i].width() * rects[i].height());
  return pixels->data() + offset;
}

std::shared_ptr<pixel_buffer_pool> pixel_buffer_pool::make(std::size_t keep) {
  return std::shared_ptr<pixel_buffer_pool>(new pixel_buffer_pool(keep));
}

std::shared_ptr<std::vector<std::uint32_t>> pixel_buffer_pool::take(std::size_t pixels) {
  std::unique_ptr<std::vector<std::uint32_t>> buffer;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    // The smallest free buffer that is big enough, else the biggest (it grows).
    auto fits = [pixels](const auto& held) { return held->size() >= pixels; };
    auto chosen = std::find_if(free_.begin(), free_.end(), fits);
    if (chosen == free_.end() && !free_.empty())
      chosen = std::max_element(free_.begin(), free_.end(),
                                [](const auto& a, const auto& b) { return a->size() < b->size(); });
    if (chosen != free_.end()) {
      buffer = std::move(*chosen);
      free_.erase(chosen);
    }
  }
  if (!buffer)
    buffer = std::make_unique<std::vector<std::uint32_t>>();
  if (buffer->size() < pixels)
    buffer->resize(pixels);
  auto self = shared_from_this();
  return std::shared_ptr<std::vector<std::uint32_t>>(buffer.release(),
                                                     [self](std::vector<std::uint32_t>* returned) {
                                                       self->give_back(returned);
                                                     });
}

void pixel_buffer_pool::give_back(std::vector<std::uint32_t>* buffer) {
  std::unique_ptr<std::vector<std::uint32_t>> owned(buffer);
  std::lock_guard<std::mutex> lock(mutex_);
  if (free_.size() < keep_)
    free_.push_back(std::move(owned));
}

frame_patch_ptr make_frame_patch(const protocol::surface& surface, std::vector<protocol::surface_move> moves,
                                 std::vector<protocol::rect> rects, bool whole, std::uint64_t sequence,
                                 pixel_buffer_pool* pool, std::vector<protocol::monitor_head> heads) {
  auto patch = std::make_shared<frame_patch>();
  patch->heads = std::move(heads);
  patch->width = surface.width;
  patch->height = surface.height;
  patch->sequence = sequence;
  patch->whole = whole;
  patch->moves = std::move(moves);
  patch->rects = std::move(rects);
  if (!pool)
    return patch;
  std::size_t total = 0;
  for (const auto& r : patch->rects)
    total += static_cast<std::size_t>(r.width() * r.height());
  auto pixels = pool->take(total);
  std::uint32_t* out = pixels->data();
  for (const auto& r : patch->rects) {
    const auto row_pixels = static_cast<std::size_t>(r.width());
    if (row_pixels == surface.width) {
      // Whole rows are contiguous in both: one copy. Row by row (4 KB copies,
      // source and destination 16 bytes apart modulo a page, likely 4K
      // aliasing) took 2.3 times as long (docs/performance.md, issue 10).
      const auto count = row_pixels * static_cast<std::size_t>(r.height());
      std::memcpy(out, surface.pixels.data() + static_cast<std::size_t>(r.top) * surface.width,
                  count * sizeof(std::uint32_t));
      out += count;
      continue;
    }
    for (std::int32_t y = r.top; y < r.bottom; ++y) {
      std::memcpy(out, surface.pixels.data() + static_cast<std::size_t>(y) * surface.width + r.left,
                  row_pixels * sizeof(std::uint32_t));
      out += row_pixels;
    }
  }
  patch->pixels = std::move(pixels);
  return patch;
}

}  // namespace vigil
