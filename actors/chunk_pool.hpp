// The buffers a socket broker reads its chunks into, handed back by the
// channel that consumed them.
//
// The broker runs on the middleman's thread and its owner on a worker
// thread: a chunk allocated by one and freed by the other goes back to the
// broker thread's malloc arena, which trims its free top away (madvise)
// whenever a window's worth of chunks is free at once, and the next reads
// fault those pages in again. On a channel that carries one 1.6 MB image a
// frame that was about 4 % of the client's CPU (docs/performance.md). The
// pool keeps at most a credit window's worth of buffers, the bound the
// chunks in flight have anyway (flow_control.max_unconsumed_chunks).
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "actors/messages.hpp"

namespace vigil {

class chunk_pool {
public:
  explicit chunk_pool(std::size_t keep) : keep_(keep) {}
  // An empty buffer, with the capacity of one handed back if there is one.
  byte_buffer take();
  // Kept for take() while fewer than `keep` are; freed otherwise.
  void give_back(byte_buffer&& buffer);

private:
  const std::size_t keep_;
  std::mutex mutex_;
  std::vector<byte_buffer> free_;
};

}  // namespace vigil
