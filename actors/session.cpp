#include "actors/session.hpp"

#include <map>
#include <memory>

#include <spice/enums.h>

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/channel_supervision.hpp"
#include "actors/channels.hpp"
#include "actors/messages.hpp"
#include "actors/usb_autoshare.hpp"
#include "actors/webdav_channel.hpp"
#include "common/log.hpp"

namespace vigil {

const char* to_string(session_phase phase) {
  switch (phase) {
    case session_phase::waiting: return "waiting";
    case session_phase::connecting: return "connecting";
    case session_phase::up: return "up";
    case session_phase::reconnecting: return "reconnecting";
    case session_phase::ended: return "ended";
    case session_phase::failed: return "failed";
  }
  return "?";
}

namespace {

using clock = std::chrono::steady_clock;

struct session_state {
  session_options options;
  session_listener listener;
  channel_supervisor_actor supervisor;
  std::shared_ptr<spdlog::logger> log;
  session_info info;
  main_status status;
  std::size_t channels_expected = 0;  // main + the listed channels we support; 0 until the list is known
  bool up = false;
  bool ended = false;
  clock::time_point up_since;
  // The migration main is carrying out (actors/migration.hpp), if any.
  struct migration_in_progress {
    std::uint32_t id = 0;
    connection_settings destination;
    std::string where;
    bool seamless = false;
  };
  std::optional<migration_in_progress> migrating;
  static inline const char* name = "session";
};

using session_self = session_actor::stateful_pointer<session_state>;

// How to start one incarnation of a channel: everything it needs, copied.
// The channel supervisor calls it on its own thread at every restart, maybe
// after this session has quit, so it must not reach into the session's state.
using channel_spawner = std::function<caf::actor(channel_spec)>;

supervised_channel supervised(session_self self, channel_key key, channel_spawner spawn_with_spec) {
  const auto& state = self->state;
  supervised_channel how;
  how.key = key;
  how.essential = key.type == SPICE_CHANNEL_MAIN;
  how.watch_silence = key.type == SPICE_CHANNEL_MAIN || key.type == SPICE_CHANNEL_DISPLAY;
  how.connection = state.options.connection;
  channel_spec base;
  base.type = key.type;
  base.id = key.id;
  base.connection_id = state.info.session_id;
  // The run's memory budget: the pool is shared, so a restart after this
  // session quit still counts against it.
  base.memory = state.options.memory;
  base.memory_limits = state.options.memory_limits;
  // The debug fault only reaches the first incarnation of the channel it
  // names, so a restart really does heal it.
  std::optional<debug_fault> fault;
  if (state.options.debug.channel == label_of(key))
    fault = state.options.debug.fault;
  if (state.options.channel_factory)
    spawn_with_spec = [factory = state.options.channel_factory, &system = self->system()](channel_spec spec) {
      return factory(system, spec);
    };
  how.spawn = [base = std::move(base), fault, spawn_with_spec = std::move(spawn_with_spec)](
                const channel_parent& supervisor, unsigned incarnation, const connection_settings& connection) {
    channel_spec spec = base;
    spec.parent = supervisor;
    spec.connection = connection;
    if (incarnation == 0 && fault)
      spec.fault = *fault;
    return spawn_with_spec(std::move(spec));
  };
  return how;
}

void end_session(session_self self, std::vector<channel_failure> failure, std::string reason) {
  auto& state = self->state;
  if (state.ended)
    return;
  state.ended = true;
  if (failure.empty())
    state.log->info("session ended: {}", reason);
  else
    state.log->error("session ended: {}", reason);
  self->send(state.listener, session_ended_atom::value, session_end{state.up, std::move(failure), std::move(reason)});
}

void supervise(session_self self, channel_key key, channel_spawner spawn_with_spec,
               std::function<void(caf::actor)> on_first = nullptr) {
  auto deadline = self->state.options.supervision.watchdog.heartbeat_deadline;
  self->request(self->state.supervisor, deadline, supervise_atom::value, supervised(self, key, std::move(spawn_with_spec)))
    .then(
      [on_first](const caf::actor& first) {
        if (on_first)
          on_first(first);
      },
      [self, key](const caf::error& error) {
        end_session(self, {channel_failure{failure_kind::stuck, self->system().render(error)}},
                    "the channel supervisor did not start " + label_of(key) + ": " + self->system().render(error));
      });
}

// Displays (and their cursors) beyond 4 would only be drawn, never shown
// (the window shows display:0); one keyboard, one sound output, one
// microphone and one shared folder suffice; usbredir channels are one a
// device given.
std::size_t max_channels_of_type(std::uint8_t type) {
  if (type == SPICE_CHANNEL_USBREDIR)
    return 64;  // one a device; the devices given bound them already
  return type == SPICE_CHANNEL_DISPLAY || type == SPICE_CHANNEL_CURSOR ? max_display_channels : 1;
}

void supervise_listed_channels(session_self self) {
  auto& state = self->state;
  auto& system = self->system();
  auto display_init = state.options.display_init;
  std::size_t supervised_count = 1;  // main
  const auto& usb = state.options.usb;
  auto usb_devices = usb.enabled ? usb.devices() : std::vector<usb_device_spec>{};
  std::size_t usb_devices_placed = 0;
  if (usb.enabled && usb.autoshare.enabled) {
    // Every usbredir channel left over waits, idle, for a device plugged in later.
    usb_device_spec idle;
    idle.autoshare = spawn_usb_autoshare(system, usb.autoshare, true, caf::actor_cast<caf::actor>(self));
    for (const auto& address : state.info.channels)
      if (address.type == SPICE_CHANNEL_USBREDIR)
        usb_devices.push_back(idle);
  }
  std::map<std::uint8_t, std::size_t> connected_of_type;
  for (const auto& address : state.info.channels) {
    channel_key key{address.type, address.id};
    bool supported = address.type == SPICE_CHANNEL_DISPLAY || address.type == SPICE_CHANNEL_INPUTS ||
                     address.type == SPICE_CHANNEL_CURSOR ||
                     (address.type == SPICE_CHANNEL_PLAYBACK && state.options.audio_enabled) ||
                     (address.type == SPICE_CHANNEL_USBREDIR && usb_devices_placed < usb_devices.size()) ||
                     (address.type == SPICE_CHANNEL_WEBDAV && !state.options.share.directory.empty()) ||
                     (address.type == SPICE_CHANNEL_RECORD && state.options.record.enabled);
    // main listed the channels once each (check_channels_list); a few of a
    // kind are all a session uses, however many the server offers.
    if (supported && ++connected_of_type[address.type] > max_channels_of_type(address.type)) {
      state.log->info("channel {} not connected: a session uses at most {} {} channel(s)",
                      label_of(key), max_channels_of_type(address.type),
                      protocol::channel_type_name(address.type));
      continue;
    }
    supervised_count += supported ? 1 : 0;
    switch (address.type) {
      case SPICE_CHANNEL_MAIN:
        continue;  // already supervised
      case SPICE_CHANNEL_DISPLAY: {
        // display:0's frames are always rendered; the others' when the window shows them.
        const auto& others = state.options.display_renderers;
        auto renderer = address.id == 0 ? state.options.renderer
                        : address.id - 1u < others.size() ? others[address.id - 1u] : renderer_actor{};
        supervise(self, key,
                  [&system, display_init, video = state.options.video, renderer,
                   mm_time = state.info.mm_time](channel_spec spec) {
                    return spawn_display_channel(system, std::move(spec), display_init, video, renderer, mm_time);
                  });
        break;
      }
      case SPICE_CHANNEL_INPUTS:
        supervise(self, key, [&system, frontend = state.options.frontend](channel_spec spec) {
          return spawn_inputs_channel(system, std::move(spec), frontend);
        });
        break;
      case SPICE_CHANNEL_CURSOR:
        supervise(self, key, [&system, renderer = state.options.renderer](channel_spec spec) {
          return spawn_cursor_channel(system, std::move(spec), renderer);
        });
        break;
      case SPICE_CHANNEL_PLAYBACK:
        if (!state.options.audio_enabled) {
          state.log->info("channel {} not connected: audio.enabled is false", label_of(key));
          break;
        }
        supervise(self, key,
                  [&system, sink = state.options.audio, playback = state.options.playback](channel_spec spec) {
                    return spawn_playback_channel(system, std::move(spec), sink, playback);
                  });
        break;
      case SPICE_CHANNEL_WEBDAV:
        if (state.options.share.directory.empty()) {
          state.log->info("channel {} not connected: no folder shared (--share-dir)", label_of(key));
          break;
        }
        supervise(self, key, [&system, folder = state.options.share](channel_spec spec) {
          return spawn_webdav_channel(system, std::move(spec), folder);
        });
        break;
      case SPICE_CHANNEL_USBREDIR:
        // One device per channel, in the order the server lists them.
        if (usb_devices_placed >= usb_devices.size()) {
          state.log->info("channel {} not connected: no USB device for it", label_of(key));
          break;
        }
        supervise(self, key, [&system, device = usb_devices[usb_devices_placed++]](channel_spec spec) {
          return spawn_usbredir_channel(system, std::move(spec), device);
        });
        break;
      case SPICE_CHANNEL_RECORD:
        if (!state.options.record.enabled) {
          state.log->info("channel {} not connected: record.enabled is false (--no-record)", label_of(key));
          break;
        }
        supervise(self, key, [&system, record = state.options.record, mm_time = state.info.mm_time](channel_spec spec) {
          return spawn_record_channel(system, std::move(spec), record, mm_time);
        });
        break;
      default:
        state.log->info("channel {} offered by the server is not supported yet; not connecting it", label_of(key));
    }
  }
  state.channels_expected = supervised_count;
  if (usb_devices_placed < usb_devices.size() && usb_devices[usb_devices_placed].what != usb_device_spec::kind::none)
    state.log->warn("{} USB device(s) not redirected: the server offers only {} usbredir channel(s)",
                    usb_devices.size() - usb_devices_placed, usb_devices_placed);
}

session_health health_of(session_self self) {
  auto& state = self->state;
  session_health health;
  health.state = state.ended ? session_phase::ended : state.up ? session_phase::up : session_phase::connecting;
  if (state.up)
    health.uptime_s = std::chrono::duration<double>(clock::now() - state.up_since).count();
  health.session_id = state.info.session_id;
  health.vm_name = state.status.vm_name;
  health.vm_uuid = state.status.vm_uuid;
  health.uri = state.options.uri;
  if (const auto& pool = state.options.memory)
    health.memory = {pool->limit(), pool->in_use(), pool->peak(), pool->refusals()};
  return health;
}

void ask_main_for_the_channels(session_self self, const caf::actor& main) {
  const auto& connection = self->state.options.connection;
  // Covers a TLS retry after NEED_SECURED: two connects and two links.
  auto info_deadline = 2 * (connection.connect_timeout + connection.link_timeout);
  self->request(main, info_deadline, session_info_atom::value)
    .then(
      [self](const session_info& info) {
        self->state.info = info;
        supervise_listed_channels(self);
      },
      [self](const caf::error& error) {
        // If main failed, the supervisor's escalation has ended the session with the real reason.
        end_session(self, {channel_failure{failure_kind::link_timeout, self->system().render(error)}},
                    "main channel did not deliver the session id and channel list: " + self->system().render(error));
      });
}

// BEGIN: every channel links to the destination; main answers the server with
// the outcome. A destination this session cannot use is refused at once.
caf::typed_response_promise<migration_link> begin_migration(session_self self, const migration_begin& begin) {
  auto& state = self->state;
  auto promise = self->make_response_promise<migration_link>();
  std::string error;
  auto destination = migration_destination(state.options.connection, begin.target, error);
  if (!destination) {
    state.log->error("migration refused: {}", error);
    promise.deliver(migration_link{false, false, error});
    return promise;
  }
  if (state.migrating)
    self->send(state.supervisor, migrate_abort_atom::value);
  const auto where = describe_destination(*destination);
  state.migrating = session_state::migration_in_progress{begin.id, *destination, where, begin.seamless};
  state.log->info("migration {} ({}): linking every channel to {}", begin.id,
                  begin.seamless ? "seamless asked" : "semi-seamless", where);
  const auto& connection = state.options.connection;
  auto deadline = 2 * (connection.connect_timeout + connection.link_timeout) + std::chrono::seconds(3);
  migration_order order{*destination, state.info.session_id, begin.seamless, begin.source_version};
  self->request(state.supervisor, deadline, migrate_connect_atom::value, order)
    .then(
      [self, promise, id = begin.id](const migration_link& link) mutable {
        auto& state = self->state;
        if (link.linked) {
          state.log->info("migration {}: every channel is linked to the destination{}", id,
                          link.seamless ? " (seamless)" : "");
        } else {
          state.log->error("migration {} failed: {}; staying on the source", id, link.error);
          self->send(state.supervisor, migrate_abort_atom::value);
          if (state.migrating && state.migrating->id == id)
            state.migrating.reset();
        }
        promise.deliver(link);
      },
      [self, promise, id = begin.id](const caf::error& failure) mutable {
        auto& state = self->state;
        auto error = "the channel supervisor did not answer: " + self->system().render(failure);
        state.log->error("migration {} failed: {}; staying on the source", id, error);
        self->send(state.supervisor, migrate_abort_atom::value);
        if (state.migrating && state.migrating->id == id)
          state.migrating.reset();
        promise.deliver(migration_link{false, false, error});
      });
  return promise;
}

void on_migration_notice(session_self self, const migration_notice& notice) {
  auto& state = self->state;
  if (notice.step == migration_step::switch_host) {
    std::string error;
    auto destination = migration_destination(state.options.connection, notice.target, error);
    if (!destination) {
      state.log->error("SWITCH_HOST refused: {}; staying on the source", error);
      return;
    }
    if (state.migrating)
      self->send(state.supervisor, migrate_abort_atom::value);
    state.migrating.reset();
    auto where = describe_destination(*destination);
    state.log->info("SWITCH_HOST: the session relinks to {}", where);
    self->send(state.listener, session_migrated_atom::value,
               migration_report{*destination, where, migration_mode::switch_host});
    return;
  }
  if (!state.migrating || state.migrating->id != notice.id) {
    state.log->warn("ignoring {} for migration {}: it is not the one in progress", to_string(notice.step), notice.id);
    return;
  }
  const auto migration = *state.migrating;
  state.migrating.reset();
  switch (notice.step) {
    case migration_step::cancel:
      state.log->info("migration {} to {} cancelled; staying on the source", migration.id, migration.where);
      self->send(state.supervisor, migrate_abort_atom::value);
      return;
    case migration_step::end:
    case migration_step::moved: {
      const bool seamless = notice.step == migration_step::moved;
      state.log->info("migration {} ({}): the session is on {} now", migration.id,
                      seamless ? "seamless" : "semi-seamless", migration.where);
      state.options.connection = migration.destination;
      if (seamless)
        self->send(state.supervisor, migrate_done_atom::value, migration.destination);
      else
        self->send(state.supervisor, migrate_switch_atom::value, migration.destination);
      self->send(state.listener, session_migrated_atom::value,
                 migration_report{migration.destination, migration.where,
                                  seamless ? migration_mode::seamless : migration_mode::semi_seamless});
      return;
    }
    case migration_step::switch_host:
      return;  // above
  }
}

session_actor::behavior_type session(session_self self, session_options options,
                                     channel_supervisor_actor channel_supervisor, session_listener listener) {
  auto& state = self->state;
  state.options = std::move(options);
  state.listener = std::move(listener);
  state.log = named_logger("session");
  state.supervisor = std::move(channel_supervisor);
  self->link_to(state.supervisor);
  self->send(state.supervisor, report_to_atom::value, supervision_listener{self});
  self->set_exit_handler([self](const caf::exit_msg& exit) {
    if (exit.reason)
      end_session(self, {channel_failure{failure_kind::stuck, self->system().render(exit.reason)}},
                  "the channel supervisor terminated: " + self->system().render(exit.reason));
  });
  state.log->info("connecting to {}", state.options.uri);

  auto& system = self->system();
  main_channel_options main_options{state.options.main_status_edge_capacity, state.options.client_mouse_mode,
                                    state.options.agent, migration_coordinator{self}, state.options.video.clock};
  supervise(
    self, {SPICE_CHANNEL_MAIN, 0},
    [&system, me = main_status_listener{self}, frontend = state.options.frontend, main_options](channel_spec spec) {
      return spawn_main_channel(system, std::move(spec), me, frontend, main_options);
    },
    [self](const caf::actor& main) { ask_main_for_the_channels(self, main); });

  return {
    [self](main_status_atom, const main_status& status) {
      self->state.status = status;
      if (!self->state.options.debug.session_ignores_main_status)
        acknowledge_edge(self, caf::actor_cast<caf::actor>(self->current_sender()), edge_ids::main_status);
    },
    [self](all_channels_up_atom, std::size_t channels_up) {
      auto& state = self->state;
      if (state.ended || channels_up != state.channels_expected)
        return;  // e.g. main alone, before the channel list arrived
      if (!state.up) {
        state.up = true;
        state.up_since = clock::now();
      }
      state.log->info("session {} up", state.info.session_id);
      self->send(state.listener, session_up_atom::value, state.status.vm_name);
    },
    [self](channel_escalation_atom, const std::string& label, const channel_failure& failure) {
      end_session(self, {failure},
                  "channel " + label + " failed (" + to_string(failure.kind) + "): " + failure.message);
    },
    [self](migrate_begin_atom, const migration_begin& begin) { return begin_migration(self, begin); },
    [self](migration_atom, const migration_notice& notice) { on_migration_notice(self, notice); },
    [self](heartbeat_atom) { return self->mailbox().size(); },
    [self](health_atom) { return health_of(self); },
    [self](shutdown_atom) {
      self->send(self->state.supervisor, shutdown_atom::value);
      end_session(self, {}, "shutdown requested");
      self->quit();
    },
  };
}

}  // namespace

session_actor spawn_session(caf::actor_system& system, session_options options,
                            channel_supervisor_actor channel_supervisor, session_listener listener) {
  return system.spawn(session, std::move(options), std::move(channel_supervisor), std::move(listener));
}

}  // namespace vigil
