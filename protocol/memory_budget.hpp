// The memory a server can make the client hold, counted before it is
// allocated. A session has one budget (a memory_pool: every channel draws
// from it) and a few per-object caps (memory_limits); each owner (a channel)
// keeps a memory_account of what it holds. Whatever a server asks for (a
// surface, a decoded image, a cache entry, a message being reassembled) is
// charged first: the charge either fits, and is given back when the memory
// goes, or is refused with an error that names what was asked, and the
// caller gives up the operation (the channel fails with the fault
// memory_budget). Nothing here allocates the memory itself or knows threads:
// the session's pool, shared across channel actors, is actors/session_memory.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "protocol/result.hpp"

namespace vigil::protocol {

// The [memory] settings. Defaults: config/vigil.toml.
struct memory_limits {
  std::uint64_t session_bytes = std::uint64_t{1} << 30;  // everything every channel of a session holds
  std::uint64_t max_surface_bytes = 256u << 20;          // one surface or one decoded image (4 bytes a pixel)
  std::uint32_t max_surfaces = 1024;                     // live surfaces per display channel (QEMU's qxl default)
};

// What a session's owners draw from.
class memory_pool {
public:
  virtual ~memory_pool() = default;
  // Takes `bytes` if the pool stays within its limit; false leaves it unchanged.
  virtual bool take(std::uint64_t bytes) = 0;
  virtual void give_back(std::uint64_t bytes) = 0;
  virtual std::uint64_t limit() const = 0;
  virtual std::uint64_t in_use() const = 0;
  virtual std::uint64_t peak() const = 0;      // the most in use at once
  virtual std::uint64_t refusals() const = 0;  // takes refused
};

// A pool for one thread: the tests, the fuzzers and owners that share nothing.
class fixed_memory_pool final : public memory_pool {
public:
  explicit fixed_memory_pool(std::uint64_t limit) : limit_(limit) {}
  bool take(std::uint64_t bytes) override;
  void give_back(std::uint64_t bytes) override { in_use_ -= bytes <= in_use_ ? bytes : in_use_; }
  std::uint64_t limit() const override { return limit_; }
  std::uint64_t in_use() const override { return in_use_; }
  std::uint64_t peak() const override { return peak_; }
  std::uint64_t refusals() const override { return refusals_; }

private:
  std::uint64_t limit_;
  std::uint64_t in_use_ = 0;
  std::uint64_t peak_ = 0;
  std::uint64_t refusals_ = 0;
};

class memory_charge;

// What one owner holds from a pool. Copies share the same ledger, so an
// account can be handed to the parts of its owner (canvas, caches, decoder).
class memory_account {
public:
  // An account on a pool of its own without a limit: for code and tests that
  // do not care (the caps in memory_limits still apply where they are used).
  memory_account();
  memory_account(std::shared_ptr<memory_pool> pool, std::string owner);

  // Call before allocating `bytes` for `what` ("surface 3 (1024x768)"). The
  // charge gives the bytes back when it is destroyed; a refusal is an error
  // with budget_exceeded set, naming `what`, the size and the budget.
  result<memory_charge> charge(std::uint64_t bytes, const std::string& what) const;
  // Grows or shrinks `held` (a charge of this account, or empty) to `bytes`;
  // on a refusal `held` is unchanged and the error says why.
  std::optional<parse_error> resize(memory_charge& held, std::uint64_t bytes, const std::string& what) const;

  std::uint64_t held() const;
  std::uint64_t peak() const;
  std::uint64_t refusals() const;
  const std::string& last_refusal() const;
  std::uint64_t pool_in_use() const;
  std::uint64_t pool_limit() const;

  struct ledger;

private:
  std::shared_ptr<ledger> ledger_;
};

// Bytes taken from an account; given back on destruction. Move-only.
class memory_charge {
public:
  memory_charge() = default;
  memory_charge(memory_charge&& other) noexcept;
  memory_charge& operator=(memory_charge&& other) noexcept;
  memory_charge(const memory_charge&) = delete;
  memory_charge& operator=(const memory_charge&) = delete;
  ~memory_charge() { release(); }

  std::uint64_t bytes() const { return bytes_; }
  // Gives back all but `bytes` (no-op if it holds less).
  void shrink_to(std::uint64_t bytes);
  void release() { shrink_to(0); }

private:
  friend class memory_account;
  memory_charge(std::shared_ptr<memory_account::ledger> ledger, std::uint64_t bytes)
      : ledger_(std::move(ledger)), bytes_(bytes) {}
  std::shared_ptr<memory_account::ledger> ledger_;
  std::uint64_t bytes_ = 0;
};

// "1.5 MiB", "256 MiB", "512 bytes": sizes in budget errors and logs.
std::string byte_size_text(std::uint64_t bytes);

// The error for an object over its own cap (not the session budget):
// budget_exceeded, naming what was asked and the cap's key.
parse_error over_cap(const std::string& what, std::uint64_t bytes, std::uint64_t cap, const char* cap_name);

}  // namespace vigil::protocol
