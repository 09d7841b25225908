#include "supervisors/fault_log.hpp"

#include <cstdio>

namespace vigil {

void log_fault(spdlog::logger& log, const std::string& actor, const channel_failure& failure,
               const std::string& action) {
  log.warn("fault {} {}: {}; action: {}", actor, to_string(failure.kind), failure.message, action);
}

void log_transition(spdlog::logger& log, bool prominent, const std::string& actor, const std::string& from,
                    const std::string& to, const std::string& why) {
  auto level = prominent ? spdlog::level::info : spdlog::level::debug;
  if (why.empty())
    log.log(level, "{} {} -> {}", actor, from, to);
  else
    log.log(level, "{} {} -> {} ({})", actor, from, to, why);
}

std::string seconds_text(std::chrono::milliseconds duration) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.2f s", static_cast<double>(duration.count()) / 1000.0);
  return text;
}

std::string attempts_text(unsigned max_attempts) {
  return max_attempts == 0 ? "unlimited" : std::to_string(max_attempts);
}

}  // namespace vigil
