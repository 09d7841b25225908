#include "protocol/codecs/pixel_pool.hpp"

#include <utility>

namespace vigil::protocol {

pixel_pool::pixel_pool(memory_account account, std::size_t max_buffers)
    : account_(std::move(account)), max_buffers_(max_buffers) {}

std::vector<std::uint32_t> pixel_pool::take(std::size_t pixels) {
  auto best = idle_.end();
  for (auto it = idle_.begin(); it != idle_.end(); ++it) {
    const std::size_t capacity = it->pixels.capacity();
    if (capacity >= pixels && capacity / 2 <= pixels && (best == idle_.end() || capacity < best->pixels.capacity()))
      best = it;
  }
  if (best == idle_.end())
    return std::vector<std::uint32_t>(pixels);
  std::vector<std::uint32_t> buffer = std::move(best->pixels);
  idle_.erase(best);
  buffer.resize(pixels);  // given back at full capacity: shrinking writes nothing
  return buffer;
}

void pixel_pool::give_back(std::vector<std::uint32_t> buffer) {
  if (buffer.capacity() == 0)
    return;
  if (idle_.size() >= max_buffers_) {
    // Keep the larger buffers: they are the costly ones to fault in again.
    auto smallest = idle_.begin();
    for (auto it = idle_.begin(); it != idle_.end(); ++it)
      if (it->pixels.capacity() < smallest->pixels.capacity())
        smallest = it;
    if (smallest->pixels.capacity() >= buffer.capacity())
      return;
    idle_.erase(smallest);
  }
  const std::uint64_t bytes = std::uint64_t{buffer.capacity()} * sizeof(std::uint32_t);
  if (account_.pool_in_use() + bytes > account_.pool_limit())
    return;  // not worth a refusal in the health counters: the buffer is only a cache
  auto charge = account_.charge(bytes, "idle decode buffer");
  if (!charge)
    return;
  buffer.resize(buffer.capacity());
  idle_.push_back(idle_buffer{std::move(buffer), std::move(*charge)});
}

std::uint64_t pixel_pool::bytes_idle() const {
  std::uint64_t bytes = 0;
  for (const auto& buffer : idle_)
    bytes += std::uint64_t{buffer.pixels.capacity()} * sizeof(std::uint32_t);
  return bytes;
}

pooled_image::~pooled_image() {
  charge.release();  // before the pool charges the idle buffer
  if (auto owner = pool.lock())
    owner->give_back(std::move(image.pixels));
}

}  // namespace vigil::protocol
