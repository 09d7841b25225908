// Waiting on a condition instead of sleeping a fixed time: tests poll what
// they need (a log line, a port, a snapshot field, an X property) until it
// holds or a generous deadline passes, so they are quick on an idle machine
// and still pass on a loaded 2-core one.
#pragma once

#include <chrono>
#include <thread>

namespace vigil::test_support {

// Polls `condition` every `period` until it returns true or `limit` has
// passed; returns its last value (checked once more at the deadline).
template <class Condition>
bool wait_until(Condition condition, std::chrono::milliseconds limit,
                std::chrono::milliseconds period = std::chrono::milliseconds(50)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline)
      return condition();
    std::this_thread::sleep_for(period);
  }
  return true;
}

// Seconds from `since` to now, for failure messages and measured figures.
inline double seconds_since(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace vigil::test_support
