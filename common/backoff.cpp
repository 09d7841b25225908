#include "common/backoff.hpp"

#include <algorithm>
#include <cmath>

namespace vigil {

std::chrono::milliseconds backoff::nominal_delay(const backoff_policy& policy, unsigned attempt) {
  double delay = static_cast<double>(policy.initial_delay.count()) *
                 std::pow(policy.multiplier, static_cast<double>(attempt > 0 ? attempt - 1 : 0));
  delay = std::min(delay, static_cast<double>(policy.max_delay.count()));
  return std::chrono::milliseconds(static_cast<long long>(delay));
}

std::optional<std::chrono::milliseconds> backoff::next_delay(double uniform_sample) {
  if (policy_.max_attempts != 0 && attempts_ >= policy_.max_attempts)
    return std::nullopt;
  ++attempts_;
  double nominal = static_cast<double>(nominal_delay(policy_, attempts_).count());
  double jitter = std::clamp(policy_.jitter, 0.0, 1.0);
  double factor = 1.0 + jitter * (2.0 * std::clamp(uniform_sample, 0.0, 1.0) - 1.0);
  return std::chrono::milliseconds(static_cast<long long>(std::llround(nominal * factor)));
}

}  // namespace vigil
