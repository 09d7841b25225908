// The part every SPICE channel actor shares: one connection's life from TCP
// connect through TLS and the link handshake to framed messages, plus the
// common messages no channel may neglect: every PING is answered at once,
// ACKs follow the server's SET_ACK window, NOTIFY/DISCONNECTING are logged.
// Channel-specific messages go to the owning actor's `on_message` hook.
//
// It lives inside its channel actor (not an actor of its own) and contributes
// the socket handlers to that actor's behaviour:
//   accepts (sock_ready_atom | sock_data_atom | sock_closed_atom) from its
//   socket_broker, (link_deadline_atom) from itself, (heartbeat_atom) ->
//   channel_health from its supervisor (answered at once, with the mailbox
//   depth), (shutdown_atom): close the connection and quit the owning actor
//   sends (channel_event_atom, channel_event) to `parent` on each state change
//   (one per transition, a handful per connection: needs no bound), and
//   (edge_ack_atom, socket_bytes, 1) to its broker per chunk processed.
//
// Live migration (actors/migration.hpp): on (migrate_connect_atom,
// migration_order) -> migration_link it links a second connection, the
// destination link, to the destination with the session's id and holds it:
// PINGs and SET_ACKs there are answered on it, the channel's own messages
// wait (at most max_held_frames, else the destination link fails), nothing
// reaches the channel. The answer comes once that link is up (main's after
// its seamless handshake) or has failed. The channel then moves to it, in
// place, keeping its actor: on (migrate_switch_atom) (semi-seamless
// MIGRATE_END: the channel starts over there, hooks.on_migrated) or by
// itself on the server's MIGRATE (seamless: MIGRATE_FLUSH_MARK, the source's
// MIGRATE_DATA passed to the destination, every state kept). The source
// connection is closed then; (migrate_abort_atom) closes the destination
// link instead. One channel_event tells the parent about the new socket.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/message_handler.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>
#include <spdlog/logger.h>

#include "actors/bounded_edge.hpp"
#include "actors/channel_health.hpp"
#include "actors/sasl_client.hpp"
#include "actors/socket_broker.hpp"
#include "protocol/common_messages.hpp"
#include "protocol/framing.hpp"
#include "protocol/link.hpp"
#include "protocol/memory_budget.hpp"

namespace vigil {

// Where and how to reach the server; shared by all channels of a session.
struct connection_settings {
  std::string host;
  std::uint16_t plain_port = 0;  // 0: none
  std::uint16_t tls_port = 0;    // 0: none
  std::string unix_path;         // set: every channel connects to this Unix socket (no ports, no TLS)
  std::optional<protocol::proxy_address> proxy;  // set: every connection is a CONNECT through it
  tls_options tls;
  // Every channel starts on the TLS port when there is one. These (remote-
  // viewer's secure-channels: names as in channel_type_name(), or "all") stay
  // there even when the server answers NEED_UNSECURED; the others then move
  // to the plain port.
  std::vector<std::string> secure_channels;
  std::string username;  // SASL; the password serves as the SASL password too (as in spice-gtk)
  std::string password;
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds link_timeout{10000};
  tcp_keepalive keepalive;
  std::size_t max_message_bytes = 64 * 1024 * 1024;
  std::size_t max_unconsumed_chunks = 8;
  std::size_t max_unsent_bytes = 8 << 20;  // socket write buffer (socket_broker.hpp)
};

// Debug-only fault injection for the supervision tests: makes one channel
// actor really stop processing (its handler blocks) or process slowly.
struct debug_fault {
  enum class kind { none, stall, slow };
  kind what = kind::none;
  std::chrono::milliseconds after{0};     // stall: start this long after the channel is up
  std::chrono::milliseconds duration{0};  // stall: how long the handler blocks; slow: per socket chunk
};

// A channel's parent (its supervisor) as the channel sees it: one event per
// state change, with the failure that ended it and, once connected, the
// socket broker (so the supervisor can close it on a restart).
using channel_parent = caf::typed_actor<caf::reacts_to<channel_event_atom, channel_event>>;

struct migration_order;

struct channel_spec {
  std::uint8_t type = 0;  // SPICE_CHANNEL_*
  std::uint8_t id = 0;
  std::uint32_t connection_id = 0;  // 0 for main, INIT.session_id for the rest
  protocol::capability_set channel_caps;
  connection_settings connection;
  channel_parent parent;  // the channel supervisor; the channel quits when it goes
  debug_fault fault;
  // The session's memory budget (actors/session_memory.hpp); null: unlimited.
  std::shared_ptr<protocol::memory_pool> memory;
  protocol::memory_limits memory_limits;
};

class channel_endpoint {
public:
  struct hooks {
    std::function<void()> on_up;                            // link done, may send
    std::function<void(const protocol::frame&)> on_message;  // channel-specific types
    std::function<void(channel_health&)> add_health;        // channel-specific health (its edges)
    std::function<void()> on_ping_answered;
    // Live migration. After the channel moved to its destination link:
    // seamless (true) keeps every state; semi-seamless (false) starts the
    // channel over there: this resets the channel's own state, then on_up
    // runs again.
    std::function<void(bool seamless)> on_migrated;
    // The destination link is up. False: the channel answers later
    // (finish_migration_link; main's seamless handshake). Null: answer now.
    std::function<bool(bool seamless, std::uint32_t source_version)> on_destination_linked;
    // A channel message from the destination link before the move; true if
    // used (main's DST_SEAMLESS_ACK/NACK), else it is held until the move.
    std::function<bool(const protocol::frame&)> on_destination_message;
    // Seamless: keep the source connection open after the move until
    // (migrate_release_atom) or the link timeout (main: spice-server drops
    // every channel of a client whose main connection closes, and the
    // others may still wait for their MIGRATE_DATA there).
    bool hold_source_after_seamless_move = false;
  };

  // Channel messages a destination link holds before the move; more fail it.
  static constexpr std::size_t max_held_frames = 256;

  channel_endpoint(caf::event_based_actor* self, channel_spec spec, hooks hooks);

  void start();
  void send(std::uint16_t type, const protocol::bytes& body);
  // Closes the connection on request (session shutdown); state becomes closed.
  void close(const std::string& reason);
  // Records a channel-specific failure (e.g. an unparseable message) and ends the channel.
  void fail(failure_kind kind, const std::string& message, bool sasl = false);  // sasl: channel_failure::sasl

  channel_health health() const;
  channel_state state() const { return health_.state; }
  // The server's channel capabilities from its link reply (empty before).
  protocol::capability_set server_channel_caps() const;
  // This channel's share of the session's memory budget: what it holds is
  // charged here (message reassembly, and whatever the channel allocates for
  // the server: surfaces, images, agent messages).
  const protocol::memory_account& memory() const { return memory_; }
  const protocol::memory_limits& memory_limits() const { return spec_.memory_limits; }
  spdlog::logger& log() { return *log_; }
  caf::message_handler handlers();

  // Live migration, for the channel's hooks: a message on the destination
  // link; the answer to the migrate_connect request (see on_destination_linked).
  void send_to_destination(std::uint16_t type, const protocol::bytes& body);
  void finish_migration_link(bool linked, bool seamless, const std::string& error);

private:
  // A destination link of `source` (a live migration's second connection).
  channel_endpoint(channel_endpoint& source, channel_spec destination_spec);

  std::string label() const;
  std::uint32_t new_attempt();
  channel_endpoint* with_attempt(std::uint32_t attempt);
  channel_endpoint* link_of(const caf::strong_actor_ptr& sender);
  void on_connected(const connect_outcome& outcome, const socket_settings& settings);
  void begin_migration(const migration_order& order, caf::response_promise promise);
  void on_destination_up();
  void on_destination_failed(const std::string& why);
  void on_destination_frame(const protocol::frame& frame);
  void on_migrate(const protocol::frame& frame);
  void move_to_destination(bool seamless, const protocol::bytes* migrate_data);
  void abort_migration(const std::string& reason);
  void release_source(const std::string& reason);

  void connect(bool use_tls);
  bool must_stay_on_tls() const;  // secure-channels names it (or "all")
  void on_socket_ready(const std::string& tls_description);
  caf::message_handler socket_data_handler();
  void on_socket_data(const byte_buffer& bytes);
  // The socket credit for one chunk of `broker`'s; the chunk's buffer goes back to the pool.
  void consumed_chunk(const caf::actor& broker, byte_buffer&& chunk);
  // Acknowledges the chunks credited_broker_ is owed credit for, if any.
  void return_credit();
  void on_socket_closed(const std::string& reason);
  void on_link_bytes(const std::uint8_t* data, std::size_t size);
  void on_sasl_bytes(const std::uint8_t* data, std::size_t size);
  void on_stream(const std::uint8_t* data, std::size_t size);
  void on_frames(const std::uint8_t* data, std::size_t size);
  void handle_common(const protocol::frame& frame);
  void release_buffers_if_idle();
  void write(const protocol::bytes& bytes);
  void set_state(channel_state state);
  void touch();
  void apply_debug_fault_after_up();

  caf::event_based_actor* self_;
  channel_spec spec_;
  hooks hooks_;
  std::shared_ptr<spdlog::logger> log_;
  protocol::memory_account memory_;
  channel_health health_;
  std::chrono::steady_clock::time_point last_activity_{};
  bool has_activity_ = false;
  bool on_tls_ = false;
  caf::actor broker_;
  std::shared_ptr<chunk_pool> chunks_;  // the buffers broker_ reads into
  caf::actor credited_broker_;              // whose chunks unacknowledged_chunks_ counts
  std::uint32_t unacknowledged_chunks_ = 0;  // consumed, their credit not returned yet
  std::uint32_t attempt_ = 0;  // distinguishes stale link deadlines and connects (unique per actor)
  std::uint32_t attempts_made_ = 0;
  std::optional<protocol::link_handshake> handshake_;
  std::unique_ptr<sasl_client> sasl_;  // when the server chose SASL
  bool layered_ = false;               // the SASL security layer wraps the stream
  std::optional<protocol::frame_reassembler> reassembler_;
  std::uint64_t messages_at_last_heartbeat_ = 0;  // release_buffers_if_idle
  std::optional<protocol::frame_writer> writer_;
  protocol::ack_window acks_;

  // Live migration.
  channel_endpoint* source_ = nullptr;  // set: this endpoint is a destination link of `source_`
  std::unique_ptr<channel_endpoint> destination_;
  std::optional<caf::response_promise> destination_promise_;  // the migrate_connect request, until answered
  bool destination_seamless_ = false;
  std::uint32_t destination_version_ = 0;
  std::deque<protocol::frame> held_;  // the destination's channel messages, until the move
  std::size_t held_bytes_ = 0;
  bool awaiting_migrate_data_ = false;  // seamless: MIGRATE said NEED_DATA_TRANSFER
  std::uint32_t moves_ = 0;             // the frame loop stops at a move: its bytes were the source's
  caf::actor held_source_;              // hold_source_after_seamless_move: the source's broker, unread
};

}  // namespace vigil

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::channel_spec)
