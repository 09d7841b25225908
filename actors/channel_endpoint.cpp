#include "actors/channel_endpoint.hpp"

#include <spice/enums.h>
#include <spice/protocol.h>

#include <algorithm>
#include <thread>


#include "actors/migration.hpp"
#include "common/log.hpp"

namespace vigil {

namespace {

using link_deadline_atom = caf::atom_constant<caf::atom("linkdead")>;
using debug_stall_atom = caf::atom_constant<caf::atom("dbgstall")>;

protocol::capability_set client_common_caps() {
  return {SPICE_COMMON_CAP_PROTOCOL_AUTH_SELECTION, SPICE_COMMON_CAP_AUTH_SPICE, SPICE_COMMON_CAP_AUTH_SASL,
          SPICE_COMMON_CAP_MINI_HEADER};
}

failure_kind kind_of_link_failure(std::uint32_t link_error) {
  switch (link_error) {
    case 0: return failure_kind::protocol_error;  // we rejected the reply ourselves
    case SPICE_LINK_ERR_PERMISSION_DENIED: return failure_kind::auth_failed;
    default: return failure_kind::link_refused;
  }
}

}  // namespace

channel_endpoint::channel_endpoint(caf::event_based_actor* self, channel_spec spec, hooks hooks)
    : self_(self), spec_(std::move(spec)), hooks_(std::move(hooks)),
      chunks_(std::make_shared<chunk_pool>(spec_.connection.max_unconsumed_chunks)) {
  health_.channel = protocol::channel_type_name(spec_.type);
  health_.type = spec_.type;
  health_.id = spec_.id;
  log_ = named_logger(health_.channel + ":" + std::to_string(spec_.id));
  if (spec_.memory)
    memory_ = protocol::memory_account(spec_.memory, health_.channel + ":" + std::to_string(spec_.id));
  // The broker always says sock_closed before it quits; this catches it dying
  // any other way, so the channel never waits on a socket that is gone.
  // Whoever supervises the channel may be killed (a stuck session is
  // replaced whole): a channel never outlives its parent.
  self_->monitor(spec_.parent);
  self_->set_down_handler([this](const caf::down_msg& down) {
    if (broker_ && down.source == broker_.address())
      on_socket_closed("socket broker terminated: " + self_->system().render(down.reason));
    else if (destination_ && destination_->broker_ && down.source == destination_->broker_.address())
      destination_->on_socket_closed("socket broker terminated: " + self_->system().render(down.reason));
    if (down.source == spec_.parent.address()) {
      close("supervisor gone");
      self_->quit();
    }
  });
}

// A destination link: the same connection steps, reporting to `source`
// instead of the supervisor (set_state, fail) and handing the channel's own
// messages to it (on_destination_frame). No monitors or handlers of its own:
// the source routes its broker's messages here.
channel_endpoint::channel_endpoint(channel_endpoint& source, channel_spec destination_spec)
    : self_(source.self_), spec_(std::move(destination_spec)),
      chunks_(std::make_shared<chunk_pool>(spec_.connection.max_unconsumed_chunks)), source_(&source) {
  health_.channel = protocol::channel_type_name(spec_.type);
  health_.type = spec_.type;
  health_.id = spec_.id;
  log_ = named_logger(source.label() + ">destination");
  memory_ = source.memory_;  // the channel's account: the reassembler moves to the source with the link
  hooks_.on_message = [this](const protocol::frame& frame) { source_->on_destination_frame(frame); };
}

std::string channel_endpoint::label() const { return health_.channel + ":" + std::to_string(spec_.id); }

// Unique across the channel's connections (its destination link's included),
// so a deadline or a connector's answer finds the connection it was for.
std::uint32_t channel_endpoint::new_attempt() { return source_ ? source_->new_attempt() : ++attempts_made_; }

channel_endpoint* channel_endpoint::with_attempt(std::uint32_t attempt) {
  if (attempt_ == attempt)
    return this;
  if (destination_ && destination_->attempt_ == attempt)
    return destination_.get();
  return nullptr;
}

channel_endpoint* channel_endpoint::link_of(const caf::strong_actor_ptr& sender) {
  if (broker_ && sender == broker_)
    return this;
  if (destination_ && destination_->broker_ && sender == destination_->broker_)
    return destination_.get();
  return nullptr;
}

// TLS first whenever a TLS port is known, for every channel: the ticket
// never goes in clear to whatever answers on the plain port, and a man in the
// middle cannot keep a channel in plain text by never saying NEED_SECURED
// (security review M7). Plain text only without a TLS port, or for a channel
// that a verified TLS server sends there (NEED_UNSECURED, on_link_bytes).
void channel_endpoint::start() { connect(spec_.connection.tls_port != 0); }

bool channel_endpoint::must_stay_on_tls() const {
  const auto& secure = spec_.connection.secure_channels;
  return std::find(secure.begin(), secure.end(), "all") != secure.end() ||
         std::find(secure.begin(), secure.end(), protocol::channel_type_name(spec_.type)) != secure.end();
}

void channel_endpoint::connect(bool use_tls) {
  const auto& connection = spec_.connection;
  on_tls_ = use_tls;
  health_.tls = use_tls;
  attempt_ = new_attempt();
  set_state(channel_state::connecting);
  socket_settings settings;
  settings.host = connection.host;
  settings.port = use_tls ? connection.tls_port : connection.plain_port;
  settings.unix_path = connection.unix_path;
  settings.proxy = connection.proxy;
  settings.use_tls = use_tls;
  settings.tls = connection.tls;
  settings.connect_timeout = connection.connect_timeout;
  settings.keepalive = connection.keepalive;
  settings.max_unconsumed_chunks = connection.max_unconsumed_chunks;
  settings.max_unsent_bytes = connection.max_unsent_bytes;
  if (!settings.unix_path.empty())
    log_->debug("connecting to Unix socket {}", settings.unix_path);
  else
    log_->debug("connecting to {}:{}{}{}", settings.host, settings.port, use_tls ? " (TLS)" : "",
                settings.proxy ? " through proxy " + settings.proxy->redacted() : std::string{});
  health_.server = settings.unix_path.empty() ? settings.host + ":" + std::to_string(settings.port) : settings.unix_path;
  auto connector = spawn_socket_connector(self_->system());
  // The connector enforces connect_timeout itself; the margin covers spawning.
  auto request_deadline = connection.connect_timeout + std::chrono::seconds(2);
  auto attempt = attempt_;
  // Resolved through the channel's first endpoint: a destination link may be
  // gone (a cancelled migration) by the time the connector answers.
  channel_endpoint* root = source_ ? source_ : this;
  self_->request(connector, request_deadline, connect_atom::value, settings)
    .then(
      [root, attempt, settings](const connect_outcome& outcome) {
        if (auto* link = root->with_attempt(attempt))
          link->on_connected(outcome, settings);
        // else a stale attempt: its socket closes with the message
      },
      [root, attempt](const caf::error& error) {
        auto* link = root->with_attempt(attempt);
        if (link && link->health_.state == channel_state::connecting)
          link->fail(failure_kind::connect_failed, "connect did not finish: " + link->self_->system().render(error));
      });
}

void channel_endpoint::on_connected(const connect_outcome& outcome, const socket_settings& settings) {
  if (health_.state != channel_state::connecting)
    return;
  if (!outcome.socket) {
    fail(failure_kind::connect_failed, outcome.error);
    return;
  }
  broker_ = spawn_socket_broker(self_->system(), outcome.socket->take(), settings, caf::actor_cast<caf::actor>(self_),
                                chunks_);
  self_->monitor(broker_);
  self_->delayed_send(self_, spec_.connection.link_timeout, link_deadline_atom::value, attempt_);
}

void channel_endpoint::on_socket_ready(const std::string& tls_description) {
  if (!tls_description.empty())
    log_->info("TLS established: {}", tls_description);
  protocol::link_request request;
  request.connection_id = spec_.connection_id;
  request.channel_type = spec_.type;
  request.channel_id = spec_.id;
  request.common_caps = client_common_caps();
  request.channel_caps = spec_.channel_caps;
  handshake_.emplace(request, spec_.connection.password);
  set_state(channel_state::linking);
  write(handshake_->start());
}

void channel_endpoint::on_socket_data(const byte_buffer& bytes) {
  health_.bytes_in += bytes.size();
  touch();
  if (health_.state == channel_state::linking || health_.state == channel_state::up)
    on_stream(bytes.data(), bytes.size());
}

// Runs the SASL exchange the handshake handed over; once it is done the
// handshake reads the link result from the bytes that follow.
void channel_endpoint::on_sasl_bytes(const std::uint8_t* data, std::size_t size) {
  protocol::bytes to_send;
  auto status = sasl_->feed(data, size, to_send);
  write(to_send);
  if (status == sasl_client::status::failed) {
    bool credentials = sasl_->credentials_missing() || sasl_->credentials_refused();
    fail(credentials ? failure_kind::auth_failed : failure_kind::link_refused, sasl_->error(), credentials);
    return;
  }
  if (status == sasl_client::status::running)
    return;
  health_.auth = "sasl";
  health_.sasl_mechanism = sasl_->mechanism();
  health_.sasl_ssf = sasl_->ssf();
  log_->info("SASL: authenticated with {} (security strength {}{})", sasl_->mechanism(), sasl_->ssf(),
             sasl_->has_layer() ? ": the stream is wrapped in its security layer after the link" : "");
  handshake_->sasl_finished();
  // From here on, with a security layer, every byte both ways is wrapped,
  // starting with the link result.
  layered_ = sasl_->has_layer();
  auto unread = sasl_->take_unread();
  on_stream(unread.data(), unread.size());
}

void channel_endpoint::on_link_bytes(const std::uint8_t* data, std::size_t size) {
  if (sasl_ && sasl_->current() == sasl_client::status::running) {
    on_sasl_bytes(data, size);
    return;
  }
  protocol::bytes to_send, leftover;
  auto step = handshake_->feed(data, size, to_send, leftover);
  write(to_send);
  using state = protocol::link_handshake::state;
  if (step == state::sasl) {
    const auto& connection = spec_.connection;
    sasl_ = std::make_unique<sasl_client>(connection.unix_path.empty() ? connection.host : "localhost",
                                          sasl_credentials{connection.username, connection.password}, on_tls_);
    if (sasl_->current() == sasl_client::status::failed) {
      fail(failure_kind::link_refused, sasl_->error());
      return;
    }
    on_sasl_bytes(leftover.data(), leftover.size());
    return;
  }
  if (step == state::failed) {
    const auto& why = *handshake_->failed_because();
    if (why.link_error == SPICE_LINK_ERR_NEED_SECURED && !on_tls_) {
      fail(failure_kind::link_refused, "server requires TLS for this channel (NEED_SECURED) but no tls-port is set");
      return;
    }
    // The server behind a verified certificate wants this channel in plain
    // text (QEMU's plaintext-channel=): it may have it, unless the user said
    // it must be secure.
    if (why.link_error == SPICE_LINK_ERR_NEED_UNSECURED && on_tls_) {
      if (spec_.connection.plain_port == 0 || must_stay_on_tls()) {
        fail(failure_kind::link_refused,
             std::string("server wants this channel in plain text (NEED_UNSECURED) but ") +
               (spec_.connection.plain_port == 0 ? "no plain port is set" : "secure-channels keeps it on TLS"));
        return;
      }
      log_->info("the TLS server wants this channel in plain text (NEED_UNSECURED): moving to port {}",
                 spec_.connection.plain_port);
      self_->send(broker_, sock_shutdown_atom::value);
      broker_ = nullptr;
      connect(false);
      return;
    }
    fail(kind_of_link_failure(why.link_error), why.message);
    return;
  }
  if (step != state::linked)
    return;
  if (!handshake_->uses_sasl())
    health_.auth = "spice-ticket";
  const auto& outcome = handshake_->outcome();
  reassembler_.emplace(outcome.mini_header, spec_.connection.max_message_bytes, memory_);
  writer_.emplace(outcome.mini_header);
  log_->info("linked ({} header){}", outcome.mini_header ? "mini" : "full", on_tls_ ? " over TLS" : "");
  set_state(channel_state::up);
  apply_debug_fault_after_up();
  if (hooks_.on_up)
    hooks_.on_up();
  if (!leftover.empty() && health_.state == channel_state::up)
    on_frames(leftover.data(), leftover.size());  // already unwrapped
}

// Bytes from the socket: unwrapped from the SASL layer, if any, then to the
// link handshake or, once up, to framing.
void channel_endpoint::on_stream(const std::uint8_t* data, std::size_t size) {
  auto deliver = [this](const std::uint8_t* plain, std::size_t plain_size) {
    if (health_.state == channel_state::linking)
      on_link_bytes(plain, plain_size);
    else if (health_.state == channel_state::up)
      on_frames(plain, plain_size);
  };
  if (!layered_) {
    deliver(data, size);
    return;
  }
  protocol::bytes plain;
  if (!sasl_->decode(data, size, plain)) {
    fail(failure_kind::protocol_error, sasl_->error());
    return;
  }
  if (!plain.empty())
    deliver(plain.data(), plain.size());
}

protocol::capability_set channel_endpoint::server_channel_caps() const {
  if (!handshake_ || handshake_->current() != protocol::link_handshake::state::linked)
    return {};
  return handshake_->outcome().server_channel_caps;
}

void channel_endpoint::on_frames(const std::uint8_t* data, std::size_t size) {
  reassembler_->feed(data, size);
  // A move (seamless MIGRATE_DATA) replaces the reassembler: what the source
  // sent after it is left behind with the source.
  const auto moves = moves_;
  while (health_.state == channel_state::up && moves == moves_) {
    auto next = reassembler_->next();
    if (!next) {
      fail(next.error().budget_exceeded ? failure_kind::memory_budget : failure_kind::protocol_error,
           next.error().message);
      return;
    }
    if (!next.value())
      return;
    protocol::frame& frame = *next.value();
    ++health_.messages_in;
    if (acks_.on_message_received())
      send(SPICE_MSGC_ACK, protocol::build_ack());
    if (frame.type < SPICE_MSG_BASE_LAST)
      handle_common(frame);
    else if (hooks_.on_message)
      hooks_.on_message(frame);
    // Handled: its buffer takes the next large message (a move put in
    // another reassembler, which may as well have it).
    if (health_.state == channel_state::up)
      reassembler_->recycle(std::move(frame.body));
  }
}

// A channel that got no message for a whole heartbeat interval gives back
// the buffer its reassembler keeps for large messages.
void channel_endpoint::release_buffers_if_idle() {
  if (reassembler_ && health_.messages_in == messages_at_last_heartbeat_)
    reassembler_->release_spare();
  messages_at_last_heartbeat_ = health_.messages_in;
}

void channel_endpoint::handle_common(const protocol::frame& frame) {
  auto parse_failed = [this](const protocol::parse_error& error) { fail(failure_kind::protocol_error, error.message); };
  switch (frame.type) {
    case SPICE_MSG_PING: {
      auto ping = protocol::parse_ping(frame.body);
      if (!ping)
        return parse_failed(ping.error());
      send(SPICE_MSGC_PONG, protocol::build_pong(*ping));
      ++health_.pings_answered;
      log_->debug("PING {} ({} bytes padding) answered", ping->id, ping->padding);
      if (hooks_.on_ping_answered)
        hooks_.on_ping_answered();
      return;
    }
    case SPICE_MSG_SET_ACK: {
      auto set_ack = protocol::parse_set_ack(frame.body);
      if (!set_ack)
        return parse_failed(set_ack.error());
      send(SPICE_MSGC_ACK_SYNC, acks_.on_set_ack(*set_ack));
      log_->debug("SET_ACK generation {} window {}", set_ack->generation, set_ack->window);
      return;
    }
    case SPICE_MSG_NOTIFY: {
      auto notify = protocol::parse_notify(frame.body);
      if (!notify)
        return parse_failed(notify.error());
      log_->info("server notice (severity {}): {}", notify->severity, server_text(notify->text));
      return;
    }
    case SPICE_MSG_DISCONNECTING: {
      auto disconnecting = protocol::parse_disconnecting(frame.body);
      if (!disconnecting)
        return parse_failed(disconnecting.error());
      log_->info("server is disconnecting (reason {})", disconnecting->reason);
      return;
    }
    case SPICE_MSG_MIGRATE:
    case SPICE_MSG_MIGRATE_DATA:
      on_migrate(frame);
      return;
    case SPICE_MSG_WAIT_FOR_CHANNELS: {
      auto wait = protocol::parse_wait_for_channels(frame.body);
      if (!wait)
        return parse_failed(wait.error());
      // Not enforced: each channel applies its messages as they come, and the
      // cross-channel order the server asks for here is not waited for.
      log_->debug("WAIT_FOR_CHANNELS with {} entries", wait->items.size());
      return;
    }
    default:
      log_->debug("ignoring {}", protocol::message_type_name(spec_.type, frame.type));
  }
}

void channel_endpoint::send(std::uint16_t type, const protocol::bytes& body) {
  if (health_.state != channel_state::up || !writer_)
    return;
  write(writer_->build(type, body));
  ++health_.messages_out;
}

void channel_endpoint::write(const protocol::bytes& bytes) {
  if (bytes.empty() || !broker_)
    return;
  byte_buffer wire;
  if (layered_) {
    if (!sasl_->encode(bytes.data(), bytes.size(), wire)) {
      fail(failure_kind::protocol_error, sasl_->error());
      return;
    }
  } else {
    wire.assign(bytes.begin(), bytes.end());
  }
  health_.bytes_out += wire.size();
  if (broker_ == credited_broker_)
    return_credit();
  self_->send(broker_, sock_write_atom::value, std::move(wire));
}

void channel_endpoint::on_socket_closed(const std::string& reason) {
  broker_ = nullptr;
  switch (health_.state) {
    case channel_state::connecting:  // TLS failed before the transport was ready
      fail(on_tls_ ? failure_kind::tls_failed : failure_kind::connect_failed, reason);
      return;
    case channel_state::linking:
      // spice-server answers wrong SASL credentials by closing, with no link result.
      if (handshake_ && handshake_->uses_sasl()) {
        fail(failure_kind::auth_failed,
             "SASL authentication failed: the server closed the connection during the " +
               (sasl_ && !sasl_->mechanism().empty() ? sasl_->mechanism() + " exchange" : std::string("SASL exchange")) +
               " (wrong user name or password?)",
             true);
        return;
      }
      fail(failure_kind::link_refused, "server closed the connection during the link: " + reason);
      return;
    case channel_state::up:
      fail(failure_kind::connection_lost, reason);
      return;
    case channel_state::closed:
    case channel_state::failed:
      return;
  }
}

void channel_endpoint::close(const std::string& reason) {
  if (health_.state == channel_state::closed || health_.state == channel_state::failed)
    return;
  log_->info("closing: {}", reason);
  abort_migration(reason);
  release_source(reason);
  // Tell the server we leave on purpose rather than vanish (a client's
  // DISCONNECTING); the broker flushes it before closing.
  send(SPICE_MSGC_DISCONNECTING, protocol::build_disconnecting(0, SPICE_LINK_ERR_OK));
  if (broker_)
    self_->send(broker_, sock_shutdown_atom::value);
  broker_ = nullptr;
  set_state(channel_state::closed);
}

void channel_endpoint::fail(failure_kind kind, const std::string& message, bool sasl) {
  if (health_.state == channel_state::closed || health_.state == channel_state::failed)
    return;
  log_->error("{}: {}", to_string(kind), message);
  health_.errors.push_back(message);
  release_source(message);
  if (broker_)
    self_->send(broker_, sock_shutdown_atom::value);
  broker_ = nullptr;
  health_.state = channel_state::failed;
  if (source_) {
    source_->on_destination_failed(std::string(to_string(kind)) + ": " + message);
    return;
  }
  abort_migration("the channel failed");
  self_->send(spec_.parent, channel_event_atom::value, channel_event{health(), {channel_failure{kind, message, sasl}}, {}});
}

void channel_endpoint::set_state(channel_state state) {
  if (health_.state == state)
    return;
  health_.state = state;
  if (source_) {
    if (state == channel_state::up)
      source_->on_destination_up();
    return;
  }
  self_->send(spec_.parent, channel_event_atom::value, channel_event{health(), {}, broker_});
}

void channel_endpoint::apply_debug_fault_after_up() {
  if (spec_.fault.what != debug_fault::kind::stall)
    return;
  log_->warn("debug fault: this actor will stop processing in {} ms for {} ms", spec_.fault.after.count(),
             spec_.fault.duration.count());
  self_->delayed_send(self_, spec_.fault.after, debug_stall_atom::value);
}

void channel_endpoint::touch() {
  last_activity_ = std::chrono::steady_clock::now();
  has_activity_ = true;
}

channel_health channel_endpoint::health() const {
  channel_health snapshot = health_;
  if (has_activity_)
    snapshot.last_activity_age_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                      std::chrono::steady_clock::now() - last_activity_)
                                      .count();
  snapshot.mailbox_depth = self_->mailbox().size();
  if (destination_ && destination_->health_.state != channel_state::closed)
    snapshot.destination = std::string(to_string(destination_->health_.state)) + " " + destination_->health_.server +
                           (destination_->health_.errors.empty() ? "" : ": " + destination_->health_.errors.back());
  snapshot.memory.held_bytes = memory_.held();
  snapshot.memory.peak_bytes = memory_.peak();
  snapshot.memory.refusals = memory_.refusals();
  snapshot.memory.last_refusal = memory_.last_refusal();
  if (hooks_.add_health)
    hooks_.add_health(snapshot);
  return snapshot;
}

caf::message_handler channel_endpoint::socket_data_handler() {
  // The debug fault "slow" (a deliberately slow consumer, for the supervision
  // tests) is a handler of its own, so the normal path does not test for it.
  // Bytes come from the current connection or a migration's destination
  // link; the credit goes back to the broker that sent them (a move while
  // processing them changes the current one).
  if (spec_.fault.what == debug_fault::kind::slow)
    return {[this](sock_data_atom, byte_buffer& bytes) {
      auto* link = link_of(self_->current_sender());
      if (!link)
        return;
      auto broker = link->broker_;
      link->on_socket_data(bytes);
      std::this_thread::sleep_for(spec_.fault.duration);
      link->consumed_chunk(broker, std::move(bytes));
    }};
  // A mutable reference: the message is the channel's alone, so CAF hands
  // over its buffer without a copy, and the buffer goes back to the pool.
  return {[this](sock_data_atom, byte_buffer& bytes) {
    auto* link = link_of(self_->current_sender());
    if (!link)
      return;
    auto broker = link->broker_;
    link->on_socket_data(bytes);
    link->consumed_chunk(broker, std::move(bytes));
  }};
}

// Credit goes back in batches of half the broker's window, not per chunk:
// each acknowledgement wakes the middleman's thread (a pipe write and a
// thread switch), one more per chunk where a video frame is one chunk. The
// broker still has at least the other half to read into, and a full window
// is all in the channel's mailbox, whose consumption returns the credit: the
// broker never waits on a batch that is not complete. Credit owed when the
// channel writes goes just before the write, which then finds the broker
// already woken (an MJPEG stream's report goes every fifth frame).
void channel_endpoint::consumed_chunk(const caf::actor& broker, byte_buffer&& chunk) {
  chunks_->give_back(std::move(chunk));
  if (broker != credited_broker_) {  // a new connection (or a move): its window starts empty
    credited_broker_ = broker;
    unacknowledged_chunks_ = 0;
  }
  const auto batch = static_cast<std::uint32_t>(std::max<std::size_t>(spec_.connection.max_unconsumed_chunks / 2, 1));
  if (++unacknowledged_chunks_ >= batch)
    return_credit();
}

void channel_endpoint::return_credit() {
  if (unacknowledged_chunks_ == 0)
    return;
  acknowledge_edge(self_, credited_broker_, edge_ids::socket_bytes, unacknowledged_chunks_);  // to a closed broker: dropped
  unacknowledged_chunks_ = 0;
}

caf::message_handler channel_endpoint::handlers() {
  return socket_data_handler().or_else(
    [this](sock_ready_atom, const std::string& tls_description) {
      if (auto* link = link_of(self_->current_sender()))
        link->on_socket_ready(tls_description);
    },
    [this](sock_closed_atom, const std::string& reason) {
      if (auto* link = link_of(self_->current_sender()))
        link->on_socket_closed(reason);
    },
    [this](sock_overflow_atom, const std::string& reason) {
      if (self_->current_sender() != broker_)
        return;
      broker_ = nullptr;  // gone already
      fail(failure_kind::edge_overflow, reason);
    },
    [this](link_deadline_atom, std::uint32_t attempt) {
      auto* link = with_attempt(attempt);
      if (link && link->health_.state != channel_state::up && link->health_.state != channel_state::failed &&
          link->health_.state != channel_state::closed)
        link->fail(failure_kind::link_timeout, "link not finished within " +
                                                 std::to_string(link->spec_.connection.link_timeout.count()) + " ms");
    },
    [this](migrate_connect_atom, const migration_order& order) {
      auto promise = self_->make_response_promise();
      begin_migration(order, promise);
      return promise;
    },
    [this](migrate_switch_atom) { move_to_destination(false, nullptr); },
    [this](migrate_release_atom) { release_source("every channel has moved (or the link timeout passed)"); },
    [this](migrate_abort_atom) {
      abort_migration("the migration was cancelled");
      destination_.reset();  // a handler of the channel's own: the link's code is not running
    },
    [this](heartbeat_atom) {
      release_buffers_if_idle();
      return health();
    },
    [this](debug_stall_atom) {
      log_->warn("debug fault: blocking this actor's handler for {} ms", spec_.fault.duration.count());
      std::this_thread::sleep_for(spec_.fault.duration);  // a real stuck actor, for the supervision tests
      log_->warn("debug fault: handler unblocked");
    },
    [this](shutdown_atom) {
      close("session shutdown");
      self_->quit();
    });
}

}  // namespace vigil
