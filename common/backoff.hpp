// Exponential backoff with jitter, a cap, a maximum number of attempts and a
// flap guard. Pure: the caller supplies the random sample and decides when a
// connection counts as stable.
//
// Attempt n (1-based) waits nominal(n) = min(max_delay, initial_delay x multiplier^(n-1)),
// scaled by a uniform factor in [1 - jitter, 1 + jitter]. The attempt count
// only resets once a connection has stayed up for `stable_after` (the flap
// guard): a session that dies right after connecting keeps backing off.
#pragma once

#include <chrono>
#include <optional>

namespace vigil {

struct backoff_policy {
  std::chrono::milliseconds initial_delay{500};
  double multiplier = 2.0;
  std::chrono::milliseconds max_delay{30000};
  double jitter = 0.2;        // fraction, 0..1
  unsigned max_attempts = 8;  // 0: never give up
  std::chrono::milliseconds stable_after{30000};
};

class backoff {
public:
  explicit backoff(backoff_policy policy) : policy_(policy) {}

  // The delay before the next attempt, given a uniform sample in [0, 1);
  // std::nullopt once max_attempts have been used.
  std::optional<std::chrono::milliseconds> next_delay(double uniform_sample);

  // The connection stayed up for stable_after: start counting from 1 again.
  void reset() { attempts_ = 0; }

  unsigned attempts() const { return attempts_; }
  const backoff_policy& policy() const { return policy_; }

  static std::chrono::milliseconds nominal_delay(const backoff_policy& policy, unsigned attempt);

private:
  backoff_policy policy_;
  unsigned attempts_ = 0;
};

}  // namespace vigil
