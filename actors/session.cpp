#include "actors/session.hpp"

#include <map>
#include <memory>

#include <spice/enums.h>

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/channels.hpp"
#include "actors/log.hpp"
#include "actors/messages.hpp"

namespace vigil {

namespace {

using clock = std::chrono::steady_clock;
using channel_key = std::pair<std::uint8_t, std::uint8_t>;  // type, id

struct channel_record {
  caf::actor actor;
  channel_health last;  // as last reported; kept after the channel is gone
};

struct session_state {
  session_options options;
  caf::actor observer;
  std::shared_ptr<spdlog::logger> log;
  std::map<channel_key, channel_record> channels;
  session_info info;
  bool up = false;
  bool ended = false;
  clock::time_point up_since;
  static inline const char* name = "session";
};

using session_actor = caf::stateful_actor<session_state>;

channel_spec spec_for(session_actor* self, std::uint8_t type, std::uint8_t id, std::uint32_t connection_id) {
  channel_spec spec;
  spec.type = type;
  spec.id = id;
  spec.connection_id = connection_id;
  spec.connection = self->state.options.connection;
  spec.parent = caf::actor_cast<caf::actor>(self);
  return spec;
}

void adopt_channel(session_actor* self, std::uint8_t type, std::uint8_t id, caf::actor channel) {
  self->link_to(channel);
  channel_record record;
  record.actor = channel;
  record.last.channel = protocol::channel_type_name(type);
  record.last.type = type;
  record.last.id = id;
  self->state.channels[{type, id}] = std::move(record);
}

void end_session(session_actor* self, std::vector<channel_failure> failure, std::string reason) {
  auto& state = self->state;
  if (state.ended)
    return;
  state.ended = true;
  if (failure.empty())
    state.log->info("session ended: {}", reason);
  else
    state.log->error("session ended: {}", reason);
  self->send(state.observer, session_ended_atom::value, session_end{state.up, std::move(failure), std::move(reason)});
}

void spawn_listed_channels(session_actor* self) {
  auto& state = self->state;
  auto& system = self->system();
  for (const auto& address : state.info.channels) {
    auto spec = spec_for(self, address.type, address.id, state.info.session_id);
    caf::actor channel;
    switch (address.type) {
      case SPICE_CHANNEL_MAIN:
        continue;  // already linked
      case SPICE_CHANNEL_DISPLAY:
        channel = spawn_display_channel(system, std::move(spec), state.options.display_init);
        break;
      case SPICE_CHANNEL_INPUTS:
        channel = spawn_inputs_channel(system, std::move(spec));
        break;
      case SPICE_CHANNEL_CURSOR:
        channel = spawn_cursor_channel(system, std::move(spec));
        break;
      default:
        state.log->info("channel {}:{} offered by the server is not supported yet; not connecting it",
                        protocol::channel_type_name(address.type), address.id);
        continue;
    }
    adopt_channel(self, address.type, address.id, channel);
  }
}

void on_channel_event(session_actor* self, const channel_event& event) {
  auto& state = self->state;
  auto found = state.channels.find({event.health.type, event.health.id});
  if (found == state.channels.end())
    return;
  found->second.last = event.health;
  if (!event.failure.empty()) {
    const auto& failure = event.failure.front();
    end_session(self, event.failure,
                "channel " + event.health.channel + ":" + std::to_string(event.health.id) + " failed (" +
                  to_string(failure.kind) + "): " + failure.message);
    return;
  }
  if (state.up || state.ended || !state.info.session_id)
    return;
  for (const auto& [key, record] : state.channels)
    if (record.last.state != channel_state::up)
      return;
  state.up = true;
  state.up_since = clock::now();
  state.log->info("session {} up: {} channels", state.info.session_id, state.channels.size());
  self->send(state.observer, session_up_atom::value);
}

session_health base_health(session_actor* self) {
  auto& state = self->state;
  session_health health;
  health.state = state.ended ? "ended" : state.up ? "up" : "connecting";
  if (state.up)
    health.uptime_s = std::chrono::duration<double>(clock::now() - state.up_since).count();
  health.session_id = state.info.session_id;
  health.vm_name = state.info.vm_name;
  health.vm_uuid = state.info.vm_uuid;
  health.uri = state.options.uri;
  return health;
}

// Collects one health answer per live channel; delivers when all have
// answered or timed out (a timed-out channel keeps its last report, marked).
struct health_collection {
  caf::response_promise promise;
  session_health health;
  std::size_t outstanding = 0;
  void finish_one() {
    if (--outstanding == 0)
      promise.deliver(health);
  }
};

caf::response_promise collect_health(session_actor* self) {
  auto collection = std::make_shared<health_collection>();
  collection->promise = self->make_response_promise();
  collection->health = base_health(self);
  for (auto& [key, record] : self->state.channels)
    collection->health.channels.push_back(record.last);
  std::size_t index = 0;
  std::vector<std::pair<std::size_t, caf::actor>> live;
  for (auto& [key, record] : self->state.channels) {
    auto state = record.last.state;
    if (state != channel_state::failed && state != channel_state::closed)
      live.emplace_back(index, record.actor);
    ++index;
  }
  if (live.empty()) {
    collection->promise.deliver(collection->health);
    return collection->promise;
  }
  collection->outstanding = live.size();
  for (auto& [slot, channel] : live) {
    self->request(channel, self->state.options.health_deadline, health_atom::value)
      .then(
        [collection, slot = slot](const channel_health& health) {
          collection->health.channels[slot] = health;
          collection->finish_one();
        },
        [collection, slot = slot](const caf::error&) {
          collection->health.channels[slot].errors.push_back("did not answer the health request in time");
          collection->finish_one();
        });
  }
  return collection->promise;
}

caf::behavior session(session_actor* self, session_options options, caf::actor observer) {
  auto& state = self->state;
  state.options = std::move(options);
  state.observer = std::move(observer);
  state.log = named_logger("session");
  self->set_exit_handler([self](const caf::exit_msg& exit) {
    if (exit.reason && !self->state.ended)
      end_session(self, {channel_failure{failure_kind::protocol_error, self->system().render(exit.reason)}},
                  "a channel actor terminated: " + self->system().render(exit.reason));
  });
  state.log->info("connecting to {}", state.options.uri);
  auto main = spawn_main_channel(self->system(), spec_for(self, SPICE_CHANNEL_MAIN, 0, 0));
  adopt_channel(self, SPICE_CHANNEL_MAIN, 0, main);
  const auto& connection = state.options.connection;
  // Covers a TLS retry after NEED_SECURED: two connects and two links.
  auto info_deadline = 2 * (connection.connect_timeout + connection.link_timeout);
  self->request(main, info_deadline, session_info_atom::value)
    .then(
      [self](const session_info& info) {
        self->state.info = info;
        spawn_listed_channels(self);
      },
      [self](const caf::error& error) {
        // If main failed, its channel event has ended the session already with the real reason.
        end_session(self, {channel_failure{failure_kind::link_timeout, self->system().render(error)}},
                    "main channel did not deliver the session id and channel list: " + self->system().render(error));
      });
  return {
    [self](channel_event_atom, const channel_event& event) { on_channel_event(self, event); },
    [self](health_atom) { return collect_health(self); },
    [self](shutdown_atom) {
      for (auto& [key, record] : self->state.channels)
        self->send(record.actor, shutdown_atom::value);
      end_session(self, {}, "shutdown requested");
      self->quit();
    },
  };
}

}  // namespace

caf::actor spawn_session(caf::actor_system& system, session_options options, caf::actor observer) {
  return system.spawn(session, std::move(options), std::move(observer));
}

}  // namespace vigil
