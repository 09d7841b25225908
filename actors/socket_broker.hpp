// One TCP (optionally TLS) connection inside the actor system.
//
// A detached one-shot connector dials (blocking, off the scheduler) and hands
// the connected socket back (closed by itself if nobody takes it); the owner
// then spawns the socket_broker for it. The
// broker runs in the middleman's I/O loop, so it only moves bytes and never
// decodes anything.
//
// Accepts (from its owner only):
//   (sock_write_atom, byte_buffer)   plaintext to send          must-not-lose
//   (edge_ack_atom, socket_bytes, n) owner finished n chunks    credit return
//   (sock_shutdown_atom)             close and quit
// Sends to its owner:
//   (sock_ready_atom, std::string tls_description)   transport usable
//   (sock_data_atom, byte_buffer)    plaintext received, in a buffer from the
//       chunk pool the owner gave (the owner hands it back). Bounded by credit: at
//       most `max_unconsumed_chunks` chunks are outstanding; beyond that the
//       broker halts socket reads until the owner returns credit, so a slow
//       owner throttles the server instead of growing a queue.
//   (sock_closed_atom, std::string reason)           then the broker quits
//   (sock_overflow_atom, std::string reason)         instead, when more than
//       `max_unsent_bytes` wait to be sent (the server stopped reading):
//       the write buffer is bounded (must-not-lose, overflow is a fault);
//       the broker closes the socket and quits
// The broker monitors its owner and closes the socket when the owner dies.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/bounded_edge.hpp"
#include "actors/chunk_pool.hpp"
#include "actors/messages.hpp"
#include "actors/tcp_dialer.hpp"
#include "actors/tls_client.hpp"

namespace vigil {

struct socket_settings {
  std::string host;
  std::uint16_t port = 0;
  std::string unix_path;                         // set: a Unix socket instead of host:port
  std::optional<protocol::proxy_address> proxy;  // set: through this HTTP CONNECT proxy
  bool use_tls = false;
  tls_options tls;
  std::chrono::milliseconds connect_timeout{10000};
  tcp_keepalive keepalive;
  std::size_t max_unconsumed_chunks = 8;
  std::size_t max_unsent_bytes = 8 << 20;
};

// A connected socket in flight from the connector to its requester. If the
// requester is gone (a channel killed while connecting) the message is
// destroyed unread, and so is this: the socket is closed, not leaked.
class dialled_socket {
public:
  explicit dialled_socket(int fd) : fd_(fd) {}
  ~dialled_socket();
  dialled_socket(const dialled_socket&) = delete;
  dialled_socket& operator=(const dialled_socket&) = delete;
  // The fd, now the caller's to close; -1 once taken.
  int take() { return std::exchange(fd_, -1); }

private:
  int fd_;
};

struct connect_outcome {
  std::shared_ptr<dialled_socket> socket;  // set on success
  std::string error;                       // set on failure
};

// The one-shot connector: it answers exactly one request, then quits.
using socket_connector_actor =
  caf::typed_actor<caf::replies_to<connect_atom, socket_settings>::with<connect_outcome>>;
socket_connector_actor spawn_socket_connector(caf::actor_system& system);

// Spawns the broker for a connected fd (plain or TLS per `settings`); it talks
// only to `owner`. Spawned by the owner itself, so the owner knows the
// broker's handle before the broker's first message arrives. Chunks are
// read into buffers from `chunks`, which the owner gives back once consumed.
caf::actor spawn_socket_broker(caf::actor_system& system, int fd, const socket_settings& settings,
                               const caf::actor& owner, std::shared_ptr<chunk_pool> chunks);

}  // namespace vigil

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::socket_settings)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::connect_outcome)
