// The session's memory budget (protocol/memory_budget.hpp) as the channel
// actors share it: one pool per run of vigil, made by the session
// supervisor, so a stuck incarnation that still holds memory keeps counting
// against the budget after a reconnect. Every channel takes from it through
// its own memory_account; the actors run on different threads, so the pool
// is a lock-free counter.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "protocol/memory_budget.hpp"

namespace vigil {

class session_memory_pool final : public protocol::memory_pool {
public:
  explicit session_memory_pool(std::uint64_t limit) : limit_(limit) {}
  bool take(std::uint64_t bytes) override;
  void give_back(std::uint64_t bytes) override;
  std::uint64_t limit() const override { return limit_; }
  std::uint64_t in_use() const override { return in_use_.load(std::memory_order_relaxed); }
  std::uint64_t peak() const override { return peak_.load(std::memory_order_relaxed); }
  std::uint64_t refusals() const override { return refusals_.load(std::memory_order_relaxed); }

private:
  const std::uint64_t limit_;
  std::atomic<std::uint64_t> in_use_{0};
  std::atomic<std::uint64_t> peak_{0};
  std::atomic<std::uint64_t> refusals_{0};
};


}  // namespace vigil
