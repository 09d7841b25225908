#include "supervisors/session_supervisor.hpp"

#include <random>

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/messages.hpp"
#include "actors/renderer.hpp"
#include "actors/session_memory.hpp"
#include "common/log.hpp"
#include "supervisors/channel_supervisor.hpp"
#include "supervisors/fault_log.hpp"

namespace vigil {

namespace {

using heartbeat_tick_atom = caf::atom_constant<caf::atom("shbtick")>;
using reconnect_atom = caf::atom_constant<caf::atom("reconnect")>;
using stable_check_atom = caf::atom_constant<caf::atom("sstable")>;

// The frontend's interface, what its session tells it, and what it sends itself.
using session_supervisor_impl =
  session_supervisor_actor::extend_with<session_listener>::extend<caf::reacts_to<heartbeat_tick_atom>,
                                                                  caf::reacts_to<reconnect_atom, unsigned>,
                                                                  caf::reacts_to<stable_check_atom, unsigned>>;

struct session_supervisor_state {
  session_options options;
  session_observer observer;
  std::shared_ptr<spdlog::logger> log;
  session_actor session;
  channel_supervisor_actor channel_supervisor;  // the current session's, spawned with it
  unsigned generation = 0;  // one per session spawned; stale messages are ignored
  session_phase phase = session_phase::connecting;
  bool ever_up = false;
  bool heartbeat_outstanding = false;
  bool finished = false;
  std::uint32_t reconnects = 0;
  std::string last_fault;
  std::uint32_t migrations = 0;  // planned moves: never reconnects, never faults
  std::string last_migration_destination;
  std::string last_migration_mode;
  backoff reconnect_backoff{backoff_policy{}};
  backoff wait_backoff{backoff_policy{}};  // --wait: the reconnect policy without its attempt limit
  std::mt19937_64 random{std::random_device{}()};
  static inline const char* name = "session_supervisor";
};

using supervisor_actor = session_supervisor_impl::stateful_pointer<session_supervisor_state>;

// `status` is what a person sees (the window's banner), e.g.
// "Reconnecting in 4.1 s (attempt 3/8)".
void set_phase(supervisor_actor self, session_phase phase, const std::string& status, const std::string& why = {}) {
  auto& state = self->state;
  if (state.phase == phase)
    return;
  log_transition(*state.log, state.options.supervision.log_transitions, "session", to_string(state.phase),
                 to_string(phase), why);
  state.phase = phase;
  self->send(state.observer, session_status_atom::value, phase, status);
}

void start_session(supervisor_actor self) {
  auto& state = self->state;
  ++state.generation;
  state.heartbeat_outstanding = false;
  state.channel_supervisor = spawn_channel_supervisor(self->system(), state.options.supervision);
  state.session = spawn_session(self->system(), state.options, state.channel_supervisor, session_listener{self});
  self->monitor(state.session);
  if (state.phase != session_phase::waiting)  // --wait: the banner keeps saying what it waits for
    set_phase(self, session_phase::connecting, "Connecting to " + state.options.uri);
}

void discard_session(supervisor_actor self) {
  auto& state = self->state;
  if (!state.session)
    return;
  self->demonitor(state.session.address());
  self->send(state.session, shutdown_atom::value);
  // A stuck session cannot read its shutdown; this ends it (and, by link, its supervisor and channels) anyway.
  self->send_exit(state.session, caf::exit_reason::kill);
  // And its channel supervisor, in case the session died before it linked to it.
  self->send_exit(state.channel_supervisor, caf::exit_reason::kill);
  state.session = nullptr;
  state.channel_supervisor = nullptr;
}

void finish(supervisor_actor self, session_end end) {
  auto& state = self->state;
  if (state.finished)
    return;
  state.finished = true;
  set_phase(self, session_phase::failed, "Disconnected: " + end.reason, end.reason);
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
void wait_for_server(supervisor_actor self, const channel_failure& failure) {
  auto& state = self->state;
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  auto delay = *state.wait_backoff.next_delay(uniform(state.random));
  auto where = server_address(state.options.connection);
  std::string plan = "wait for the server (attempt " + std::to_string(state.wait_backoff.attempts()) + ", next in " +
                     seconds_text(delay) + ")";
  log_fault(*state.log, "session", failure, plan);
  auto status = "Waiting for " + where + " (attempt " + std::to_string(state.wait_backoff.attempts()) + ", next in " +
                seconds_text(delay) + ")";
  if (state.phase == session_phase::waiting)  // the banner's text changes with every attempt
    self->send(state.observer, session_status_atom::value, state.phase, status);
  else
    set_phase(self, session_phase::waiting, status, plan);
  self->delayed_send(self, delay, reconnect_atom::value, state.generation);
}

void on_session_failed(supervisor_actor self, session_end end) {
  auto& state = self->state;
  const auto& failure = end.failure.front();
  // A ticket that worked once and is refused now has expired (Proxmox and
  // oVirt hand out short-lived ones): more attempts would only be refused too.
  end.ticket_expired = state.ever_up && failure.kind == failure_kind::auth_failed;
  if (end.ticket_expired)
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
  set_phase(self, session_phase::reconnecting,
            "Reconnecting in " + seconds_text(*delay) + " (attempt " +
              std::to_string(state.reconnect_backoff.attempts()) + "/" +
              attempts_text(state.reconnect_backoff.policy().max_attempts) + "): " + to_string(failure.kind),
            plan);
  self->delayed_send(self, *delay, reconnect_atom::value, state.generation);
}

// A live migration is planned work: the session is on the destination (or,
// SWITCH_HOST, is relinked there at once), and every reconnect from now on
// goes there, and the logs, the window and the snapshot name it as the
// session's address. Neither a reconnect nor a fault is counted.
void on_session_migrated(supervisor_actor self, const migration_report& report) {
  auto& state = self->state;
  state.options.connection = report.destination;
  state.options.uri = report.where;
  ++state.migrations;
  state.last_migration_destination = report.where;
  state.last_migration_mode = to_string(report.mode);
  if (report.mode != migration_mode::switch_host) {
    state.log->info("session migrated ({}) to {}; reconnects go there from now on", to_string(report.mode),
                    report.where);
    return;
  }
  state.log->info("session relinks to {} (SWITCH_HOST): a planned move, not a reconnect", report.where);
  discard_session(self);
  set_phase(self, session_phase::connecting, "Moving to " + report.where, "SWITCH_HOST to " + report.where);
  start_session(self);
}

void send_heartbeat(supervisor_actor self) {
  auto& state = self->state;
  const auto& watchdog = state.options.supervision.watchdog;
  self->delayed_send(self, watchdog.heartbeat_interval, heartbeat_tick_atom::value);
  if (!state.session || state.heartbeat_outstanding || state.finished)
    return;
  state.heartbeat_outstanding = true;
  auto generation = state.generation;
  // Urgent, ahead of queued work, as the channel supervisor's probe.
  self->request<caf::message_priority::high>(state.session, caf::duration{watchdog.heartbeat_deadline},
                                             heartbeat_atom::value)
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

// One health request: the supervisor's own part, and a request to each part
// of the tree that outlives nothing it asks (session, its channel supervisor,
// renderer, audio sink), all at once. Delivered when the last one answered or
// missed its deadline.
struct health_fan_out {
  caf::typed_response_promise<session_health> promise;
  session_health health;
  session_phase supervisor_phase = session_phase::connecting;
  int waiting = 0;

  void answered() {
    if (--waiting > 0)
      return;
    // The session only knows whether it is up; reconnecting and failed are the supervisor's.
    if (supervisor_phase != session_phase::up)
      health.state = supervisor_phase;
    promise.deliver(std::move(health));
  }
  void unanswered(const char* who) {
    health.unanswered.push_back(who);
    answered();
  }
};

caf::typed_response_promise<session_health> health_of(supervisor_actor self) {
  auto& state = self->state;
  auto gather = std::make_shared<health_fan_out>();
  gather->promise = self->make_response_promise<session_health>();
  gather->supervisor_phase = state.phase;
  gather->health.state = state.phase;
  gather->health.uri = state.options.uri;
  gather->health.reconnects = state.reconnects;
  gather->health.last_fault = state.last_fault;
  gather->health.migrations = state.migrations;
  gather->health.last_migration_destination = state.last_migration_destination;
  gather->health.last_migration_mode = state.last_migration_mode;
  auto deadline = state.options.health_deadline;
  gather->waiting = 2 + (state.session ? 1 : 0) + (state.channel_supervisor ? 1 : 0);
  if (state.session)
    self->request(state.session, deadline, health_atom::value)
      .then(
        [gather](const session_health& session) {
          auto& health = gather->health;
          health.state = session.state;
          health.uptime_s = session.uptime_s;
          health.session_id = session.session_id;
          health.vm_name = session.vm_name;
          health.vm_uuid = session.vm_uuid;
          gather->answered();
        },
        [gather](const caf::error&) { gather->unanswered("session"); });
  if (state.channel_supervisor)
    self->request(state.channel_supervisor, deadline, health_atom::value)
      .then(
        [gather](std::vector<channel_health>& channels) {
          gather->health.channels = std::move(channels);
          gather->answered();
        },
        [gather](const caf::error&) { gather->unanswered("channel supervisor"); });
  self->request(state.options.renderer, deadline, health_atom::value)
    .then(
      [gather](const renderer_health& rendered) {
        gather->health.frames_rendered = rendered.frames_rendered;
        gather->health.frames_coalesced = rendered.frames_coalesced;
        gather->answered();
      },
      [gather](const caf::error&) { gather->unanswered("renderer"); });
  self->request(state.options.audio, deadline, health_atom::value)
    .then(
      [gather](const audio_health& audio) {
        gather->health.audio = audio;
        gather->answered();
      },
      [gather](const caf::error&) { gather->unanswered("audio sink"); });
  return gather->promise;
}

session_supervisor_impl::behavior_type session_supervisor(supervisor_actor self, session_options options,
                                                          session_observer observer) {
  auto& state = self->state;
  state.options = std::move(options);
  state.observer = std::move(observer);
  state.log = named_logger("supervisor");
  state.reconnect_backoff = backoff{state.options.supervision.reconnect};
  auto wait_policy = state.options.supervision.reconnect;
  wait_policy.max_attempts = 0;
  state.wait_backoff = backoff{wait_policy};
  // One renderer for the whole run: the last good frame survives reconnects.
  // The window brings its own (it subscribes before the session starts).
  if (!state.options.renderer)
    state.options.renderer = spawn_renderer(self->system(), state.options.debug.renderer_delay_per_frame);
  self->link_to(state.options.renderer);
  // One media clock for the run: main sets it, the audio sink slaves it to
  // what is heard, the display channels present video by it.
  if (!state.options.video.clock) {
    state.options.video.clock = std::make_shared<shared_media_clock>();
    if (!state.options.debug.media_trace_path.empty())
      if (auto problem = state.options.video.clock->open_trace(state.options.debug.media_trace_path); !problem.empty())
        state.log->error("{}", problem);
  }
  state.options.audio_sink.clock = state.options.video.clock;
  // One audio sink too: the jitter buffer and the WAV dump span reconnects.
  if (!state.options.audio)
    state.options.audio = spawn_audio_sink(self->system(), state.options.audio_sink);
  self->link_to(state.options.audio);
  // One memory budget for the run: a stuck incarnation's memory still counts after a reconnect.
  if (!state.options.memory)
    state.options.memory = std::make_shared<session_memory_pool>(state.options.memory_limits.session_bytes);
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
    [self](session_up_atom, const std::string& vm_name) {
      auto& state = self->state;
      if (self->current_sender() != state.session.address())
        return;
      state.ever_up = true;
      set_phase(self, session_phase::up, "Connected");
      self->send(state.observer, session_up_atom::value, vm_name);
      self->delayed_send(self, state.reconnect_backoff.policy().stable_after, stable_check_atom::value,
                         state.generation);
    },
    [self](session_migrated_atom, const migration_report& report) {
      if (self->current_sender() == self->state.session.address())
        on_session_migrated(self, report);
    },
    [self](stable_check_atom, unsigned generation) {
      auto& state = self->state;
      if (generation == state.generation && state.phase == session_phase::up)
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
      state.log->info("reconnecting now, as the user asked (the session was {})", to_string(state.phase));
      discard_session(self);
      if (state.ever_up)
        ++state.reconnects;
      start_session(self);  // a new generation: a backoff's pending reconnect is void
    },
    [self](heartbeat_tick_atom) { send_heartbeat(self); },
    [self](health_atom) { return health_of(self); },
    [self](dump_primary_atom atom, const std::string& path) -> caf::result<std::string> {
      if (!self->state.channel_supervisor)
        return std::string("no session");
      return self->delegate(self->state.channel_supervisor, atom, path);
    },
    [self](shutdown_atom) {
      auto& state = self->state;
      if (state.session)
        self->send(state.session, shutdown_atom::value);
      caf::anon_send(state.options.renderer, shutdown_atom::value);  // dynamically typed
      self->send(state.options.audio, shutdown_atom::value);
      state.finished = true;
      self->quit();
    },
  };
}

}  // namespace

session_supervisor_actor spawn_session_supervisor(caf::actor_system& system, session_options options,
                                                  session_observer observer) {
  return system.spawn(session_supervisor, std::move(options), std::move(observer));
}

}  // namespace vigil
