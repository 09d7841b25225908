#include "ui/session_runner.hpp"

#include <poll.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <iostream>

#include <caf/message_handler.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/agent_events.hpp"
#include "actors/bounded_edge.hpp"
#include "actors/frontend.hpp"
#include "actors/messages.hpp"
#include "common/log.hpp"
#include "supervisors/session_supervisor.hpp"
#include "ui/exit_codes.hpp"
#include "ui/ui_inbox.hpp"

namespace vigil {

namespace {

using clock = std::chrono::steady_clock;

}  // namespace

exit_status status_of(const session_end& end) {
  if (end.failure.empty())
    return {exit_codes::ok, end.reason};
  switch (end.failure.front().kind) {
    case failure_kind::auth_failed:
      return {exit_codes::auth_failed, end.reason, end.failure.front().sasl, end.ticket_expired};
    case failure_kind::protocol_error:
    case failure_kind::protocol_violation:
      return {exit_codes::protocol_error, end.reason};
    default:
      return {end.was_up ? exit_codes::session_lost : exit_codes::connect_failed, end.reason};
  }
}

namespace {

session_health ask_health(caf::scoped_actor& self, const session_supervisor_actor& supervisor,
                          const session_run& run, spdlog::logger& log) {
  session_health health;
  self->request(supervisor, run.session.health_deadline * 4, health_atom::value)
    .receive([&](const session_health& answered) { health = answered; },
             [&](const caf::error& error) {
               health.state = session_phase::failed;
               health.unanswered.push_back("session supervisor");
               health.uri = run.session.uri;
               log.error("the session supervisor did not answer the health request: {}",
                         self->system().render(error));
             });
  return health;
}

void dump_primary(caf::scoped_actor& self, const session_supervisor_actor& supervisor, const session_run& run,
                  spdlog::logger& log) {
  self->request(supervisor, run.session.health_deadline * 4, dump_primary_atom::value, run.dump_primary_path)
    .receive(
      [&](const std::string& error) {
        if (error.empty())
          log.info("primary surface written to {}", run.dump_primary_path);
        else
          log.error("could not write the primary surface to {}: {}", run.dump_primary_path, error);
      },
      [&](const caf::error& error) { log.error("primary surface dump failed: {}", self->system().render(error)); });
}

// Sleeps until a descriptor is readable or `deadline` passes (none: no
// limit); returns the readable ones.
readable_fds wait_for_input(const std::vector<int>& fds, std::optional<clock::time_point> deadline) {
  std::vector<pollfd> polled;
  for (int fd : fds)
    if (fd >= 0)
      polled.push_back(pollfd{fd, POLLIN, 0});
  int timeout_ms = -1;
  if (deadline) {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline - clock::now()).count();
    timeout_ms = static_cast<int>(std::clamp<long long>(left, 0, 24LL * 3600 * 1000));
  }
  readable_fds readable;
  if (::poll(polled.data(), polled.size(), timeout_ms) <= 0)  // EINTR: a signal, look at the flags
    return readable;
  for (const pollfd& p : polled)
    if (p.revents != 0)  // POLLHUP and POLLERR too: the read finds the error
      readable.fds.push_back(p.fd);
  return readable;
}

}  // namespace

exit_status run_session(caf::actor_system& system, session_run run, run_signals& signals,
                        session_frontend* frontend) {
  auto log = named_logger(frontend ? "viewer" : "headless");
  caf::scoped_actor self{system};
  ui_inbox inbox{system};
  signals.wake_fd = inbox.wake_fd();
  guest_link guest{inbox.address()};
  if (frontend)
    frontend->attach(self, inbox.address(), run.session);
  // The inbox is the frontend the channels and the supervisor talk to.
  run.session.frontend = caf::actor_cast<frontend_actor>(inbox.address());
  auto supervisor =
    spawn_session_supervisor(system, run.session, caf::actor_cast<session_observer>(inbox.address()));
  if (frontend)
    frontend->connect(guest, supervisor);
  auto started = clock::now();
  std::optional<clock::time_point> ends;
  if (run.duration_s)
    ends = started + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(*run.duration_s));
  bool up = false;
  bool duration_elapsed = false;
  std::optional<exit_status> status;
  // By the last sleep: what the frontend's pump may read. The inbox is read
  // only when its eventfd is among them (and before the first sleep): a read
  // that finds the counter at zero is a system call for nothing.
  readable_fds readable{{inbox.wake_fd()}};
  caf::actor sender;  // of the message being handled: acknowledgements go back to it
  caf::message_handler from_actors{
    [&](session_up_atom, const std::string& vm_name) {
      up = true;
      if (frontend)
        frontend->show_vm_name(vm_name);
    },
    [&](session_status_atom, session_phase phase, const std::string& text) {
      up = phase == session_phase::up;
      log->debug("session status: {}", text);
      if (frontend)
        frontend->show_status(phase, text);
    },
    [&](session_ended_atom, const session_end& end) { status = status_of(end); },
    [&](screen_update_atom, const screen_update& update) {
      if (frontend)
        frontend->show_update(self, update);
    },
    [&](mouse_mode_atom, std::uint16_t mode) {
      if (frontend)
        frontend->set_mouse_mode(mode);
      acknowledge_edge(self.ptr(), sender, edge_ids::mouse_mode);
    },
    [&](const session_health& health) {
      if (frontend)
        frontend->show_health(health);
    },
    [&](agent_event_atom, const agent_event& event) {
      // Acknowledged once handled: main holds at most 16 for us.
      if (frontend)
        frontend->on_agent_event(self, event);
      acknowledge_edge(self.ptr(), sender, edge_ids::agent_events);
    },
    [&](inputs_channel_atom, const inputs_actor& channel) { guest.inputs_channel_up(channel); },
    [&](agent_channel_atom, const agent_actor& channel) { guest.agent_channel_up(channel); },
    [&](edge_ack_atom, std::uint32_t edge, std::uint32_t count) {
      guest.on_ack(self.ptr(), sender.address(), edge, count);
    },
  };
  while (!status) {
    std::deque<ui_inbox::delivery> delivered;
    if (readable.has(inbox.wake_fd()))
      delivered = inbox.take();
    for (auto& delivery : delivered) {
      sender = caf::actor_cast<caf::actor>(delivery.sender);
      from_actors(delivery.content);
      if (status)
        break;
    }
    if (status)
      break;
    bool snapshot_wanted = signals.snapshot_requested.exchange(false);
    if (frontend)
      status = frontend->pump(self, snapshot_wanted, readable);
    if (snapshot_wanted)
      std::cout << health_snapshot_json(ask_health(self, supervisor, run, *log), std::nullopt) << std::endl;
    if (status)
      break;
    if (signals.stop_requested.load()) {
      status = exit_status{exit_codes::ok, "interrupted by signal"};
    } else if (ends && clock::now() >= *ends) {
      duration_elapsed = true;
      status = exit_status{exit_codes::connect_failed, "session was not up when the duration elapsed"};
      if (up)
        status = exit_status{exit_codes::ok, "duration elapsed"};
    }
    if (status)
      break;
    std::vector<int> fds{inbox.wake_fd()};
    std::optional<clock::time_point> deadline = ends;
    if (frontend) {
      for (int fd : frontend->event_fds())
        fds.push_back(fd);
      if (auto due = frontend->next_pump())
        deadline = deadline ? std::min(*deadline, *due) : *due;
    }
    readable = wait_for_input(fds, deadline);
  }
  signals.wake_fd = -1;
  auto health = ask_health(self, supervisor, run, *log);
  if (status->code == exit_codes::ok && duration_elapsed && health.reconnects > 0)
    status = exit_status{exit_codes::recovered, "duration elapsed; the session was reconnected " +
                                                  std::to_string(health.reconnects) + " time(s)"};
  if (status->code != exit_codes::ok)
    log->error("exiting with code {}: {}", status->code, status->reason);
  else
    log->info("exiting: {}", status->reason);
  if (!run.dump_primary_path.empty())
    dump_primary(self, supervisor, run, *log);
  std::cout << health_snapshot_json(health, *status) << std::endl;
  self->send(supervisor, shutdown_atom::value);
  return *status;
}

}  // namespace vigil
