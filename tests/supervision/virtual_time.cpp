#include "virtual_time.hpp"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

#include <caf/event_based_actor.hpp>
#include <caf/local_actor.hpp>
#include <caf/response_promise.hpp>
#include <caf/stateful_actor.hpp>

#include "common/log.hpp"
#include "protocol/common_messages.hpp"

namespace vigil::virtual_time_test {

coordinator_config::coordinator_config() {
  set("scheduler.policy", caf::atom("testing"));
  set("logger.verbosity", caf::atom("quiet"));
}

virtual_time::virtual_time()
    : system_(config_),
      scheduler_(dynamic_cast<caf::scheduler::test_coordinator&>(system_.scheduler())),
      self_(system_, true) {
  configure_logging(std::getenv("VIGIL_TEST_LOG") ? spdlog::level::debug : spdlog::level::off);
  // Actors with heartbeat timers never end by themselves; the test is over anyway.
  system_.await_actors_before_shutdown(false);
}

virtual_time::~virtual_time() {
  run();
  configure_logging(spdlog::level::info);
}

void virtual_time::run() {
  scheduler_.run();
}

void virtual_time::run_only(const std::vector<std::string>& names) {
  scheduler_.run_jobs_filtered([&](caf::resumable* job) {
    auto actor = dynamic_cast<caf::local_actor*>(job);
    return actor && std::find(names.begin(), names.end(), actor->name()) != names.end();
  });
}

void virtual_time::advance_clock_only(std::chrono::milliseconds duration) {
  scheduler_.clock().advance_time(duration);
}

void virtual_time::advance(std::chrono::milliseconds duration) {
  auto& clock = scheduler_.clock();
  const auto target = clock.current_time + duration;
  run();
  while (clock.has_pending_timeout() && clock.schedule().begin()->first <= target) {
    auto next = clock.schedule().begin()->first;
    clock.advance_time(next > clock.current_time ? next - clock.current_time : caf::timespan{0});
    run();
  }
  if (target > clock.current_time)
    clock.advance_time(target - clock.current_time);
  run();
}

namespace {

struct scripted_state {
  std::shared_ptr<scripted_channels::shared> shared;
  channel_spec spec;
  std::vector<caf::response_promise> unanswered;  // heartbeats a stuck channel sits on
  static inline const char* name = "scripted_channel";
};

channel_health health_of(const scripted_state& state, channel_state as) {
  channel_health health;
  health.channel = protocol::channel_type_name(state.spec.type);
  health.type = state.spec.type;
  health.id = state.spec.id;
  health.state = as;
  return health;
}

caf::behavior scripted_channel(caf::stateful_actor<scripted_state>* self,
                               std::shared_ptr<scripted_channels::shared> shared, channel_spec spec) {
  self->state.shared = std::move(shared);
  self->state.spec = std::move(spec);
  const channel_key key{self->state.spec.type, self->state.spec.id};
  if (self->state.shared->scripts[key].comes_up)
    self->send(self->state.spec.parent, channel_event_atom::value,
               channel_event{health_of(self->state, channel_state::up), {}, {}});
  return {
    [self, key](heartbeat_atom) -> caf::result<channel_health> {
      const auto& script = self->state.shared->scripts[key];
      if (!script.answers_heartbeats) {
        self->state.unanswered.push_back(self->make_response_promise());
        return self->state.unanswered.back();
      }
      auto health = health_of(self->state, channel_state::up);
      health.errors = script.errors;
      health.mailbox_depth = script.mailbox_depth;
      health.last_activity_age_ms = script.silent_ms;
      return health;
    },
    [self, key](migrate_connect_atom, const migration_order&) {
      if (self->state.shared->scripts[key].links_destination)
        return migration_link{true, false, {}};
      return migration_link{false, false, label_of(key) + ": scripted refusal"};
    },
    [self, key](migrate_switch_atom) { self->state.shared->switched.push_back(key); },
    [](migrate_abort_atom) {},
    [self, key](fail_atom, failure_kind kind) {
      auto health = health_of(self->state, channel_state::failed);
      health.errors = self->state.shared->scripts[key].errors;  // a channel's events carry its errors too
      self->send(self->state.spec.parent, channel_event_atom::value,
                 channel_event{std::move(health), {{kind, "scripted failure"}}, {}});
    },
    [self, key](session_info_atom) {
      session_info info;
      info.session_id = 7;
      info.channels = self->state.shared->scripts[key].channel_list;
      return info;
    },
    [self](shutdown_atom) { self->quit(); },
  };
}

}  // namespace

std::function<caf::actor(caf::actor_system&, const channel_spec&)> scripted_channels::factory() {
  return [shared = shared_](caf::actor_system& system, const channel_spec& spec) {
    auto actor = system.spawn(scripted_channel, shared, spec);
    shared->spawned.push_back({{spec.type, spec.id}, spec, actor});
    return actor;
  };
}

std::function<caf::actor(const channel_parent&, unsigned, const connection_settings&)> scripted_channels::spawner(
  caf::actor_system& system, channel_key key) {
  return [make = factory(), &system, key](const channel_parent& parent, unsigned, const connection_settings& connection) {
    channel_spec spec;
    spec.connection = connection;
    spec.type = key.type;
    spec.id = key.id;
    spec.parent = parent;
    return make(system, spec);
  };
}

std::size_t scripted_channels::incarnations(channel_key key) const {
  std::size_t count = 0;
  for (const auto& spawned : shared_->spawned)
    count += spawned.key == key ? 1 : 0;
  return count;
}

const spawned_channel& scripted_channels::latest(channel_key key) const {
  for (auto it = shared_->spawned.rbegin(); it != shared_->spawned.rend(); ++it)
    if (it->key == key)
      return *it;
  throw std::logic_error("no such channel was spawned: " + label_of(key));
}

void fail(virtual_time& time, const caf::actor& channel, failure_kind kind) {
  time.self()->send(channel, fail_atom::value, kind);
  time.run();
}

}  // namespace vigil::virtual_time_test
