// main_channel: the session's first channel. It learns the session id (INIT),
// asks for and receives the channel list (ATTACH_CHANNELS -> CHANNELS_LIST),
// and follows the VM's name, UUID, mouse mode, multimedia clock and agent.
//
// Accepts: socket messages (see channel_endpoint.hpp), (heartbeat_atom) ->
//   channel_health, (session_info_atom) -> session_info (delivered once the
//   channel list is known), (edge_ack_atom, main_status | agent_events |
//   mouse_mode, n), (agent_atom, agent_command) from the window for the
//   guest's agent (agent_events.hpp; acknowledged at once, window_agent),
//   (agent_tokens_due_atom) from itself: return the agent tokens consumed
//   (see main_agent.hpp), (shutdown_atom).
// Fails with protocol_violation when the server breaks a rule: a channel
//   listed twice or too many channels (protocol::check_channels_list), agent
//   data over 2048 bytes a chunk or beyond its tokens.
// Sends: (channel_event_atom, channel_event) to its parent on state changes;
//   (main_status_atom, main_status) to its status listener (the session)
//   once the socket data queued when it changed is handled, over a
//   keep_latest bounded edge (a listener that stops reading costs main
//   nothing); to the frontend (actors/frontend.hpp): (agent_channel_atom,
//   itself) once up, (mouse_mode_atom, mode) on a change, at the same time,
//   over a keep_latest edge of 1, and (agent_event_atom, agent_event) over
//   a bounded edge with the fault policy: a refusal is logged and counted in
//   the snapshot (a stalled window must not cost the session; the clipboard
//   can be copied again).
// The agent itself (AGENT_* messages, tokens, clipboard, monitors config) is
// main_agent (actors/main_agent.hpp).
//
// Live migration (actors/migration.hpp): main reads the server's migration
// messages and asks the session (options.migration) to carry them out. Its
// phase admits one BEGIN at a time: another while the first is still being
// connected is refused at once (MIGRATE_CONNECT_ERROR), so the destination
// is never dialled by two migrations; END only after MIGRATE_CONNECTED; a
// bad destination is refused with the reason and the session stays. On its
// own destination link main does the seamless handshake (DST_DO_SEAMLESS ->
// ACK/NACK); after a semi-seamless move it sends MIGRATE_END there and takes
// the destination's INIT without asking for the channels again.
#include <spice/enums.h>
#include <spice/protocol.h>

#include <chrono>
#include <optional>

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/agent_events.hpp"
#include "actors/channels.hpp"
#include "actors/frontend.hpp"
#include "actors/main_agent.hpp"
#include "actors/migration.hpp"
#include "common/log.hpp"

namespace vigil {

namespace {

enum class migration_phase {
  none,
  connecting,  // BEGIN read; the session links every channel to the destination
  connected,   // MIGRATE_CONNECTED(_SEAMLESS) sent; END, CANCEL or (seamless) MIGRATE may come
  moving,      // END read: the session moves every channel
};

using agent_tokens_due_atom = caf::atom_constant<caf::atom("agenttok")>;
using read_handled_atom = caf::atom_constant<caf::atom("readdone")>;

struct main_channel_state {
  std::unique_ptr<channel_endpoint> endpoint;
  session_info info;
  main_status status;
  typed_edge<main_status_listener> status_edge{"main->session status", edge_ids::main_status, 4,
                                               overflow_policy::keep_latest};
  typed_edge<frontend_actor> agent_edge{"main->frontend agent events", edge_ids::agent_events, 16,
                                        overflow_policy::fault};
  typed_edge<frontend_actor> mouse_mode_edge{"main->frontend mouse mode", edge_ids::mouse_mode, 1,
                                             overflow_policy::keep_latest};
  frontend_actor frontend;
  std::optional<std::uint16_t> mouse_mode_told;  // what the frontend was last sent
  std::unique_ptr<main_agent> agent;
  protocol::client_mouse_mode_requests mouse_mode_requests{true};
  bool have_init = false;
  // What the server's messages changed, acted on by (read_handled_atom),
  // which main sends itself on the first change: once the socket data
  // already queued is handled (at most the broker's edge of reads, bounded
  // edge with backpressure), the status goes out, the mouse mode is logged
  // and asked for, once. A server flooding MOUSE_MODE costs that once a few
  // reads, not once a message.
  bool status_changed = false;
  bool read_handled_due = false;  // a (read_handled_atom) to self is queued
  std::uint64_t mouse_mode_changes = 0;  // MOUSE_MODE messages since the last (read_handled_atom)
  std::uint32_t mouse_modes_supported = 0;  // the last one's
  bool have_channels = false;
  bool token_return_due = false;  // an (agent_tokens_due_atom) to self is queued
  std::vector<caf::response_promise> waiting_for_info;  // one per session_info request
  migration_coordinator migration;
  media_clock_ptr clock;  // the session's media clock: INIT and MULTI_MEDIA_TIME set it
  migration_phase phase = migration_phase::none;
  std::uint32_t migration_id = 0;
  bool migration_seamless = false;       // the server asked for seamless (and, once connected, got it)
  bool migration_cancelled = false;      // CANCEL while connecting: nothing is answered
  std::string migration_where;           // "HOST:PORT", for logs
  bool awaiting_seamless_ack = false;    // DST_DO_SEAMLESS sent on the destination link
  bool awaiting_destination_init = false;  // semi-seamless: the destination starts main over with INIT
  std::chrono::milliseconds migration_deadline{60000};
  static inline const char* name = "main_channel";
};

using main_actor = caf::stateful_actor<main_channel_state>;

void publish_status(main_actor* self) {
  auto& state = self->state;
  state.status_edge.send_values(self, main_status_atom::value, state.status);
  if (state.frontend && state.have_init && state.mouse_mode_told != state.status.mouse_mode) {
    state.mouse_mode_told = state.status.mouse_mode;
    state.mouse_mode_edge.send_values(self, mouse_mode_atom::value, state.status.mouse_mode);
  }
}

void deliver_info_if_ready(main_actor* self) {
  auto& state = self->state;
  if (!state.have_init || !state.have_channels)
    return;
  for (auto& promise : state.waiting_for_info)
    promise.deliver(state.info);
  state.waiting_for_info.clear();
}

// Parses a main-channel message; on failure the channel ends with the error.
template <class Parsed, class Parser>
bool parse_or_fail(main_actor* self, Parser parser, const protocol::frame& frame, Parsed& out) {
  auto parsed = parser(frame.body);
  if (!parsed) {
    self->state.endpoint->fail(failure_kind::protocol_error, parsed.error().message);
    return false;
  }
  out = std::move(*parsed);
  return true;
}

// Like remote-viewer: absolute pointer positions whenever the server can take
// them (a tablet in the guest), so the pointer needs no grab; asked again
// after the guest lost and regained its tablet (client_mouse_mode_requests).
void request_client_mouse_mode_if_due(main_actor* self, std::uint32_t current, std::uint32_t supported) {
  if (!self->state.mouse_mode_requests.on_mode(current, supported))
    return;
  self->state.endpoint->log().info("asking for client mouse mode");
  self->state.endpoint->send(SPICE_MSGC_MAIN_MOUSE_MODE_REQUEST,
                             protocol::build_mouse_mode_request(SPICE_MOUSE_MODE_CLIENT));
}

void tell_session(main_actor* self, migration_step step, protocol::migration_target target = {}) {
  auto& state = self->state;
  if (state.migration)
    self->send(state.migration, migration_atom::value, migration_notice{state.migration_id, step, std::move(target)});
}

std::string where(const protocol::migration_target& target) {
  return target.host + ":" + std::to_string(target.port) +
         (target.tls_port ? " (TLS " + std::to_string(target.tls_port) + ")" : std::string{});
}

// A destination vigil will not dial: the server hears MIGRATE_CONNECT_ERROR
// (it then sends SWITCH_HOST or nothing) and the session stays on the source.
void refuse_migration(main_actor* self, const std::string& why) {
  self->state.endpoint->log().error(
    "refusing the migration: {}; telling the server (MIGRATE_CONNECT_ERROR) and staying on the source", why);
  self->state.endpoint->send(SPICE_MSGC_MAIN_MIGRATE_CONNECT_ERROR, {});
}

void on_migration_linked(main_actor* self, std::uint32_t id, const migration_link& link) {
  auto& state = self->state;
  if (id != state.migration_id || state.phase != migration_phase::connecting)
    return;
  auto& log = state.endpoint->log();
  if (state.migration_cancelled) {
    state.phase = migration_phase::none;
    log.info("migration to {}: cancelled by the server while it was being connected", state.migration_where);
    return;
  }
  if (!link.linked) {
    state.phase = migration_phase::none;
    log.error("migration to {} failed: {}; telling the server (MIGRATE_CONNECT_ERROR) and staying on the source",
              state.migration_where, link.error);
    state.endpoint->send(SPICE_MSGC_MAIN_MIGRATE_CONNECT_ERROR, {});
    return;
  }
  state.migration_seamless = state.migration_seamless && link.seamless;
  state.phase = migration_phase::connected;
  log.info("migration to {}: every channel is linked there; MIGRATE_CONNECTED{}", state.migration_where,
           state.migration_seamless ? "_SEAMLESS" : "");
  state.endpoint->send(state.migration_seamless ? SPICE_MSGC_MAIN_MIGRATE_CONNECTED_SEAMLESS
                                                : SPICE_MSGC_MAIN_MIGRATE_CONNECTED,
                       {});
}

void on_migrate_begin(main_actor* self, const protocol::frame& frame) {
  auto& state = self->state;
  auto& log = state.endpoint->log();
  const bool seamless = frame.type == SPICE_MSG_MAIN_MIGRATE_BEGIN_SEAMLESS;
  migration_begin begin;
  begin.seamless = seamless;
  if (seamless) {
    auto parsed = protocol::parse_migrate_begin_seamless(frame.body);
    if (parsed) {
      begin.target = parsed->target;
      begin.source_version = parsed->source_version;
    } else {
      refuse_migration(self, parsed.error().message);
      return;
    }
  } else {
    auto parsed = protocol::parse_migrate_begin(frame.body);
    if (!parsed) {
      refuse_migration(self, parsed.error().message);
      return;
    }
    begin.target = *parsed;
  }
  if (!state.migration) {
    refuse_migration(self, "nobody here carries out migrations (to " + where(begin.target) + ")");
    return;
  }
  if (state.phase == migration_phase::connecting || state.phase == migration_phase::moving) {
    refuse_migration(self, "the migration to " + state.migration_where + " is still " +
                             (state.phase == migration_phase::connecting ? "being connected" : "moving the channels") +
                             " (asked to go to " + where(begin.target) + ")");
    return;
  }
  if (state.phase == migration_phase::connected)
    tell_session(self, migration_step::cancel);  // the server replaced it (client_migrate_info again)
  begin.id = ++state.migration_id;
  state.phase = migration_phase::connecting;
  state.migration_seamless = seamless;
  state.migration_cancelled = false;
  state.migration_where = where(begin.target);
  log.info("{}: the VM is moving to {}; linking every channel there", seamless ? "MIGRATE_BEGIN_SEAMLESS" : "MIGRATE_BEGIN",
           state.migration_where);
  self->request(state.migration, state.migration_deadline, migrate_begin_atom::value, begin)
    .then([self, id = begin.id](const migration_link& link) { on_migration_linked(self, id, link); },
          [self, id = begin.id](const caf::error& error) {
            on_migration_linked(self, id, migration_link{false, false, "no answer: " + self->system().render(error)});
          });
}

void on_migrate_end(main_actor* self) {
  auto& state = self->state;
  auto& log = state.endpoint->log();
  if (state.phase != migration_phase::connected || state.migration_seamless) {
    log.warn("ignoring MIGRATE_END: no semi-seamless migration is connected");
    return;
  }
  log.info("MIGRATE_END: the VM runs on {} now; moving every channel there", state.migration_where);
  state.phase = migration_phase::moving;
  tell_session(self, migration_step::end);
}

void on_migrate_cancel(main_actor* self) {
  auto& state = self->state;
  auto& log = state.endpoint->log();
  if (state.phase == migration_phase::none || state.phase == migration_phase::moving) {
    log.info("ignoring MIGRATE_CANCEL: no migration is being prepared");
    return;
  }
  log.info("MIGRATE_CANCEL: the migration to {} was cancelled; staying on the source", state.migration_where);
  tell_session(self, migration_step::cancel);
  if (state.phase == migration_phase::connecting)
    state.migration_cancelled = true;  // the phase ends with the session's answer
  else
    state.phase = migration_phase::none;
}

void on_switch_host(main_actor* self, const protocol::frame& frame) {
  auto& state = self->state;
  auto& log = state.endpoint->log();
  auto target = protocol::parse_migrate_switch_host(frame.body);
  if (!target) {
    log.error("refusing SWITCH_HOST: {}; staying on the source", target.error().message);
    return;
  }
  if (!state.migration) {
    log.error("refusing SWITCH_HOST to {}: nobody here carries out migrations", where(*target));
    return;
  }
  log.info("SWITCH_HOST: the VM runs on {} now; the session relinks there", where(*target));
  tell_session(self, migration_step::switch_host, *target);
}

// main's own move, after the session moved every channel (semi-seamless) or
// on the source's MIGRATE (seamless).
void on_main_migrated(main_actor* self, bool seamless) {
  auto& state = self->state;
  state.phase = migration_phase::none;
  if (seamless) {
    tell_session(self, migration_step::moved);
    return;
  }
  // The destination starts main over: its agent is not ours yet, and INIT
  // comes once it has our MIGRATE_END.
  state.agent->on_disconnected();
  state.status.agent_connected = false;
  publish_status(self);
  state.awaiting_destination_init = true;
  state.endpoint->send(SPICE_MSGC_MAIN_MIGRATE_END, {});
}

// Marks the status changed; it goes out once the reads already queued are handled.
void status_changed(main_actor* self) {
  auto& state = self->state;
  state.status_changed = true;
  if (!state.read_handled_due) {
    state.read_handled_due = true;
    self->send(self, read_handled_atom::value);
  }
}

// The status, and the mouse mode's log line and request for what the last
// MOUSE_MODE said.
void on_reads_handled(main_actor* self) {
  auto& state = self->state;
  state.read_handled_due = false;
  if (state.mouse_mode_changes > 0 && state.endpoint->state() == channel_state::up) {
    const auto current = state.status.mouse_mode;
    if (state.mouse_mode_changes == 1)
      state.endpoint->log().info("mouse mode {} (supported {:#x})", current, state.mouse_modes_supported);
    else
      state.endpoint->log().info("mouse mode {} (supported {:#x}), the last of {} changes", current,
                                 state.mouse_modes_supported, state.mouse_mode_changes);
    state.mouse_mode_changes = 0;
    request_client_mouse_mode_if_due(self, current, state.mouse_modes_supported);
  }
  if (state.status_changed) {
    state.status_changed = false;
    publish_status(self);
  }
}

void on_main_message(main_actor* self, const protocol::frame& frame) {
  auto& state = self->state;
  auto& endpoint = *state.endpoint;
  auto& log = endpoint.log();
  switch (frame.type) {
    case SPICE_MSG_MAIN_INIT: {
      protocol::main_init init;
      if (!parse_or_fail(self, protocol::parse_main_init, frame, init))
        return;
      state.info.session_id = init.session_id;
      state.have_init = true;
      state.status.mouse_mode = static_cast<std::uint16_t>(init.current_mouse_mode);
      state.status.agent_connected = init.agent_connected != 0;
      state.status.multi_media_time = init.multi_media_time;
      state.info.mm_time = protocol::mm_time_sync{init.multi_media_time, media_local_ms()};
      if (state.clock)
        state.clock->from_main(init.multi_media_time, state.info.mm_time->local_ms);
      status_changed(self);
      log.info("INIT: session {}, mouse mode {} (supported {:#x}), agent {}, {} display channel(s)",
               init.session_id, init.current_mouse_mode, init.supported_mouse_modes,
               init.agent_connected ? "connected" : "absent", init.display_channels_hint);
      state.agent->on_init(init.agent_connected != 0, init.agent_tokens);
      if (state.awaiting_destination_init) {
        // The channels are those of the source, already moved here.
        state.awaiting_destination_init = false;
        log.info("migration (semi-seamless) complete: the destination's INIT arrived");
      } else {
        endpoint.send(SPICE_MSGC_MAIN_ATTACH_CHANNELS, protocol::build_attach_channels());
      }
      request_client_mouse_mode_if_due(self, init.current_mouse_mode, init.supported_mouse_modes);
      return;
    }
    case SPICE_MSG_MAIN_CHANNELS_LIST: {
      protocol::channels_list list;
      if (!parse_or_fail(self, protocol::parse_channels_list, frame, list))
        return;
      if (auto broken = protocol::check_channels_list(list)) {
        endpoint.fail(failure_kind::protocol_violation, broken->message);
        return;
      }
      state.info.channels = list.channels;
      state.have_channels = true;
      std::string names;
      for (const auto& channel : list.channels)
        names += std::string(names.empty() ? "" : ", ") + protocol::channel_type_name(channel.type) + ":" +
                 std::to_string(channel.id);
      log.info("CHANNELS_LIST: {}", names);
      deliver_info_if_ready(self);
      return;
    }
    case SPICE_MSG_MAIN_NAME: {
      protocol::vm_name name;
      if (!parse_or_fail(self, protocol::parse_name, frame, name))
        return;
      state.status.vm_name = name.name;
      status_changed(self);
      log.info("VM name: {}", server_text(name.name));
      return;
    }
    case SPICE_MSG_MAIN_UUID: {
      protocol::vm_uuid uuid;
      if (!parse_or_fail(self, protocol::parse_uuid, frame, uuid))
        return;
      state.status.vm_uuid = protocol::uuid_to_string(uuid);
      status_changed(self);
      log.info("VM UUID: {}", state.status.vm_uuid);
      return;
    }
    case SPICE_MSG_MAIN_MOUSE_MODE: {
      protocol::mouse_mode mode;
      if (!parse_or_fail(self, protocol::parse_mouse_mode, frame, mode))
        return;
      state.status.mouse_mode = mode.current;
      status_changed(self);
      ++state.mouse_mode_changes;
      state.mouse_modes_supported = mode.supported;
      return;
    }
    case SPICE_MSG_MAIN_MULTI_MEDIA_TIME: {
      protocol::multi_media_time time;
      if (!parse_or_fail(self, protocol::parse_multi_media_time, frame, time))
        return;
      state.status.multi_media_time = time.time;
      if (state.clock)
        state.clock->from_main(time.time, media_local_ms());
      status_changed(self);
      log.debug("multimedia time {}", time.time);
      return;
    }
    case SPICE_MSG_MAIN_AGENT_CONNECTED:
      state.status.agent_connected = true;
      status_changed(self);
      log.info("agent connected");
      state.agent->on_connected(std::nullopt);
      return;
    case SPICE_MSG_MAIN_AGENT_CONNECTED_TOKENS: {
      protocol::agent_connected_tokens tokens;
      if (!parse_or_fail(self, protocol::parse_agent_connected_tokens, frame, tokens))
        return;
      state.status.agent_connected = true;
      status_changed(self);
      log.info("agent connected ({} tokens)", tokens.tokens);
      state.agent->on_connected(tokens.tokens);
      return;
    }
    case SPICE_MSG_MAIN_AGENT_DISCONNECTED: {
      protocol::agent_disconnected gone;
      if (!parse_or_fail(self, protocol::parse_agent_disconnected, frame, gone))
        return;
      state.status.agent_connected = false;
      status_changed(self);
      log.info("agent disconnected (error {})", gone.error);
      state.agent->on_disconnected();
      return;
    }
    case SPICE_MSG_MAIN_AGENT_TOKEN: {
      protocol::agent_token tokens;
      if (parse_or_fail(self, protocol::parse_agent_token, frame, tokens))
        state.agent->on_token(tokens.tokens);
      return;
    }
    case SPICE_MSG_MAIN_AGENT_DATA:
      // A broken agent stream is the agent's problem, not the session's: it is
      // reported (snapshot, log) and the agent's data ignored until it reconnects.
      // Tokens go back once the socket data already queued is handled.
      state.agent->on_data(frame.body);
      if (!state.token_return_due && state.endpoint->state() == channel_state::up) {
        state.token_return_due = true;
        self->send(self, agent_tokens_due_atom::value);
      }
      return;
    case SPICE_MSG_MAIN_MIGRATE_BEGIN:
    case SPICE_MSG_MAIN_MIGRATE_BEGIN_SEAMLESS:
      on_migrate_begin(self, frame);
      return;
    case SPICE_MSG_MAIN_MIGRATE_END:
      on_migrate_end(self);
      return;
    case SPICE_MSG_MAIN_MIGRATE_CANCEL:
      on_migrate_cancel(self);
      return;
    case SPICE_MSG_MAIN_MIGRATE_SWITCH_HOST:
      on_switch_host(self, frame);
      return;
    case SPICE_MSG_MAIN_MIGRATE_DST_SEAMLESS_ACK:
    case SPICE_MSG_MAIN_MIGRATE_DST_SEAMLESS_NACK:
      log.warn("ignoring {} from the source: it belongs on the destination link",
               protocol::message_type_name(SPICE_CHANNEL_MAIN, frame.type));
      return;
    default:
      log.debug("ignoring {}", protocol::message_type_name(SPICE_CHANNEL_MAIN, frame.type));
  }
}

caf::behavior main_channel(main_actor* self, channel_spec spec, main_status_listener status_listener,
                           frontend_actor frontend, main_channel_options options) {
  spec.channel_caps = {SPICE_MAIN_CAP_NAME_AND_UUID, SPICE_MAIN_CAP_AGENT_CONNECTED_TOKENS,
                       SPICE_MAIN_CAP_SEMI_SEAMLESS_MIGRATE, SPICE_MAIN_CAP_SEAMLESS_MIGRATE};
  // Main answers BEGIN once the session linked every channel (main, then the
  // rest, each within its connect and link timeouts).
  const auto& connection = spec.connection;
  self->state.migration_deadline = 2 * (connection.connect_timeout + connection.link_timeout) + std::chrono::seconds(5);
  auto& state = self->state;
  state.status_edge = typed_edge<main_status_listener>{"main->session status", edge_ids::main_status,
                                                       options.status_edge_capacity, overflow_policy::keep_latest};
  state.mouse_mode_requests = protocol::client_mouse_mode_requests{options.request_client_mouse_mode};
  state.status_edge.connect(status_listener);
  state.frontend = std::move(frontend);
  state.agent_edge.connect(state.frontend);
  state.mouse_mode_edge.connect(state.frontend);
  state.migration = options.migration;
  state.clock = options.clock;
  channel_endpoint::hooks hooks;
  hooks.on_message = [self](const protocol::frame& frame) { on_main_message(self, frame); };
  hooks.on_up = [self] {
    if (self->state.frontend)
      self->send(self->state.frontend, agent_channel_atom::value, caf::actor_cast<agent_actor>(self));
  };
  hooks.on_migrated = [self](bool seamless) { on_main_migrated(self, seamless); };
  hooks.hold_source_after_seamless_move = true;
  // Seamless: the destination must agree (DST_DO_SEAMLESS -> ACK/NACK on the
  // destination link) before main says it is connected.
  hooks.on_destination_linked = [self](bool seamless, std::uint32_t source_version) {
    if (!seamless)
      return true;
    self->state.awaiting_seamless_ack = true;
    self->state.endpoint->send_to_destination(SPICE_MSGC_MAIN_MIGRATE_DST_DO_SEAMLESS,
                                              protocol::build_migrate_dst_do_seamless(source_version));
    return false;
  };
  hooks.on_destination_message = [self](const protocol::frame& frame) {
    auto& state = self->state;
    if (frame.type != SPICE_MSG_MAIN_MIGRATE_DST_SEAMLESS_ACK && frame.type != SPICE_MSG_MAIN_MIGRATE_DST_SEAMLESS_NACK)
      return false;
    if (!state.awaiting_seamless_ack)
      return true;  // not asked for: dropped
    state.awaiting_seamless_ack = false;
    const bool acknowledged = frame.type == SPICE_MSG_MAIN_MIGRATE_DST_SEAMLESS_ACK;
    state.endpoint->log().info("the destination {} seamless migration (DST_SEAMLESS_{})",
                               acknowledged ? "agreed to" : "refused", acknowledged ? "ACK" : "NACK");
    state.endpoint->finish_migration_link(true, acknowledged, "");
    return true;
  };
  // Each PING answered goes out at once, as its PONG does: the session's
  // view of main's liveness is never a read behind (a PING flood costs a
  // PONG a message anyway).
  hooks.on_ping_answered = [self] {
    ++self->state.status.pings_answered;
    self->state.status_changed = false;
    publish_status(self);
  };
  hooks.add_health = [self](channel_health& health) {
    health.edges.push_back(edge_report_of(self->state.status_edge));
    health.edges.push_back(edge_report_of(self->state.agent_edge));
    health.edges.push_back(edge_report_of(self->state.mouse_mode_edge));
    health.agent = self->state.agent->report();
  };
  state.endpoint = std::make_unique<channel_endpoint>(self, std::move(spec), std::move(hooks));
  main_agent::outputs agent_out;
  agent_out.send_frame = [self](std::uint16_t type, const protocol::bytes& body) {
    self->state.endpoint->send(type, body);
  };
  agent_out.to_frontend = [self](agent_event event) {
    auto& state = self->state;
    if (!state.frontend)
      return;  // nobody to tell (a channel test without a frontend)
    // A file's progress so far is superseded by the next report: with the
    // edge full it is skipped, so it never takes the room a transfer's end
    // or the clipboard's data needs.
    auto progress = std::get_if<file_progress>(&event);
    if (progress && !progress->finished && state.agent_edge.full())
      return;
    if (!state.agent_edge.send_values(self, agent_event_atom::value, std::move(event)))
      state.endpoint->log().warn("agent event refused: the frontend has {} unacknowledged agent events",
                                 state.agent_edge.capacity());
  };
  agent_out.violation = [self](const std::string& why) {
    self->state.endpoint->fail(failure_kind::protocol_violation, why);
  };
  state.agent =
    std::make_unique<main_agent>(options.agent, std::move(agent_out), state.endpoint->log(), state.endpoint->memory());
  state.endpoint->start();
  return caf::behavior{state.endpoint->handlers().or_else(
    [self](edge_ack_atom, std::uint32_t edge, std::uint32_t count) {
      if (edge == edge_ids::agent_events)
        self->state.agent_edge.on_ack(self, count);
      else if (edge == edge_ids::mouse_mode)
        self->state.mouse_mode_edge.on_ack(self, count);
      else if (edge == edge_ids::main_status)
        self->state.status_edge.on_ack(self, count);
    },
    [self](agent_atom, const agent_command& command) {
      self->state.agent->on_frontend(command);
      acknowledge_edge(self, caf::actor_cast<caf::actor>(self->current_sender()), edge_ids::window_agent);
    },
    [self](read_handled_atom) { on_reads_handled(self); },
    [self](agent_tokens_due_atom) {
      self->state.token_return_due = false;
      self->state.agent->return_tokens();
    },
    [self](session_info_atom) {
      auto promise = self->make_response_promise();
      self->state.waiting_for_info.push_back(promise);
      deliver_info_if_ready(self);
      return promise;
    })};
}

}  // namespace

caf::actor spawn_main_channel(caf::actor_system& system, channel_spec spec, main_status_listener status_listener,
                              frontend_actor frontend, main_channel_options options) {
  return system.spawn(main_channel, std::move(spec), std::move(status_listener), std::move(frontend), options);
}

}  // namespace vigil
