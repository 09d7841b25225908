#include "actors/session.hpp"

#include <memory>

#include <spice/enums.h>

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/agent_events.hpp"
#include "actors/channel_supervision.hpp"
#include "actors/channels.hpp"
#include "actors/input_events.hpp"
#include "actors/messages.hpp"
#include "actors/usb_autoshare.hpp"
#include "actors/webdav_channel.hpp"
#include "common/log.hpp"

namespace vigil {

namespace {

using clock = std::chrono::steady_clock;

struct session_state {
  session_options options;
  caf::actor observer;
  caf::actor supervisor;
  std::shared_ptr<spdlog::logger> log;
  session_info info;
  main_status status;
  std::size_t channels_expected = 0;  // main + the listed channels we support; 0 until the list is known
  bool up = false;
  bool ended = false;
  clock::time_point up_since;
  static inline const char* name = "session";
};

using session_actor = caf::stateful_actor<session_state>;

std::string label_of(std::uint8_t type, std::uint8_t id) {
  return std::string(protocol::channel_type_name(type)) + ":" + std::to_string(id);
}

// The channel's spec; the debug fault only reaches the first incarnation of
// the channel it names, so a restart really does heal it.
channel_spec spec_for(session_actor* self, std::uint8_t type, std::uint8_t id, std::uint32_t connection_id,
                      const caf::actor& supervisor, unsigned incarnation) {
  channel_spec spec;
  spec.type = type;
  spec.id = id;
  spec.connection_id = connection_id;
  spec.connection = self->state.options.connection;
  spec.parent = supervisor;
  const auto& debug = self->state.options.debug;
  if (incarnation == 0 && debug.channel == label_of(type, id))
    spec.fault = debug.fault;
  return spec;
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

void supervise(session_actor* self, std::uint8_t type, std::uint8_t id,
               std::function<caf::actor(channel_spec)> spawn_with_spec,
               std::function<void(caf::actor)> on_first = nullptr) {
  supervised_channel how;
  how.label = label_of(type, id);
  how.essential = type == SPICE_CHANNEL_MAIN;
  how.watch_silence = type == SPICE_CHANNEL_MAIN || type == SPICE_CHANNEL_DISPLAY;
  auto session_id = self->state.info.session_id;
  how.spawn = [self, type, id, session_id, spawn_with_spec](const caf::actor& supervisor, unsigned incarnation) {
    return spawn_with_spec(spec_for(self, type, id, session_id, supervisor, incarnation));
  };
  self->request(self->state.supervisor, caf::infinite, supervise_atom::value, std::move(how))
    .then([on_first](const caf::actor& first) {
      if (on_first)
        on_first(first);
    });
}

void supervise_listed_channels(session_actor* self) {
  auto& state = self->state;
  auto& system = self->system();
  auto display_init = state.options.display_init;
  std::size_t supervised = 1;  // main
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
  for (const auto& address : state.info.channels) {
    bool supported = address.type == SPICE_CHANNEL_DISPLAY || address.type == SPICE_CHANNEL_INPUTS ||
                     address.type == SPICE_CHANNEL_CURSOR ||
                     (address.type == SPICE_CHANNEL_PLAYBACK && state.options.audio_enabled) ||
                     (address.type == SPICE_CHANNEL_USBREDIR && usb_devices_placed < usb_devices.size()) ||
                     (address.type == SPICE_CHANNEL_WEBDAV && !state.options.share.directory.empty());
    supervised += supported ? 1 : 0;
    switch (address.type) {
      case SPICE_CHANNEL_MAIN:
        continue;  // already supervised
      case SPICE_CHANNEL_DISPLAY: {
        // Only the first display's frames are shown; others are drawn but not rendered.
        auto renderer = address.id == 0 ? state.options.renderer : renderer_actor{};
        supervise(self, address.type, address.id,
                  [&system, display_init, video = state.options.video, renderer,
                   mm_time = state.info.mm_time](channel_spec spec) {
                    return spawn_display_channel(system, std::move(spec), display_init, video, renderer, mm_time);
                  });
        break;
      }
      case SPICE_CHANNEL_INPUTS:
        supervise(self, address.type, address.id,
                  [&system](channel_spec spec) { return spawn_inputs_channel(system, std::move(spec)); });
        break;
      case SPICE_CHANNEL_CURSOR:
        supervise(self, address.type, address.id,
                  [&system, renderer = state.options.renderer](channel_spec spec) {
                    return spawn_cursor_channel(system, std::move(spec), renderer);
                  });
        break;
      case SPICE_CHANNEL_PLAYBACK:
        if (!state.options.audio_enabled) {
          state.log->info("channel {} not connected: audio.enabled is false", label_of(address.type, address.id));
          break;
        }
        supervise(self, address.type, address.id,
                  [&system, sink = state.options.audio, playback = state.options.playback](channel_spec spec) {
                    return spawn_playback_channel(system, std::move(spec), sink, playback);
                  });
        break;
      case SPICE_CHANNEL_WEBDAV:
        if (state.options.share.directory.empty()) {
          state.log->info("channel {} not connected: no folder shared (--share-dir)", label_of(address.type, address.id));
          break;
        }
        supervise(self, address.type, address.id, [&system, folder = state.options.share](channel_spec spec) {
          return spawn_webdav_channel(system, std::move(spec), folder);
        });
        break;
      case SPICE_CHANNEL_USBREDIR:
        // One device per channel, in the order the server lists them.
        if (usb_devices_placed >= usb_devices.size()) {
          state.log->info("channel {} not connected: no USB device for it", label_of(address.type, address.id));
          break;
        }
        supervise(self, address.type, address.id,
                  [&system, device = usb_devices[usb_devices_placed++]](channel_spec spec) {
                    return spawn_usbredir_channel(system, std::move(spec), device);
                  });
        break;
      default:
        state.log->info("channel {} offered by the server is not supported yet; not connecting it",
                        label_of(address.type, address.id));
    }
  }
  state.channels_expected = supervised;
  if (usb_devices_placed < usb_devices.size() && usb_devices[usb_devices_placed].what != usb_device_spec::kind::none)
    state.log->warn("{} USB device(s) not redirected: the server offers only {} usbredir channel(s)",
                    usb_devices.size() - usb_devices_placed, usb_devices_placed);
}

session_health base_health(session_actor* self) {
  auto& state = self->state;
  session_health health;
  health.state = state.ended ? "ended" : state.up ? "up" : "connecting";
  if (state.up)
    health.uptime_s = std::chrono::duration<double>(clock::now() - state.up_since).count();
  health.session_id = state.info.session_id;
  health.vm_name = state.status.vm_name;
  health.vm_uuid = state.status.vm_uuid;
  health.uri = state.options.uri;
  return health;
}

caf::behavior session(session_actor* self, session_options options, caf::actor channel_supervisor,
                      caf::actor observer) {
  auto& state = self->state;
  state.options = std::move(options);
  state.observer = std::move(observer);
  state.log = named_logger("session");
  auto me = caf::actor_cast<caf::actor>(self);
  state.supervisor = std::move(channel_supervisor);
  self->link_to(state.supervisor);
  self->send(state.supervisor, report_to_atom::value, me);
  self->set_exit_handler([self](const caf::exit_msg& exit) {
    if (exit.reason)
      end_session(self, {channel_failure{failure_kind::stuck, self->system().render(exit.reason)}},
                  "the channel supervisor terminated: " + self->system().render(exit.reason));
  });
  state.log->info("connecting to {}", state.options.uri);

  auto& system = self->system();
  main_channel_options main_options{state.options.main_status_edge_capacity, state.options.client_mouse_mode,
                                    state.options.agent};
  supervise(
    self, SPICE_CHANNEL_MAIN, 0,
    [&system, me, main_options](channel_spec spec) {
      return spawn_main_channel(system, std::move(spec), me, main_options);
    },
    [self](const caf::actor& main) {
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
                        "main channel did not deliver the session id and channel list: " +
                          self->system().render(error));
          });
    });

  return {
    [self](main_status_atom, const main_status& status) {
      if (status.mouse_mode != self->state.status.mouse_mode)
        self->send(self->state.observer, mouse_mode_atom::value, status.mouse_mode);
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
      self->send(state.observer, session_up_atom::value);
    },
    [self](channel_escalation_atom, const std::string& label, const channel_failure& failure) {
      end_session(self, {failure},
                  "channel " + label + " failed (" + to_string(failure.kind) + "): " + failure.message);
    },
    [self](heartbeat_atom) { return self->mailbox().size(); },
    [self](input_atom atom, const caf::message& event) { self->send(self->state.supervisor, atom, event); },
    [self](agent_atom atom, const caf::message& event) { self->send(self->state.supervisor, atom, event); },
    [self](agent_event_atom atom, const caf::message& event) {
      acknowledge_edge(self, caf::actor_cast<caf::actor>(self->current_sender()), edge_ids::agent_events);
      self->send(self->state.observer, atom, event);
    },
    [self](health_atom) {
      auto promise = self->make_response_promise();
      auto health = base_health(self);
      self->request(self->state.supervisor, self->state.options.health_deadline, health_atom::value)
        .then(
          [promise, health](std::vector<channel_health> channels) mutable {
            health.channels = std::move(channels);
            promise.deliver(health);
          },
          [promise, health](const caf::error&) mutable {
            health.state += " (channel supervisor did not answer)";
            promise.deliver(health);
          });
      return promise;
    },
    [self](dump_primary_atom atom, const std::string& path) {
      auto promise = self->make_response_promise();
      self->request(self->state.supervisor, self->state.options.health_deadline, atom, path)
        .then([promise](const std::string& error) mutable { promise.deliver(error); },
              [promise](const caf::error& error) mutable { promise.deliver("display did not answer: " + to_string(error)); });
      return promise;
    },
    [self](shutdown_atom) {
      self->send(self->state.supervisor, shutdown_atom::value);
      end_session(self, {}, "shutdown requested");
      self->quit();
    },
  };
}

}  // namespace

caf::actor spawn_session(caf::actor_system& system, session_options options, caf::actor channel_supervisor,
                         caf::actor observer) {
  return system.spawn(session, std::move(options), std::move(channel_supervisor), std::move(observer));
}

}  // namespace vigil
