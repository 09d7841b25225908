#include "ui/headless_runner.hpp"

#include <chrono>
#include <iostream>

#include <caf/scoped_actor.hpp>

#include "actors/log.hpp"
#include "actors/messages.hpp"
#include "ui/exit_codes.hpp"

namespace vigil {

namespace {

using clock = std::chrono::steady_clock;

exit_status status_of(const session_end& end) {
  if (end.failure.empty())
    return {exit_codes::ok, end.reason};
  switch (end.failure.front().kind) {
    case failure_kind::auth_failed:
      return {exit_codes::auth_failed, end.reason};
    case failure_kind::protocol_error:
      return {exit_codes::protocol_error, end.reason};
    default:
      return {end.was_up ? exit_codes::session_lost : exit_codes::connect_failed, end.reason};
  }
}

}  // namespace

exit_status run_headless(caf::actor_system& system, const session_options& options,
                         std::optional<double> duration_s, const std::atomic<bool>& stop_requested) {
  auto log = named_logger("headless");
  caf::scoped_actor self{system};
  auto session = spawn_session(system, options, self);
  auto started = clock::now();
  bool up = false;
  std::optional<exit_status> status;
  while (!status) {
    self->receive(
      [&](session_up_atom) { up = true; },
      [&](session_ended_atom, const session_end& end) { status = status_of(end); },
      caf::after(std::chrono::milliseconds(100)) >> [] {});
    if (status)
      break;
    if (stop_requested.load()) {
      status = exit_status{exit_codes::ok, "interrupted by signal"};
    } else if (duration_s && std::chrono::duration<double>(clock::now() - started).count() >= *duration_s) {
      status = up ? exit_status{exit_codes::ok, "duration elapsed"}
                  : exit_status{exit_codes::connect_failed, "session was not up when the duration elapsed"};
    }
  }
  if (status->code != exit_codes::ok)
    log->error("exiting with code {}: {}", status->code, status->reason);
  else
    log->info("exiting: {}", status->reason);

  session_health health;
  self->request(session, options.health_deadline * 2, health_atom::value)
    .receive([&](const session_health& answered) { health = answered; },
             [&](const caf::error& error) {
               health.state = "unresponsive";
               health.uri = options.uri;
               log->error("session did not answer the health request: {}", system.render(error));
             });
  std::cout << health_snapshot_json(health, *status) << std::endl;
  self->send(session, shutdown_atom::value);
  return *status;
}

}  // namespace vigil
