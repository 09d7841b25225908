// The supervisors' log lines, in one format so a person (or grep) can follow them:
//   fault display:0 stuck: no heartbeat reply within 1.00 s (deadline 1.00 s)...; action: restart channel (attempt 1/5, in 0.21 s)
//   display:0 up -> restarting (stuck; restart channel (attempt 1/5, in 0.21 s))
#pragma once

#include <chrono>
#include <string>

#include <spdlog/logger.h>

#include "actors/channel_health.hpp"

namespace vigil {

void log_fault(spdlog::logger& log, const std::string& actor, const channel_failure& failure,
               const std::string& action);

// Transitions are info with --log-supervisor, debug otherwise.
void log_transition(spdlog::logger& log, bool prominent, const std::string& actor, const std::string& from,
                    const std::string& to, const std::string& why);

std::string seconds_text(std::chrono::milliseconds duration);  // "0.21 s"
std::string attempts_text(unsigned max_attempts);              // "8" or "unlimited"

}  // namespace vigil
