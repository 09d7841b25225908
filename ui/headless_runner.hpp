// Runs a session with no window: waits for it to end, for --duration to pass,
// or for SIGINT/SIGTERM; then prints the health snapshot as one JSON line on
// stdout, shuts the session down and returns the exit status.
#pragma once

#include <atomic>
#include <optional>

#include <caf/actor_system.hpp>

#include "actors/session.hpp"
#include "supervisors/health_snapshot.hpp"

namespace vigil {

exit_status run_headless(caf::actor_system& system, const session_options& options,
                         std::optional<double> duration_s, const std::atomic<bool>& stop_requested);

}  // namespace vigil
