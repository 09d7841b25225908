#include "actors/session_memory.hpp"

namespace vigil {

bool session_memory_pool::take(std::uint64_t bytes) {
  std::uint64_t used = in_use_.load(std::memory_order_relaxed);
  do {
    if (bytes > limit_ - used) {
      refusals_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
  } while (!in_use_.compare_exchange_weak(used, used + bytes, std::memory_order_relaxed));
  std::uint64_t peak = peak_.load(std::memory_order_relaxed);
  while (used + bytes > peak && !peak_.compare_exchange_weak(peak, used + bytes, std::memory_order_relaxed)) {
  }
  return true;
}

void session_memory_pool::give_back(std::uint64_t bytes) { in_use_.fetch_sub(bytes, std::memory_order_relaxed); }

}  // namespace vigil
