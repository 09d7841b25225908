// Runs a supervised session with no window: waits for it to give up, for
// --duration to pass, or for SIGINT/SIGTERM; prints the health snapshot as one
// JSON line on stdout on SIGUSR1 and at exit; shuts the session down and
// returns the exit status.
#pragma once

#include <atomic>
#include <optional>
#include <string>

#include <caf/actor_system.hpp>

#include "actors/session.hpp"
#include "supervisors/health_snapshot.hpp"

namespace vigil {

struct headless_signals {
  std::atomic<bool> stop_requested{false};
  std::atomic<bool> snapshot_requested{false};
};

struct headless_run {
  session_options session;
  std::optional<double> duration_s;
  std::string dump_primary_path;
};

exit_status run_headless(caf::actor_system& system, const headless_run& run, headless_signals& signals);

}  // namespace vigil
