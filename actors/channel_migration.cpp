// channel_endpoint's part in a live migration (channel_endpoint.hpp,
// actors/migration.hpp): the destination link, what it holds, and the move.
#include <spice/enums.h>

#include <chrono>

#include "actors/channel_endpoint.hpp"
#include "actors/migration.hpp"

namespace vigil {

void channel_endpoint::begin_migration(const migration_order& order, caf::response_promise promise) {
  // A new migration replaces an earlier one's link (the server cancelled it, or asked again).
  abort_migration("a new migration begins");
  destination_.reset();
  if (source_ || health_.state != channel_state::up) {
    promise.deliver(migration_link{false, false, label() + " is " + to_string(health_.state) + ", not up"});
    return;
  }
  channel_spec spec = spec_;
  spec.connection = order.destination;
  spec.connection_id = order.connection_id;
  spec.fault = {};
  destination_.reset(new channel_endpoint(*this, std::move(spec)));
  destination_promise_ = std::move(promise);
  destination_seamless_ = order.seamless;
  destination_version_ = order.source_version;
  log_->info("migration: linking to the destination {} (connection id {})", describe_destination(order.destination),
             order.connection_id);
  destination_->start();
}

void channel_endpoint::on_destination_up() {
  log_->info("migration: linked to the destination {}{}; holding the link until the move",
             destination_->health_.server, destination_->on_tls_ ? " over TLS" : "");
  if (!hooks_.on_destination_linked || hooks_.on_destination_linked(destination_seamless_, destination_version_))
    finish_migration_link(true, false, "");
}

void channel_endpoint::finish_migration_link(bool linked, bool seamless, const std::string& error) {
  if (!destination_promise_)
    return;
  destination_promise_->deliver(migration_link{linked, seamless, error});
  destination_promise_.reset();
}

void channel_endpoint::on_destination_failed(const std::string& why) {
  log_->warn("migration: the link to the destination failed: {}", why);
  held_.clear();
  held_bytes_ = 0;
  finish_migration_link(false, false, label() + ": " + why);
}

void channel_endpoint::on_destination_frame(const protocol::frame& frame) {
  if (hooks_.on_destination_message && hooks_.on_destination_message(frame))
    return;
  if (held_.size() >= max_held_frames || held_bytes_ + frame.body.size() > spec_.connection.max_message_bytes) {
    destination_->fail(failure_kind::protocol_error,
                       "the destination sent more than " + std::to_string(held_.size()) + " messages (" +
                         std::to_string(held_bytes_) + " bytes) before the channel moved there");
    return;
  }
  held_bytes_ += frame.body.size();
  held_.push_back(frame);
}

void channel_endpoint::send_to_destination(std::uint16_t type, const protocol::bytes& body) {
  if (destination_)
    destination_->send(type, body);
}

// The server's seamless MIGRATE on the source connection, then its MIGRATE_DATA.
void channel_endpoint::on_migrate(const protocol::frame& frame) {
  if (source_) {
    log_->warn("ignoring {} on a destination link", frame.type == SPICE_MSG_MIGRATE ? "MIGRATE" : "MIGRATE_DATA");
    return;
  }
  if (frame.type == SPICE_MSG_MIGRATE_DATA) {
    if (!awaiting_migrate_data_) {
      log_->warn("ignoring MIGRATE_DATA ({} bytes): no MIGRATE asked for it", frame.body.size());
      return;
    }
    awaiting_migrate_data_ = false;
    move_to_destination(true, &frame.body);
    return;
  }
  auto flags = protocol::parse_migrate_flags(frame.body);
  if (!flags) {
    fail(failure_kind::protocol_error, flags.error().message);
    return;
  }
  if (!destination_ || destination_->health_.state != channel_state::up) {
    fail(failure_kind::protocol_error,
         "the server sent MIGRATE (a seamless migration) but no link to a destination is up" +
           (destination_ && !destination_->health_.errors.empty() ? ": " + destination_->health_.errors.back()
                                                                 : std::string{}));
    return;
  }
  log_->info("MIGRATE (flags {:#x}): moving to the destination {}", *flags, destination_->health_.server);
  if (*flags & SPICE_MIGRATE_NEED_FLUSH)
    send(SPICE_MSGC_MIGRATE_FLUSH_MARK, {});
  if (*flags & SPICE_MIGRATE_NEED_DATA_TRANSFER) {
    awaiting_migrate_data_ = true;  // the source sends MIGRATE_DATA after the flush mark
    return;
  }
  move_to_destination(true, nullptr);
}

// The channel continues on its destination link: the link's connection state
// becomes the channel's, the source connection is closed, the destination's
// held messages are handled. Never called from inside the destination link's
// own handlers (only from a message of the supervisor's or the source's).
void channel_endpoint::move_to_destination(bool seamless, const protocol::bytes* migrate_data) {
  if (!destination_ || destination_->health_.state != channel_state::up) {
    fail(failure_kind::connection_lost,
         "cannot follow the migration: " +
           (destination_ ? "the link to the destination is " + std::string(to_string(destination_->health_.state)) +
                             (destination_->health_.errors.empty() ? "" : ": " + destination_->health_.errors.back())
                         : std::string("there is no link to the destination")));
    return;
  }
  std::unique_ptr<channel_endpoint> destination = std::move(destination_);
  auto& link = *destination;
  caf::actor source_broker = std::exchange(broker_, std::exchange(link.broker_, nullptr));
  std::swap(chunks_, link.chunks_);  // the pool the broker reads into
  const std::string source_server = health_.server;
  on_tls_ = link.on_tls_;
  attempt_ = link.attempt_;
  handshake_ = std::move(link.handshake_);
  sasl_ = std::move(link.sasl_);
  layered_ = link.layered_;
  reassembler_ = std::move(link.reassembler_);
  writer_ = std::move(link.writer_);
  acks_ = link.acks_;
  spec_.connection = link.spec_.connection;
  spec_.connection_id = link.spec_.connection_id;
  health_.server = link.health_.server;
  health_.tls = link.health_.tls;
  health_.auth = link.health_.auth;
  health_.sasl_mechanism = link.health_.sasl_mechanism;
  health_.sasl_ssf = link.health_.sasl_ssf;
  health_.bytes_in += link.health_.bytes_in;
  health_.bytes_out += link.health_.bytes_out;
  health_.messages_in += link.health_.messages_in;
  health_.messages_out += link.health_.messages_out;
  health_.pings_answered += link.health_.pings_answered;
  link.health_.state = channel_state::closed;
  ++moves_;
  health_.migrations = moves_;
  touch();
  release_source("a new move");
  if (source_broker && seamless && hooks_.hold_source_after_seamless_move) {
    // Its bytes are no longer read (no credit goes back): the broker stops reading.
    held_source_ = source_broker;
    log_->info("migration: keeping the connection to {} open until every channel has moved", source_server);
    self_->delayed_send(self_, spec_.connection.link_timeout, migrate_release_atom::value);
  } else if (source_broker) {
    self_->send(source_broker, sock_shutdown_atom::value);
  }
  log_->info("migration ({}): moved from {} to {}", seamless ? "seamless" : "semi-seamless", source_server,
             health_.server);
  if (migrate_data)
    send(SPICE_MSGC_MIGRATE_DATA, *migrate_data);  // the source's state, before anything else
  self_->send(spec_.parent, channel_event_atom::value, channel_event{health(), {}, broker_});
  if (hooks_.on_migrated)
    hooks_.on_migrated(seamless);
  if (!seamless && hooks_.on_up)
    hooks_.on_up();  // semi-seamless: the channel starts over there
  auto held = std::move(held_);
  held_.clear();
  held_bytes_ = 0;
  for (const auto& frame : held) {
    if (health_.state != channel_state::up)
      break;
    if (hooks_.on_message)
      hooks_.on_message(frame);
  }
}

void channel_endpoint::release_source(const std::string& reason) {
  if (!held_source_)
    return;
  log_->info("migration: closing the connection to the source: {}", reason);
  self_->send(held_source_, sock_shutdown_atom::value);
  held_source_ = nullptr;
}

// Closes the destination link (the object stays until the next migration or
// move: this may run inside its own handlers) and answers a pending request.
void channel_endpoint::abort_migration(const std::string& reason) {
  awaiting_migrate_data_ = false;
  held_.clear();
  held_bytes_ = 0;
  finish_migration_link(false, false, label() + ": " + reason);
  if (destination_ && destination_->health_.state != channel_state::closed &&
      destination_->health_.state != channel_state::failed) {
    log_->info("migration: closing the link to the destination {}: {}", destination_->health_.server, reason);
    destination_->close(reason);
  }
}

}  // namespace vigil
