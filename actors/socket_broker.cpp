#include "actors/socket_broker.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <memory>

#include <caf/event_based_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/io/broker.hpp>
#include <caf/io/middleman.hpp>
#include <caf/io/system_messages.hpp>

namespace vigil {

namespace {

using confirm_reads_atom = caf::atom_constant<caf::atom("confreads")>;

struct broker_state {
  caf::actor owner;
  int fd = -1;  // CAF's scribe owns it; touched only while the handle is open
  caf::io::connection_handle handle;
  std::unique_ptr<tls_client> tls;
  std::shared_ptr<chunk_pool> chunks;  // what the chunks are read into; the owner hands them back
  bool announced_ready = false;
  // Reads halt once the owner has no credit left. CAF finishes the read loop
  // it is in (middleman.max-consecutive-reads, set low in main.cpp), so a few
  // chunks may arrive after the halt: they wait here, never dropped.
  bounded_edge to_owner{"socket->channel", edge_ids::socket_bytes, 8, overflow_policy::backpressure};
  bool reads_halted = false;
  std::uint32_t resume_generation = 0;  // identifies the latest resume, for its confirmations
  // CAF's write buffer has no bound of its own: written but not yet sent,
  // as CAF last reported it (ack_writes) plus what was written since.
  std::uint64_t unsent = 0;
  std::uint64_t max_unsent = 8 << 20;
};

// CAF 0.17 closes gracefully: the socket is kept until everything written has
// been sent. With bytes still unsent (the server stopped reading, or the
// channel goes while it has not caught up) that can be never: the socket and
// its buffer stay for the rest of the process, and shutting down waits for
// them (10 s, then the watchdog in main.cpp). Such a connection is reset
// instead: CAF's next write fails and it closes the socket at once.
void close_connection(caf::io::broker* self, broker_state& state) {
  if (state.unsent > 0 && state.fd >= 0) {
    const linger reset{1, 0};
    ::setsockopt(state.fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
    ::shutdown(state.fd, SHUT_RDWR);
  }
  self->close(state.handle);
}

// False when the bytes would take the unsent bytes over their bound: the
// owner is told (sock_overflow_atom), the socket closed and the broker gone.
bool write_raw(caf::io::broker* self, broker_state& state, const byte_buffer& bytes) {
  if (bytes.empty())
    return true;
  if (state.unsent + bytes.size() > state.max_unsent) {
    self->send(state.owner, sock_overflow_atom::value,
               "socket write buffer over its bound: " + std::to_string(state.unsent + bytes.size()) +
                 " bytes unsent, limit " + std::to_string(state.max_unsent) + " (the server stopped reading)");
    close_connection(self, state);
    self->quit();
    return false;
  }
  state.unsent += bytes.size();
  self->write(state.handle, bytes.size(), bytes.data());
  self->flush(state.handle);
  return true;
}

// Tells the owner why the transport is gone and quits. `still_open` is false
// when CAF reported the close itself: closing the handle again would queue a
// second epoll removal for an fd number the kernel may already have handed to
// a new socket, silently unregistering that one (seen in reconnect tests).
void close_and_quit(caf::io::broker* self, broker_state& state, const std::string& reason, bool still_open = true) {
  self->send(state.owner, sock_closed_atom::value, reason);
  if (still_open)
    close_connection(self, state);
  self->quit();
}

void deliver(caf::io::broker* self, broker_state& state, byte_buffer plaintext) {
  if (plaintext.empty()) {
    state.chunks->give_back(std::move(plaintext));
    return;
  }
  state.to_owner.send_values(self, sock_data_atom::value, std::move(plaintext));
  if (state.to_owner.full() && !state.reads_halted) {
    self->halt(state.handle);
    state.reads_halted = true;
  }
}

// Drives TLS after ciphertext arrived (or at start): sends handshake records,
// announces readiness once, and passes decrypted bytes on.
void pump_tls(caf::io::broker* self, broker_state& state) {
  byte_buffer plaintext = state.chunks->take();
  auto status = state.tls->pump(plaintext);
  if (!write_raw(self, state, state.tls->take_ciphertext()))
    return;
  if (status == tls_client::status::failed) {
    close_and_quit(self, state, state.tls->error());
    return;
  }
  if (status == tls_client::status::established && !state.announced_ready) {
    state.announced_ready = true;
    self->send(state.owner, sock_ready_atom::value, state.tls->describe());
  }
  deliver(self, state, std::move(plaintext));
}

caf::behavior socket_broker(caf::io::broker* self, int fd, socket_settings settings, caf::actor owner,
                           std::shared_ptr<chunk_pool> chunks) {
  auto state = std::make_shared<broker_state>();
  state->owner = owner;
  state->chunks = std::move(chunks);
  state->to_owner = bounded_edge{"socket->channel", edge_ids::socket_bytes, settings.max_unconsumed_chunks,
                                 overflow_policy::backpressure};
  state->to_owner.connect(owner);
  state->max_unsent = settings.max_unsent_bytes;
  state->fd = fd;
  state->handle = self->add_scribe(fd);
  // CAF's scribe switches keepalive on for every socket it takes, whatever
  // the dialler set: the configured keepalive again (a Unix socket refuses
  // the TCP options; nothing else changes for it).
  apply_keepalive(fd, settings.keepalive);
  self->ack_writes(state->handle, true);
  self->configure_read(state->handle, caf::io::receive_policy::at_most(64 * 1024));
  self->monitor(owner);
  self->set_down_handler([self, state](const caf::down_msg& down) {
    if (down.source == state->owner) {
      close_connection(self, *state);
      self->quit();
    }
  });
  if (settings.use_tls) {
    state->tls = std::make_unique<tls_client>(settings.tls, settings.host);
    pump_tls(self, *state);
  } else {
    state->announced_ready = true;
    self->send(owner, sock_ready_atom::value, std::string{});
  }
  return {
    [self, state](const caf::io::new_data_msg& msg) {
      const auto* data = reinterpret_cast<const std::uint8_t*>(msg.buf.data());
      if (state->tls) {
        state->tls->feed_ciphertext(data, msg.buf.size());
        pump_tls(self, *state);
      } else {
        byte_buffer chunk = state->chunks->take();
        chunk.assign(data, data + msg.buf.size());
        deliver(self, *state, std::move(chunk));
      }
    },
    [self, state](sock_write_atom, const byte_buffer& plaintext) {
      if (state->tls) {
        state->tls->write_plaintext(plaintext.data(), plaintext.size());
        if (!write_raw(self, *state, state->tls->take_ciphertext()))
          return;
        if (state->tls->current() == tls_client::status::failed)
          close_and_quit(self, *state, state->tls->error());
      } else {
        write_raw(self, *state, plaintext);
      }
    },
    [state](const caf::io::data_transferred_msg& sent) { state->unsent = sent.remaining; },
    [self, state](edge_ack_atom, std::uint32_t, std::uint32_t count) {
      state->to_owner.on_ack(self, count);
      if (state->reads_halted && !state->to_owner.full()) {
        state->reads_halted = false;
        self->trigger(state->handle);
        // CAF 0.17 applies halt()'s epoll removal later, in its event loop. A
        // trigger() that comes before that is a no-op (the stream still has
        // its reader), and the removal then drops the reader: the socket is
        // never read again (seen as sessions stuck after main's INIT, ~1 in 8
        // under load). Triggering again once the loop has moved on repairs
        // that; when reads are already on it does nothing.
        auto generation = ++state->resume_generation;
        self->delayed_send(self, std::chrono::milliseconds(5), confirm_reads_atom::value, generation);
        self->delayed_send(self, std::chrono::milliseconds(50), confirm_reads_atom::value, generation);
      }
    },
    [self, state](confirm_reads_atom, std::uint32_t generation) {
      if (!state->reads_halted && generation == state->resume_generation)
        self->trigger(state->handle);
    },
    [self, state](sock_shutdown_atom) {
      close_connection(self, *state);
      self->quit();
    },
    [self, state](const caf::io::connection_closed_msg&) {
      close_and_quit(self, *state, "server closed the connection", false);
    },
  };
}

// A class, not a function: CAF 0.17 spawns a function that takes nothing but
// its self pointer with a null argument tuple and binds a reference to it
// (init_fun_factory.hpp; UBSan: "reference binding to null pointer").
class socket_connector final : public socket_connector_actor::base {
public:
  explicit socket_connector(caf::actor_config& config) : socket_connector_actor::base(config) {}

  behavior_type make_behavior() override {
    return {
      [this](connect_atom, const socket_settings& settings) {
        quit();
        auto dialled = dial({settings.host, settings.port, settings.unix_path, settings.proxy},
                            settings.connect_timeout, settings.keepalive);
        if (dialled.fd < 0)
          return connect_outcome{nullptr, dialled.error};
        return connect_outcome{std::make_shared<dialled_socket>(dialled.fd), {}};
      },
    };
  }
};

}  // namespace

dialled_socket::~dialled_socket() {
  if (fd_ >= 0)
    ::close(fd_);
}

socket_connector_actor spawn_socket_connector(caf::actor_system& system) {
  return system.spawn<socket_connector, caf::detached>();
}

caf::actor spawn_socket_broker(caf::actor_system& system, int fd, const socket_settings& settings,
                               const caf::actor& owner, std::shared_ptr<chunk_pool> chunks) {
  return system.middleman().spawn_broker(socket_broker, fd, settings, owner, std::move(chunks));
}

}  // namespace vigil
