#include "protocol/memory_budget.hpp"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <utility>

namespace vigil::protocol {

struct memory_account::ledger {
  std::shared_ptr<memory_pool> pool;
  std::string owner;
  std::uint64_t held = 0;
  std::uint64_t peak = 0;
  std::uint64_t refusals = 0;
  std::string last_refusal;

  void give_back(std::uint64_t bytes) {
    held -= bytes;
    pool->give_back(bytes);
  }
};

bool fixed_memory_pool::take(std::uint64_t bytes) {
  if (bytes > limit_ - in_use_) {
    ++refusals_;
    return false;
  }
  in_use_ += bytes;
  peak_ = std::max(peak_, in_use_);
  return true;
}

memory_account::memory_account()
    : memory_account(std::make_shared<fixed_memory_pool>(std::numeric_limits<std::uint64_t>::max()), "unbudgeted") {}

memory_account::memory_account(std::shared_ptr<memory_pool> pool, std::string owner)
    : ledger_(std::make_shared<ledger>()) {
  ledger_->pool = std::move(pool);
  ledger_->owner = std::move(owner);
}

result<memory_charge> memory_account::charge(std::uint64_t bytes, const std::string& what) const {
  if (bytes == 0)
    return memory_charge{};
  if (!ledger_->pool->take(bytes)) {
    ++ledger_->refusals;
    ledger_->last_refusal = what + ": " + byte_size_text(bytes) + " would exceed the session's memory budget (" +
                            byte_size_text(ledger_->pool->in_use()) + " of " +
                            byte_size_text(ledger_->pool->limit()) + " in use; " + ledger_->owner + " holds " +
                            byte_size_text(ledger_->held) + ")";
    return parse_error{ledger_->last_refusal, true};
  }
  ledger_->held += bytes;
  ledger_->peak = std::max(ledger_->peak, ledger_->held);
  return memory_charge{ledger_, bytes};
}

std::optional<parse_error> memory_account::resize(memory_charge& held, std::uint64_t bytes,
                                                  const std::string& what) const {
  if (bytes <= held.bytes()) {
    held.shrink_to(bytes);
    return std::nullopt;
  }
  auto more = charge(bytes - held.bytes(), what);
  if (!more)
    return more.error();
  more->ledger_.reset();  // its bytes move into `held`
  held.ledger_ = ledger_;
  held.bytes_ += std::exchange(more->bytes_, 0);
  return std::nullopt;
}

std::uint64_t memory_account::held() const { return ledger_->held; }
std::uint64_t memory_account::peak() const { return ledger_->peak; }
std::uint64_t memory_account::refusals() const { return ledger_->refusals; }
const std::string& memory_account::last_refusal() const { return ledger_->last_refusal; }
std::uint64_t memory_account::pool_in_use() const { return ledger_->pool->in_use(); }
std::uint64_t memory_account::pool_limit() const { return ledger_->pool->limit(); }

memory_charge::memory_charge(memory_charge&& other) noexcept
    : ledger_(std::move(other.ledger_)), bytes_(other.bytes_) {
  other.bytes_ = 0;
}

memory_charge& memory_charge::operator=(memory_charge&& other) noexcept {
  if (this != &other) {
    release();
    ledger_ = std::move(other.ledger_);
    bytes_ = other.bytes_;
    other.bytes_ = 0;
  }
  return *this;
}

void memory_charge::shrink_to(std::uint64_t bytes) {
  if (bytes >= bytes_ || !ledger_)
    return;
  ledger_->give_back(bytes_ - bytes);
  bytes_ = bytes;
}

std::string byte_size_text(std::uint64_t bytes) {
  char text[32];
  if (bytes < 1024)
    std::snprintf(text, sizeof text, "%llu bytes", static_cast<unsigned long long>(bytes));
  else if (bytes < (1u << 20))
    std::snprintf(text, sizeof text, "%.1f KiB", static_cast<double>(bytes) / 1024);
  else if (bytes < (std::uint64_t{1} << 30))
    std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
  else
    std::snprintf(text, sizeof text, "%.2f GiB", static_cast<double>(bytes) / (std::uint64_t{1} << 30));
  return text;
}

parse_error over_cap(const std::string& what, std::uint64_t bytes, std::uint64_t cap, const char* cap_name) {
  return parse_error{what + ": " + byte_size_text(bytes) + " is over " + cap_name + " (" + byte_size_text(cap) + ")",
                     true};
}

}  // namespace vigil::protocol
