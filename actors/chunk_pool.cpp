#include "actors/chunk_pool.hpp"

namespace vigil {

byte_buffer chunk_pool::take() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (free_.empty())
    return {};
  byte_buffer buffer = std::move(free_.back());
  free_.pop_back();
  return buffer;
}

void chunk_pool::give_back(byte_buffer&& buffer) {
  if (buffer.capacity() == 0)
    return;
  buffer.clear();
  std::lock_guard<std::mutex> lock(mutex_);
  if (free_.size() < keep_)
    free_.push_back(std::move(buffer));
}

}  // namespace vigil
