#include "actors/usbredir_channel.hpp"

#include <spice/enums.h>

#include <memory>
#include <optional>

#include <caf/stateful_actor.hpp>

#include "actors/file_block_store.hpp"
#include "protocol/usb/usbredir_disk.hpp"

namespace vigil {

namespace {

// spice-server reads client messages whole; keep each one modest.
constexpr std::size_t max_data_message = 64 * 1024;

struct usbredir_channel_state {
  std::unique_ptr<channel_endpoint> endpoint;
  usb_disk_spec spec;
  std::unique_ptr<file_block_store> store;
  std::optional<protocol::usb::usbredir_disk> disk;
  std::string open_error;
  static inline const char* name = "usbredir_channel";
};

using usbredir_actor = caf::stateful_actor<usbredir_channel_state>;

void flush_output(usbredir_actor* self) {
  auto& state = self->state;
  if (!state.disk || state.endpoint->state() != channel_state::up)
    return;
  auto out = state.disk->take_output();
  for (std::size_t at = 0; at < out.size(); at += max_data_message) {
    auto end = std::min(out.size(), at + max_data_message);
    state.endpoint->send(SPICE_MSGC_SPICEVMC_DATA, protocol::bytes(out.begin() + static_cast<std::ptrdiff_t>(at),
                                                                    out.begin() + static_cast<std::ptrdiff_t>(end)));
  }
}

void on_usbredir_message(usbredir_actor* self, const protocol::frame& frame) {
  auto& state = self->state;
  if (frame.type != SPICE_MSG_SPICEVMC_DATA) {
    state.endpoint->log().warn("ignoring usbredir message type {} ({} bytes)", frame.type, frame.body.size());
    return;
  }
  if (auto error = state.disk->feed(frame.body.data(), frame.body.size())) {
    state.endpoint->fail(failure_kind::protocol_error, error->message);
    return;
  }
  flush_output(self);
  // The guest got a MEDIUM ERROR for it; the log says what the host saw.
  auto io_error = state.store->take_error();
  if (!io_error.empty())
    state.endpoint->log().error("{}", io_error);
}

usb_health health_of(const usbredir_channel_state& state) {
  usb_health health;
  health.device = "disk " + state.spec.path + (state.spec.read_only ? " (read-only)" : "");
  if (!state.disk)
    return health;
  const auto& redir = state.disk->counters();
  const auto& storage = state.disk->storage().counters();
  health.peer = redir.peer_version;
  health.attached = redir.connected;
  health.configuration = redir.configuration;
  health.scsi_commands = storage.commands;
  health.failed_commands = storage.failed_commands;
  health.bytes_read = storage.bytes_read;
  health.bytes_written = storage.bytes_written;
  health.flushes = storage.flushes;
  health.refused_writes = storage.refused_writes;
  health.resets = redir.device_resets + storage.resets;
  return health;
}

caf::behavior usbredir_channel(usbredir_actor* self, channel_spec spec, usb_disk_spec disk) {
  auto& state = self->state;
  state.spec = disk;
  state.store = file_block_store::open(disk.path, disk.read_only, state.open_error);
  if (state.store) {
    protocol::usb::usb_disk_options options;
    options.read_only = disk.read_only;
    state.disk.emplace(*state.store, options);
  }
  channel_endpoint::hooks hooks;
  hooks.on_up = [self] {
    auto& state = self->state;
    if (!state.disk) {
      state.endpoint->fail(failure_kind::protocol_error, state.open_error);
      return;
    }
    state.endpoint->log().info("redirecting {} ({} blocks{})", state.spec.path, state.disk->storage().blocks(),
                               state.spec.read_only ? ", read-only" : "");
    flush_output(self);  // our usbredir hello
  };
  hooks.on_message = [self](const protocol::frame& frame) { on_usbredir_message(self, frame); };
  hooks.add_health = [self](channel_health& health) { health.usb = health_of(self->state); };
  state.endpoint = std::make_unique<channel_endpoint>(self, std::move(spec), std::move(hooks));
  state.endpoint->start();
  // Unplug before the connection goes, so the guest sees a removal rather
  // than a dead device; the image is flushed when the store closes.
  auto handlers = state.endpoint->handlers();
  return caf::behavior{caf::message_handler{[self](shutdown_atom) {
                         auto& state = self->state;
                         if (state.disk) {
                           state.disk->unplug();
                           flush_output(self);
                           state.store->flush();
                         }
                         state.endpoint->close("shutdown requested");
                         self->quit();
                       }}.or_else(handlers)};
}

}  // namespace

caf::actor spawn_usbredir_channel(caf::actor_system& system, channel_spec spec, usb_disk_spec disk) {
  return system.spawn<caf::detached>(usbredir_channel, std::move(spec), std::move(disk));
}

}  // namespace vigil
