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
#pragma once

#include <chrono>
#include <cstdint>
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

namespace vigil {

// Where and how to reach the server; shared by all channels of a session.
struct connection_settings {
  std::string host;
  std::uint16_t plain_port = 0;  // 0: none
  std::uint16_t tls_port = 0;    // 0: none
  std::string unix_path;         // set: every channel connects to this Unix socket (no ports, no TLS)
  std::optional<protocol::proxy_address> proxy;  // set: every connection is a CONNECT through it
  tls_options tls;
  // Channels that go straight to the TLS port (remote-viewer's secure-channels:
  // names as in channel_type_name(), or "all"); the others try the plain port
  // first and move to TLS when the server answers NEED_SECURED.
  std::vector<std::string> secure_channels;
  std::string username;  // SASL; the password serves as the SASL password too (as in spice-gtk)
  std::string password;
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds link_timeout{10000};
  tcp_keepalive keepalive;
  std::size_t max_message_bytes = 64 * 1024 * 1024;
  std::size_t max_unconsumed_chunks = 8;
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

struct channel_spec {
  std::uint8_t type = 0;  // SPICE_CHANNEL_*
  std::uint8_t id = 0;
  std::uint32_t connection_id = 0;  // 0 for main, INIT.session_id for the rest
  protocol::capability_set channel_caps;
  connection_settings connection;
  channel_parent parent;  // the channel supervisor; the channel quits when it goes
  debug_fault fault;
};

class channel_endpoint {
public:
  struct hooks {
    std::function<void()> on_up;                            // link done, may send
    std::function<void(const protocol::frame&)> on_message;  // channel-specific types
    std::function<void(channel_health&)> add_health;        // channel-specific health (its edges)
    std::function<void()> on_ping_answered;
  };

  channel_endpoint(caf::event_based_actor* self, channel_spec spec, hooks hooks);

  void start();
  void send(std::uint16_t type, const protocol::bytes& body);
  // Closes the connection on request (session shutdown); state becomes closed.
  void close(const std::string& reason);
  // Records a channel-specific failure (e.g. an unparseable message) and ends the channel.
  void fail(failure_kind kind, const std::string& message);

  channel_health health() const;
  channel_state state() const { return health_.state; }
  // The server's channel capabilities from its link reply (empty before).
  protocol::capability_set server_channel_caps() const;
  spdlog::logger& log() { return *log_; }
  caf::message_handler handlers();

private:
  void connect(bool use_tls);
  void on_socket_ready(const std::string& tls_description);
  caf::message_handler socket_data_handler();
  void on_socket_data(const byte_buffer& bytes);
  void on_socket_closed(const std::string& reason);
  void on_link_bytes(const std::uint8_t* data, std::size_t size);
  void on_sasl_bytes(const std::uint8_t* data, std::size_t size);
  void on_stream(const std::uint8_t* data, std::size_t size);
  void on_frames(const std::uint8_t* data, std::size_t size);
  void handle_common(const protocol::frame& frame);
  void write(const protocol::bytes& bytes);
  void set_state(channel_state state);
  void touch();
  void apply_debug_fault_after_up();

  caf::event_based_actor* self_;
  channel_spec spec_;
  hooks hooks_;
  std::shared_ptr<spdlog::logger> log_;
  channel_health health_;
  std::chrono::steady_clock::time_point last_activity_{};
  bool has_activity_ = false;
  bool on_tls_ = false;
  caf::actor broker_;
  std::uint32_t attempt_ = 0;  // distinguishes stale link deadlines
  std::optional<protocol::link_handshake> handshake_;
  std::unique_ptr<sasl_client> sasl_;  // when the server chose SASL
  bool layered_ = false;               // the SASL security layer wraps the stream
  std::optional<protocol::frame_reassembler> reassembler_;
  std::optional<protocol::frame_writer> writer_;
  protocol::ack_window acks_;
};

}  // namespace vigil

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::channel_spec)
