#include "supervisors/channel_supervisor.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <random>

#include <spice/enums.h>

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/channels.hpp"
#include "actors/messages.hpp"
#include "common/log.hpp"
#include "supervisors/fault_log.hpp"

namespace vigil {

namespace {

using heartbeat_tick_atom = caf::atom_constant<caf::atom("hbtick")>;
using restart_atom = caf::atom_constant<caf::atom("restart")>;
using stable_check_atom = caf::atom_constant<caf::atom("stablechk")>;
using clock = std::chrono::steady_clock;

// The public interface plus what it sends itself.
using channel_supervisor_impl =
  channel_supervisor_actor::extend<caf::reacts_to<heartbeat_tick_atom>,
                                   caf::reacts_to<restart_atom, channel_key, unsigned>,
                                   caf::reacts_to<stable_check_atom, channel_key, unsigned>>;

// What the transition log shows: the channel's own state, or the supervisor's view of it.
enum class channel_phase { connecting, linking, up, degraded, restarting, closed, failed };

const char* to_string(channel_phase phase) {
  switch (phase) {
    case channel_phase::connecting: return "connecting";
    case channel_phase::linking: return "linking";
    case channel_phase::up: return "up";
    case channel_phase::degraded: return "degraded";
    case channel_phase::restarting: return "restarting";
    case channel_phase::closed: return "closed";
    case channel_phase::failed: return "failed";
  }
  return "?";
}

channel_phase phase_of(channel_state state) {
  switch (state) {
    case channel_state::connecting: return channel_phase::connecting;
    case channel_state::linking: return channel_phase::linking;
    case channel_state::up: return channel_phase::up;
    case channel_state::closed: return channel_phase::closed;
    case channel_state::failed: return channel_phase::failed;
  }
  return channel_phase::failed;
}

struct channel_record {
  supervised_channel how;
  std::string label;  // "display:0"
  caf::actor actor;
  caf::actor socket;
  unsigned incarnation = 0;
  channel_health last;  // the current incarnation's latest report, as it sent it
  // What earlier incarnations reported and the faults that ended them, oldest
  // first: at most past_errors_kept, the rest only counted. A report carries
  // all of its channel's errors each time, so it replaces `last`; only a
  // discarded incarnation's errors move here.
  std::deque<std::string> past_errors;
  std::size_t past_errors_dropped = 0;
  channel_phase phase = channel_phase::connecting;  // what the transition log shows
  bool restarting = false;
  bool heartbeat_outstanding = false;
  std::size_t mailbox_peak = 0;  // across incarnations
  clock::time_point up_since{};
  backoff restarts;
  explicit channel_record(const backoff_policy& policy) : restarts(policy) {}
};

struct channel_supervisor_state {
  supervision_settings settings;
  supervision_listener session;  // set by (report_to_atom, session) before any channel is supervised
  std::shared_ptr<spdlog::logger> log;
  std::map<channel_key, channel_record> channels;
  std::mt19937_64 random{std::random_device{}()};
  bool all_up_reported = false;
  bool session_ending = false;  // a channel escalated: the others go down with the session
  // A live migration is being prepared (from the session's connect until the
  // move or the abort): the source pauses the VM at its end, so a silent
  // server is no fault meanwhile. Heartbeats and every other fault still count.
  bool migrating = false;
  unsigned migration_generation = 0;  // an abort makes a connect still under way stop at its next step
  // Seamless, once every channel is linked: each channel's move count then;
  // a channel leaves when it has moved (or failed). Empty again: main may
  // close its source connection (migrate_release_atom).
  std::map<channel_key, std::uint32_t> awaiting_move;
  static inline const char* name = "channel_supervisor";
};

using supervisor_actor = channel_supervisor_impl::stateful_pointer<channel_supervisor_state>;

void set_phase(supervisor_actor self, channel_record& record, channel_phase phase, const std::string& why = {}) {
  if (record.phase == phase)
    return;
  log_transition(*self->state.log, self->state.settings.log_transitions, record.label, to_string(record.phase),
                 to_string(phase), why);
  record.phase = phase;
}

void check_all_up(supervisor_actor self) {
  auto& state = self->state;
  bool all_up = !state.channels.empty();
  for (auto& [key, record] : state.channels)
    all_up = all_up && !record.restarting && record.last.state == channel_state::up;
  if (all_up && !state.all_up_reported)
    self->send(state.session, all_channels_up_atom::value, state.channels.size());
  state.all_up_reported = all_up;
}

void escalate(supervisor_actor self, channel_record& record, const channel_failure& failure, const std::string& why) {
  log_fault(*self->state.log, record.label, failure, "end the session (" + why + ")");
  self->state.session_ending = true;
  set_phase(self, record, channel_phase::failed, to_string(failure.kind));
  self->send(self->state.session, channel_escalation_atom::value, record.label, failure);
}

// Kills the current incarnation (and its socket, so the server sees the
// channel go) without waiting for it: a stuck actor cannot be asked to stop.
void discard_incarnation(supervisor_actor self, channel_record& record) {
  if (record.socket)
    self->send_exit(record.socket, caf::exit_reason::kill);
  if (record.actor) {
    self->demonitor(record.actor);
    self->send_exit(record.actor, caf::exit_reason::kill);
  }
  record.actor = nullptr;
  record.socket = nullptr;
  record.heartbeat_outstanding = false;
}

constexpr std::size_t past_errors_kept = 20;

void remember_past_error(channel_record& record, std::string error) {
  record.past_errors.push_back(std::move(error));
  if (record.past_errors.size() > past_errors_kept) {
    record.past_errors.pop_front();
    ++record.past_errors_dropped;
  }
}

void on_fault(supervisor_actor self, channel_record& record, const channel_failure& failure) {
  if (record.restarting)
    return;
  record.last.state = channel_state::failed;
  for (auto& error : record.last.errors)
    remember_past_error(record, std::move(error));
  record.last.errors.clear();
  remember_past_error(record, std::string(to_string(failure.kind)) + ": " + failure.message);
  if (self->state.session_ending) {
    // E.g. the server went away: main escalated first, and restarting the
    // rest would only log plans that never run.
    discard_incarnation(self, record);
    set_phase(self, record, channel_phase::failed, to_string(failure.kind) + std::string("; not restarted: the session is ending"));
    return;
  }
  if (record.how.essential) {
    discard_incarnation(self, record);
    escalate(self, record, failure, record.label + " is essential");
    return;
  }
  if (is_permanent(failure.kind)) {
    discard_incarnation(self, record);
    escalate(self, record, failure, "a restart cannot fix " + std::string(to_string(failure.kind)));
    return;
  }
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  auto delay = record.restarts.next_delay(uniform(self->state.random));
  discard_incarnation(self, record);
  if (!delay) {
    escalate(self, record, failure,
             "out of restarts after " + std::to_string(record.restarts.policy().max_attempts) + " attempts");
    return;
  }
  std::string plan = "restart channel (attempt " + std::to_string(record.restarts.attempts()) + "/" +
                     attempts_text(record.restarts.policy().max_attempts) + ", in " + seconds_text(*delay) + ")";
  log_fault(*self->state.log, record.label, failure, plan);
  record.restarting = true;
  set_phase(self, record, channel_phase::restarting, to_string(failure.kind) + std::string("; ") + plan);
  check_all_up(self);
  self->delayed_send(self, *delay, restart_atom::value, record.how.key, record.incarnation + 1);
}

// The channel's current actor; none while it restarts (discard_incarnation
// clears it) or when no such channel is supervised.
caf::actor running_incarnation(supervisor_actor self, channel_key key) {
  auto found = self->state.channels.find(key);
  return found == self->state.channels.end() ? caf::actor{} : found->second.actor;
}

// display:0's primary goes to `path`, display:N's (N > 0) next to it with
// "-display-N" before the extension; the answer is "" or every error.
caf::result<std::string> dump_displays(supervisor_actor self, const std::string& path) {
  if (!running_incarnation(self, {SPICE_CHANNEL_DISPLAY, 0}))
    return std::string("no display:0 channel is running");
  struct pending_dumps {
    std::size_t left = 0;
    std::string errors;
  };
  auto pending = std::make_shared<pending_dumps>();
  auto promise = self->make_response_promise<std::string>();
  const auto dot = path.rfind('.');
  const bool has_extension = dot != std::string::npos && path.find('/', dot) == std::string::npos;
  for (auto& [key, record] : self->state.channels)
    if (key.type == SPICE_CHANNEL_DISPLAY && record.actor)
      ++pending->left;
  auto answered = [pending, promise](const std::string& error) mutable {
    if (!error.empty())
      pending->errors += (pending->errors.empty() ? "" : "; ") + error;
    if (--pending->left == 0)
      promise.deliver(pending->errors);
  };
  for (auto& [key, record] : self->state.channels) {
    if (key.type != SPICE_CHANNEL_DISPLAY || !record.actor)
      continue;
    std::string target = path;
    if (key.id != 0) {
      const std::string suffix = "-display-" + std::to_string(key.id);
      target = has_extension ? path.substr(0, dot) + suffix + path.substr(dot) : path + suffix;
    }
    const std::string label = "display:" + std::to_string(key.id);
    self->request(caf::actor_cast<primary_dump_actor>(record.actor), std::chrono::seconds(10),
                  dump_primary_atom::value, target)
      .then([answered](const std::string& error) mutable { answered(error); },
            [answered, label](const caf::error& error) mutable {
              answered(label + ": " + caf::to_string(error));
            });
  }
  return promise;
}

void start_incarnation(supervisor_actor self, channel_record& record, unsigned incarnation) {
  record.incarnation = incarnation;
  record.restarting = false;
  record.actor = record.how.spawn(channel_parent{self}, incarnation, record.how.connection);
  record.last.state = channel_state::connecting;
  self->monitor(record.actor);
  set_phase(self, record, channel_phase::connecting);
  check_all_up(self);  // a new channel is not up yet, whatever its first event will be
}

void on_heartbeat_reply(supervisor_actor self, channel_record& record, channel_health health) {
  const auto& watchdog = self->state.settings.watchdog;
  record.last = std::move(health);
  record.mailbox_peak = std::max(record.mailbox_peak, record.last.mailbox_depth);
  if (record.last.mailbox_depth > watchdog.mailbox_bound) {
    on_fault(self, record,
             {failure_kind::mailbox_over_bound, "mailbox depth " + std::to_string(record.last.mailbox_depth) +
                                                  " exceeds the bound of " + std::to_string(watchdog.mailbox_bound)});
    return;
  }
  auto silence = std::chrono::milliseconds(record.last.last_activity_age_ms);
  const bool watch_silence = record.how.watch_silence && !self->state.migrating;
  if (watch_silence && record.last.state == channel_state::up && silence > watchdog.server_silence) {
    on_fault(self, record,
             {failure_kind::server_silent, "no bytes from the server for " + seconds_text(silence) +
                                             " (keepalive window " + seconds_text(watchdog.server_silence) + ")"});
    return;
  }
  if (record.last.state != channel_state::up)
    return;
  bool degraded = record.last.mailbox_depth > watchdog.mailbox_bound / 2 ||
                  (watch_silence && silence > watchdog.server_silence / 2);
  if (degraded)
    set_phase(self, record, channel_phase::degraded,
              "mailbox " + std::to_string(record.last.mailbox_depth) + "/" + std::to_string(watchdog.mailbox_bound) +
                ", server silent " + seconds_text(silence));
  else
    set_phase(self, record, channel_phase::up);
}

void send_heartbeats(supervisor_actor self) {
  auto& state = self->state;
  for (auto& [key, record] : state.channels) {
    if (!record.actor || record.restarting || record.heartbeat_outstanding)
      continue;
    record.heartbeat_outstanding = true;
    auto sent_at = clock::now();
    auto incarnation = record.incarnation;
    // Urgent: a slow channel works through its queued socket chunks one by one;
    // the probe asks whether it is alive, not whether it is idle, so it goes
    // ahead of them (the reported mailbox depth shows the queue). CAF 0.17's
    // chrono overload of request() drops the priority: pass a caf::duration.
    self->request<caf::message_priority::high>(record.actor, caf::duration{state.settings.watchdog.heartbeat_deadline},
                                               heartbeat_atom::value)
      .then(
        [self, key = key, incarnation](channel_health health) {
          auto found = self->state.channels.find(key);
          if (found == self->state.channels.end() || found->second.incarnation != incarnation)
            return;
          found->second.heartbeat_outstanding = false;
          on_heartbeat_reply(self, found->second, std::move(health));
        },
        [self, key = key, incarnation, sent_at](const caf::error&) {
          auto found = self->state.channels.find(key);
          if (found == self->state.channels.end() || found->second.incarnation != incarnation ||
              !found->second.actor)
            return;
          auto& record = found->second;
          record.heartbeat_outstanding = false;
          auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - sent_at);
          on_fault(self, record,
                   {failure_kind::stuck, "no heartbeat reply within " + seconds_text(waited) + " (deadline " +
                                           seconds_text(self->state.settings.watchdog.heartbeat_deadline) +
                                           "); last report: " + to_string(record.last.state) + ", mailbox " +
                                           std::to_string(record.last.mailbox_depth)});
        });
  }
  self->delayed_send(self, state.settings.watchdog.heartbeat_interval, heartbeat_tick_atom::value);
}

// Seamless: main keeps its source connection until every channel has moved there.
void note_moved(supervisor_actor self, channel_key key, const channel_event& event) {
  auto& waiting = self->state.awaiting_move;
  auto found = waiting.find(key);
  if (found == waiting.end() || (event.failure.empty() && event.health.migrations <= found->second))
    return;
  waiting.erase(found);
  if (!waiting.empty())
    return;
  if (auto main = running_incarnation(self, {SPICE_CHANNEL_MAIN, 0})) {
    self->state.log->info("migration: every channel has moved; main closes its source connection");
    caf::anon_send(main, migrate_release_atom::value);
  }
}

void on_channel_event(supervisor_actor self, const channel_event& event) {
  channel_key key{event.health.type, event.health.id};
  auto found = self->state.channels.find(key);
  if (found == self->state.channels.end() || self->current_sender() != found->second.actor.address())
    return;  // a discarded incarnation still talking
  auto& record = found->second;
  record.last = event.health;
  note_moved(self, key, event);
  if (event.socket)
    record.socket = event.socket;
  if (!event.failure.empty()) {
    on_fault(self, record, event.failure.front());
    return;
  }
  if (event.health.state == channel_state::up) {
    record.up_since = clock::now();
    // Flap guard: the restart count only resets once the channel has stayed up.
    self->delayed_send(self, record.restarts.policy().stable_after, stable_check_atom::value, key,
                       record.incarnation);
  }
  set_phase(self, record, phase_of(event.health.state));
  check_all_up(self);
}

// Live migration: every channel links to the destination; main first, as the
// destination learns the session from main's link, then all the others at
// once. The first failure answers (the session then has the links dropped).
struct migration_fan_out {
  caf::typed_response_promise<migration_link> promise;
  std::size_t waiting = 0;
  bool seamless = false;
  bool answered = false;

  void deliver(migration_link link) {
    if (answered)
      return;
    answered = true;
    promise.deliver(std::move(link));
  }
  void linked() {
    if (--waiting == 0)
      deliver(migration_link{true, seamless, {}});
  }
};

void link_the_others(supervisor_actor self, const migration_order& order, std::shared_ptr<migration_fan_out> gather,
                     std::chrono::milliseconds deadline) {
  std::vector<std::pair<std::string, caf::actor>> others;
  for (auto& [key, record] : self->state.channels)
    if (key.type != SPICE_CHANNEL_MAIN)
      others.emplace_back(record.label, record.actor);
  gather->waiting = others.size() + 1;
  for (auto& [label, actor] : others) {
    if (!actor) {
      gather->deliver(migration_link{false, false, label + " is restarting"});
      return;
    }
    self->request(actor, deadline, migrate_connect_atom::value, order)
      .then(
        [gather](const migration_link& link) {
          if (link.linked)
            gather->linked();
          else
            gather->deliver(link);
        },
        [self, gather, label = label](const caf::error& error) {
          gather->deliver(migration_link{false, false, label + " did not link: " + self->system().render(error)});
        });
  }
  gather->linked();  // main's
}

caf::typed_response_promise<migration_link> connect_for_migration(supervisor_actor self, const migration_order& order) {
  auto gather = std::make_shared<migration_fan_out>();
  gather->promise = self->make_response_promise<migration_link>();
  self->state.migrating = true;
  const auto generation = ++self->state.migration_generation;
  auto main = running_incarnation(self, {SPICE_CHANNEL_MAIN, 0});
  if (!main) {
    gather->deliver(migration_link{false, false, "main:0 is not running"});
    return gather->promise;
  }
  const auto& connection = order.destination;
  // Each channel's own connect and link timeouts end its attempt; the margin covers the answer.
  auto deadline = connection.connect_timeout + connection.link_timeout + std::chrono::seconds(2);
  self->request(main, deadline, migrate_connect_atom::value, order)
    .then(
      [self, order, gather, deadline, generation](const migration_link& link) {
        if (!link.linked) {
          gather->deliver(link);
          return;
        }
        if (generation != self->state.migration_generation) {
          gather->deliver(migration_link{false, false, "the migration was cancelled while main linked"});
          return;
        }
        gather->seamless = link.seamless;
        auto& waiting = self->state.awaiting_move;
        waiting.clear();
        if (link.seamless)
          for (auto& [key, record] : self->state.channels)
            waiting[key] = record.last.migrations;
        link_the_others(self, order, gather, deadline);
      },
      [self, gather](const caf::error& error) {
        gather->deliver(migration_link{false, false, "main:0 did not link: " + self->system().render(error)});
      });
  return gather->promise;
}

// The session is on the destination now: restarts connect there.
void moved_to(supervisor_actor self, const connection_settings& destination) {
  self->state.migrating = false;
  for (auto& [key, record] : self->state.channels)
    record.how.connection = destination;
}

channel_supervisor_impl::behavior_type channel_supervisor(supervisor_actor self, supervision_settings settings) {
  self->state.settings = settings;
  self->state.log = named_logger("supervisor");
  self->set_down_handler([self](const caf::down_msg& down) {
    for (auto& [key, record] : self->state.channels)
      if (record.actor && record.actor.address() == down.source)
        on_fault(self, record,
                 {failure_kind::protocol_error, "channel actor terminated: " + self->system().render(down.reason)});
  });
  self->delayed_send(self, settings.watchdog.heartbeat_interval, heartbeat_tick_atom::value);
  return {
    [self](report_to_atom, supervision_listener session) { self->state.session = std::move(session); },
    [self](supervise_atom, supervised_channel how) {
      auto key = how.key;
      auto [it, inserted] = self->state.channels.emplace(key, channel_record{self->state.settings.channel_restart});
      it->second.how = std::move(how);
      it->second.label = label_of(key);
      start_incarnation(self, it->second, 0);
      return it->second.actor;
    },
    [self](channel_event_atom, const channel_event& event) { on_channel_event(self, event); },
    [self](heartbeat_tick_atom) { send_heartbeats(self); },
    [self](restart_atom, channel_key key, unsigned incarnation) {
      auto found = self->state.channels.find(key);
      if (found == self->state.channels.end())
        return;
      auto& record = found->second;
      if (record.restarting && incarnation == record.incarnation + 1)
        start_incarnation(self, record, incarnation);
    },
    [self](stable_check_atom, channel_key key, unsigned incarnation) {
      auto found = self->state.channels.find(key);
      if (found == self->state.channels.end())
        return;
      auto& record = found->second;
      if (record.incarnation == incarnation && !record.restarting && record.last.state == channel_state::up)
        record.restarts.reset();
    },
    [self](health_atom) {
      std::vector<channel_health> report;
      for (auto& [key, record] : self->state.channels) {
        channel_health health = record.last;
        health.restarts = record.incarnation;
        health.mailbox_peak = record.mailbox_peak;
        health.errors.insert(health.errors.begin(), record.past_errors.begin(), record.past_errors.end());
        if (record.past_errors_dropped > 0)
          health.errors.insert(health.errors.begin(),
                               std::to_string(record.past_errors_dropped) + " earlier errors not kept");
        if (record.restarting)
          health.errors.push_back("restarting");
        report.push_back(std::move(health));
      }
      return report;
    },
    [self](dump_primary_atom, const std::string& path) -> caf::result<std::string> { return dump_displays(self, path); },
    [self](shutdown_atom) {
      for (auto& [key, record] : self->state.channels)
        if (record.actor)
          caf::anon_send(record.actor, shutdown_atom::value);  // channels are dynamically typed
      self->quit();
    },
    [self](migrate_connect_atom, const migration_order& order) { return connect_for_migration(self, order); },
    [self](migrate_switch_atom, const connection_settings& destination) {
      moved_to(self, destination);
      // Main last: once main closes its source connection, spice-server drops
      // the client's other connections there, and a channel whose switch was
      // not in its mailbox yet read that as a lost connection (restarted).
      // Sent after the others', main's switch cannot close the source first.
      for (auto& [key, record] : self->state.channels)
        if (record.actor && key.type != SPICE_CHANNEL_MAIN)
          caf::anon_send(record.actor, migrate_switch_atom::value);
      if (auto main = self->state.channels.find({SPICE_CHANNEL_MAIN, 0});
          main != self->state.channels.end() && main->second.actor)
        caf::anon_send(main->second.actor, migrate_switch_atom::value);
    },
    [self](migrate_done_atom, const connection_settings& destination) { moved_to(self, destination); },
    [self](migrate_abort_atom) {
      self->state.migrating = false;
      self->state.awaiting_move.clear();
      ++self->state.migration_generation;
      for (auto& [key, record] : self->state.channels)
        if (record.actor)
          caf::anon_send(record.actor, migrate_abort_atom::value);
    },
  };
}

}  // namespace

channel_supervisor_actor spawn_channel_supervisor(caf::actor_system& system, supervision_settings settings) {
  return system.spawn(channel_supervisor, std::move(settings));
}

}  // namespace vigil
