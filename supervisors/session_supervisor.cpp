#include "supervisors/session_supervisor.hpp"

#include <random>

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/agent_events.hpp"
#include "actors/bounded_edge.hpp"
#include "actors/input_events.hpp"
#include "actors/messages.hpp"
#include "actors/renderer.hpp"
#include "common/log.hpp"
#include "supervisors/channel_supervisor.hpp"
#include "supervisors/fault_log.hpp"

namespace vigil {

namespace {

using heartbeat_tick_atom = caf::atom_constant<caf::atom("shbtick")>;
using reconnect_atom = caf::atom_constant<caf::atom("reconnect")>;
using stable_check_atom = caf::atom_constant<caf::atom("sstable")>;

struct session_supervisor_state {
  session_options options;
  caf::actor observer;
  std::shared_ptr<spdlog::logger> log;
  caf::actor session;
  caf::actor channel_supervisor;  // the current session's, spawned with it
  unsigned generation = 0;  // one per session spawned; stale messages are ignored
  std::string phase = "connecting";
  bool ever_up = false;
  bool heartbeat_outstanding = false;
  bool finished = false;
  std::uint32_t reconnects = 0;
  std::string last_fault;
  backoff reconnect_backoff{backoff_policy{}};
  backoff wait_backoff{backoff_policy{}};  // --wait: the reconnect policy without its attempt limit
  std::mt19937_64 random{std::random_device{}()};
  bounded_edge agent_edge{"supervisor->window agent events", edge_ids::viewer_agent_events, 16,
                          overflow_policy::fault};
  static inline const char* name = "session_supervisor";
};

using supervisor_actor = caf::stateful_actor<session_supervisor_state>;

// `status` is what a person sees (the window's banner), e.g.
// "Reconnecting in 4.1 s (attempt 3/8)".
void set_phase(supervisor_actor* self, const std::string& phase, const std::string& status,
               const std::string& why = {}) {
  auto& state = self->state;
  if (state.phase == phase)
    return;
  log_transition(*state.log, state.options.supervision.log_transitions, "session", state.phase, phase, why);
  state.phase = phase;
  self->send(state.observer, session_status_atom::value, phase, status);
}

void start_session(supervisor_actor* self) {
  auto& state = self->state;
  ++state.generation;
  state.heartbeat_outstanding = false;
  state.channel_supervisor = spawn_channel_supervisor(self->system(), state.options.supervision);
  state.session =
    spawn_session(self->system(), state.options, state.channel_supervisor, caf::actor_cast<caf::actor>(self));
  self->monitor(state.session);
  if (state.phase != "waiting")  // --wait: the banner keeps saying what it waits for
    set_phase(self, "connecting", "Connecting to " + state.options.uri);
}

void discard_session(supervisor_actor* self) {
  auto& state = self->state;
  if (!state.session)
    return;
  self->demonitor(state.session);
  self->send(state.session, shutdown_atom::value);
  // A stuck session cannot read its shutdown; this ends it (and, by link, its supervisor and channels) anyway.
  self->send_exit(state.session, caf::exit_reason::kill);
  // And its channel supervisor, in case the session died before it linked to it.
  self->send_exit(state.channel_supervisor, caf::exit_reason::kill);
  state.session = nullptr;
  state.channel_supervisor = nullptr;
}

void finish(supervisor_actor* self, session_end end) {
  auto& state = self->state;
  if (state.finished)
    return;
  state.finished = true;
  set_phase(self, "failed", "Disconnected: " + end.reason, end.reason);
  end.was_up = state.ever_up;
  self->send(state.observer, session_ended_atom::value, std::move(end));
}

// "HOST:PORT" (or the socket's path) the session dials first, for "waiting for ...".
std::string server_address(const connection_settings& connection) {
  if (!connection.unix_path.empty())
    return connection.unix_path;
  auto host = connection.host.find(':') != std::string::npos && !connection.proxy ? "[" + connection.host + "]"
                                                                                  : connection.host;
  return host + ":" + std::to_string(connection.plain_port ? connection.plain_port : connection.tls_port);
}

// --wait: the server is not up yet; try again with the reconnect backoff
// (no attempt limit: waiting is what the user asked for).
void wait_for_server(supervisor_actor* self, const channel_failure& failure) {
  auto& state = self->state;
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  auto delay = *state.wait_backoff.next_delay(uniform(state.random));
  auto where = server_address(state.options.connection);
  std::string plan = "wait for the server (attempt " + std::to_string(state.wait_backoff.attempts()) + ", next in " +
                     seconds_text(delay) + ")";
  log_fault(*state.log, "session", failure, plan);
  auto status = "Waiting for " + where + " (attempt " + std::to_string(state.wait_backoff.attempts()) + ", next in " +
                seconds_text(delay) + ")";
  if (state.phase == "waiting")  // the banner's text changes with every attempt
    self->send(state.observer, session_status_atom::value, state.phase, status);
  else
    set_phase(self, "waiting", status, plan);
  self->delayed_send(self, delay, reconnect_atom::value, state.generation);
}

void on_session_failed(supervisor_actor* self, session_end end) {
  auto& state = self->state;
  const auto& failure = end.failure.front();
  // A ticket that worked once and is refused now has expired (Proxmox and
  // oVirt hand out short-lived ones): more attempts would only be refused too.
  if (state.ever_up && failure.kind == failure_kind::auth_failed)
    end.reason = "the server refused the ticket; it may have expired: open a new console file (" + end.reason + ")";
  state.last_fault = std::string(to_string(failure.kind)) + ": " + end.reason;
  discard_session(self);
  if (!state.ever_up && state.options.supervision.wait_for_server && failure.kind == failure_kind::connect_failed) {
    wait_for_server(self, failure);
    return;
  }
  if (!state.ever_up) {
    log_fault(*state.log, "session", failure, "give up: the first connection failed, there is nothing to recover");
    finish(self, std::move(end));
    return;
  }
  if (is_permanent(failure.kind)) {
    log_fault(*state.log, "session", failure, "give up: another attempt cannot fix this");
    finish(self, std::move(end));
    return;
  }
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  auto delay = state.reconnect_backoff.next_delay(uniform(state.random));
  if (!delay) {
    auto attempts = state.reconnect_backoff.policy().max_attempts;
    log_fault(*state.log, "session", failure, "give up after " + std::to_string(attempts) + " reconnect attempts");
    end.reason = "gave up after " + std::to_string(attempts) + " reconnect attempts; last: " + end.reason;
    finish(self, std::move(end));
    return;
  }
  auto nominal = backoff::nominal_delay(state.reconnect_backoff.policy(), state.reconnect_backoff.attempts());
  std::string plan = "reconnect (attempt " + std::to_string(state.reconnect_backoff.attempts()) + "/" +
                     attempts_text(state.reconnect_backoff.policy().max_attempts) + ", in " + seconds_text(*delay) +
                     "; nominal " + seconds_text(nominal) + ")";
  log_fault(*state.log, "session", failure, plan);
  set_phase(self, "reconnecting",
            "Reconnecting in " + seconds_text(*delay) + " (attempt " +
              std::to_string(state.reconnect_backoff.attempts()) + "/" +
              attempts_text(state.reconnect_backoff.policy().max_attempts) + "): " + to_string(failure.kind),
            plan);
  self->delayed_send(self, *delay, reconnect_atom::value, state.generation);
}

void send_heartbeat(supervisor_actor* self) {
  auto& state = self->state;
  const auto& watchdog = state.options.supervision.watchdog;
  self->delayed_send(self, watchdog.heartbeat_interval, heartbeat_tick_atom::value);
  if (!state.session || state.heartbeat_outstanding || state.finished)
    return;
  state.heartbeat_outstanding = true;
  auto generation = state.generation;
  self->request(state.session, watchdog.heartbeat_deadline, heartbeat_atom::value)
    .then(
      [self, generation](std::size_t mailbox_depth) {
        auto& state = self->state;
        if (generation != state.generation)
          return;
        state.heartbeat_outstanding = false;
        auto bound = state.options.supervision.watchdog.mailbox_bound;
        if (mailbox_depth > bound)
          on_session_failed(self, session_end{true,
                                              {channel_failure{failure_kind::mailbox_over_bound,
                                                               "session mailbox " + std::to_string(mailbox_depth) +
                                                                 " exceeds the bound of " + std::to_string(bound)}},
                                              "session mailbox over bound"});
      },
      [self, generation](const caf::error&) {
        auto& state = self->state;
        if (generation != state.generation || !state.session)
          return;
        state.heartbeat_outstanding = false;
        auto deadline = seconds_text(state.options.supervision.watchdog.heartbeat_deadline);
        on_session_failed(self, session_end{true,
                                            {channel_failure{failure_kind::stuck,
                                                             "session orchestrator gave no heartbeat reply within " +
                                                               deadline}},
                                            "session orchestrator stuck"});
      });
}

// The audio sink's part of the snapshot; without an answer the snapshot goes out without it.
void add_audio_health(supervisor_actor* self, caf::response_promise promise, session_health health) {
  self->request(self->state.options.audio, self->state.options.health_deadline, health_atom::value)
    .then(
      [promise, health](const audio_health& audio) mutable {
        health.audio = audio;
        promise.deliver(health);
      },
      [promise, health](const caf::error&) mutable { promise.deliver(health); });
}

caf::behavior session_supervisor(supervisor_actor* self, session_options options, caf::actor observer) {
  auto& state = self->state;
  state.options = std::move(options);
  state.observer = std::move(observer);
  state.log = named_logger("supervisor");
  state.reconnect_backoff = backoff{state.options.supervision.reconnect};
  auto wait_policy = state.options.supervision.reconnect;
  wait_policy.max_attempts = 0;
  state.wait_backoff = backoff{wait_policy};
  state.agent_edge.connect(state.observer);
  // One renderer for the whole run: the last good frame survives reconnects.
  // The window brings its own (it subscribes before the session starts).
  if (!state.options.renderer)
    state.options.renderer = spawn_renderer(self->system(), state.options.debug.renderer_delay_per_frame);
  self->link_to(state.options.renderer);
  // One audio sink too: the jitter buffer and the WAV dump span reconnects.
  if (!state.options.audio)
    state.options.audio = spawn_audio_sink(self->system(), state.options.audio_sink);
  self->link_to(state.options.audio);
  self->set_down_handler([self](const caf::down_msg& down) {
    auto& state = self->state;
    if (state.session && down.source == state.session.address())
      on_session_failed(self, session_end{true,
                                          {channel_failure{failure_kind::stuck, "session orchestrator terminated: " +
                                                                                  self->system().render(down.reason)}},
                                          "session orchestrator terminated"});
  });
  start_session(self);
  send_heartbeat(self);
  return {
    [self](session_up_atom) {
      auto& state = self->state;
      if (self->current_sender() != state.session.address())
        return;
      state.ever_up = true;
      set_phase(self, "up", "Connected");
      self->send(state.observer, session_up_atom::value);
      self->delayed_send(self, state.reconnect_backoff.policy().stable_after, stable_check_atom::value,
                         state.generation);
    },
    [self](mouse_mode_atom atom, std::uint16_t mode) {
      if (self->current_sender() == self->state.session.address())
        self->send(self->state.observer, atom, mode);
    },
    [self](stable_check_atom, unsigned generation) {
      auto& state = self->state;
      if (generation == state.generation && state.phase == "up")
        state.reconnect_backoff.reset();  // flap guard passed: this session is stable
    },
    [self](session_ended_atom, session_end end) {
      auto& state = self->state;
      if (self->current_sender() != state.session.address())
        return;  // a discarded session saying goodbye
      if (end.failure.empty()) {
        finish(self, std::move(end));
        return;
      }
      on_session_failed(self, std::move(end));
    },
    [self](reconnect_atom, unsigned generation) {
      auto& state = self->state;
      if (generation != state.generation || state.finished)
        return;
      if (state.ever_up)  // waiting for a server that was never up is not a reconnect
        ++state.reconnects;
      start_session(self);
    },
    [self](reconnect_now_atom) {
      auto& state = self->state;
      if (state.finished)
        return;
      state.log->info("reconnecting now, as the user asked (the session was {})", state.phase);
      discard_session(self);
      if (state.ever_up)
        ++state.reconnects;
      start_session(self);  // a new generation: a backoff's pending reconnect is void
    },
    [self](heartbeat_tick_atom) { send_heartbeat(self); },
    [self](input_atom atom, const caf::message& event) {
      if (self->state.session && self->state.phase == "up")
        self->send(self->state.session, atom, event);
    },
    // Not only while "up": the agent speaks right after INIT, before the
    // other channels have linked, and the window answers at once.
    [self](agent_atom atom, const caf::message& event) {
      if (self->state.session)
        self->send(self->state.session, atom, event);
    },
    [self](agent_event_atom atom, const caf::message& event) {
      auto& state = self->state;
      if (self->current_sender() != state.session.address())
        return;
      if (!state.agent_edge.send_values(self, atom, event))
        state.log->warn("agent event refused: the window has {} unacknowledged agent events",
                        state.agent_edge.capacity());
    },
    [self](edge_ack_atom, std::uint32_t edge, std::uint32_t count) {
      if (edge == edge_ids::viewer_agent_events)
        self->state.agent_edge.on_ack(self, count);
    },
    [self](health_atom atom) {
      auto promise = self->make_response_promise();
      auto& state = self->state;
      session_health fallback;
      fallback.state = state.phase;
      fallback.uri = state.options.uri;
      fallback.reconnects = state.reconnects;
      fallback.last_fault = state.last_fault;
      if (!state.session) {
        promise.deliver(fallback);
        return promise;
      }
      self->request(state.session, 2 * state.options.health_deadline, atom)
        .then(
          [self, promise](session_health health) mutable {
            auto& state = self->state;
            if (state.phase != "up")
              health.state = state.phase;
            health.reconnects = state.reconnects;
            health.last_fault = state.last_fault;
            self->request(state.options.renderer, state.options.health_deadline, health_atom::value)
              .then(
                [self, promise, health](const renderer_health& rendered) mutable {
                  health.frames_rendered = rendered.frames_rendered;
                  health.frames_coalesced = rendered.frames_coalesced;
                  add_audio_health(self, std::move(promise), std::move(health));
                },
                [self, promise, health](const caf::error&) mutable {
                  add_audio_health(self, std::move(promise), std::move(health));
                });
          },
          [promise, fallback](const caf::error&) mutable {
            fallback.state += " (session did not answer)";
            promise.deliver(fallback);
          });
      return promise;
    },
    [self](dump_primary_atom atom, const std::string& path) {
      auto promise = self->make_response_promise();
      if (!self->state.session) {
        promise.deliver(std::string("no session"));
        return promise;
      }
      self->request(self->state.session, 2 * self->state.options.health_deadline, atom, path)
        .then([promise](const std::string& error) mutable { promise.deliver(error); },
              [promise](const caf::error& error) mutable { promise.deliver("session did not answer: " + to_string(error)); });
      return promise;
    },
    [self](shutdown_atom) {
      auto& state = self->state;
      if (state.session)
        self->send(state.session, shutdown_atom::value);
      self->send(state.options.renderer, shutdown_atom::value);
      self->send(state.options.audio, shutdown_atom::value);
      state.finished = true;
      self->quit();
    },
  };
}

}  // namespace

caf::actor spawn_session_supervisor(caf::actor_system& system, session_options options, caf::actor observer) {
  return system.spawn(session_supervisor, std::move(options), std::move(observer));
}

}  // namespace vigil
