#include "actors/usbredir_channel.hpp"

#include <spice/enums.h>

#include <memory>
#include <optional>

#include <caf/stateful_actor.hpp>

#include "actors/file_block_store.hpp"
#include "actors/usb_autoshare.hpp"
#include "actors/usb_host_device.hpp"
#include "protocol/usb/usbredir_disk.hpp"

namespace vigil {

std::string usb_device_spec::describe() const {
  switch (what) {
    case kind::none: return "none";
    case kind::host: return "host device " + host.to_string();
    case kind::disk: break;
  }
  return "disk " + disk.path + (disk.read_only ? " (read-only)" : "");
}

std::vector<usb_device_spec> usb_settings::devices() const {
  std::vector<usb_device_spec> out;
  for (const auto& disk : disks)
    out.push_back(usb_device_spec{usb_device_spec::kind::disk, disk, {}, {}});
  for (const auto& selector : host_devices)
    out.push_back(usb_device_spec{usb_device_spec::kind::host, {}, selector, {}});
  return out;
}

namespace {

// spice-server reads client messages whole; keep each one modest.
constexpr std::size_t max_data_message = 64 * 1024;

struct usbredir_channel_state {
  std::unique_ptr<channel_endpoint> endpoint;
  usb_device_spec device;
  // kind::disk
  std::unique_ptr<file_block_store> store;
  std::optional<protocol::usb::usbredir_disk> disk;
  // kind::host
  std::unique_ptr<usb_host_device> host;
  bool host_gone = false;
  std::string error;
  static inline const char* name = "usbredir_channel";
};

using usbredir_actor = caf::stateful_actor<usbredir_channel_state>;

void send_data(usbredir_actor* self, const protocol::bytes& out) {
  for (std::size_t at = 0; at < out.size(); at += max_data_message) {
    auto end = std::min(out.size(), at + max_data_message);
    self->state.endpoint->send(SPICE_MSGC_SPICEVMC_DATA,
                               protocol::bytes(out.begin() + static_cast<std::ptrdiff_t>(at),
                                               out.begin() + static_cast<std::ptrdiff_t>(end)));
  }
}

void flush_disk_output(usbredir_actor* self) {
  auto& state = self->state;
  if (state.disk && state.endpoint->state() == channel_state::up)
    send_data(self, state.disk->take_output());
}

void give_up_device(usbredir_actor* self, const std::string& reason) {
  self->state.error = reason;
  self->state.endpoint->log().warn("{}; the channel stays up without a device", reason);
}

void on_usbredir_message(usbredir_actor* self, const protocol::frame& frame) {
  auto& state = self->state;
  if (frame.type != SPICE_MSG_SPICEVMC_DATA) {
    state.endpoint->log().warn("ignoring usbredir message type {} ({} bytes)", frame.type, frame.body.size());
    return;
  }
  if (state.host) {
    state.host->guest_data(frame.body);
    return;
  }
  if (!state.disk)
    return;  // no device: the guest side's hello goes unanswered, as with no client
  if (auto error = state.disk->feed(frame.body.data(), frame.body.size())) {
    state.endpoint->fail(failure_kind::protocol_error, error->message);
    return;
  }
  flush_disk_output(self);
  // The guest got a MEDIUM ERROR for it; the log says what the host saw.
  auto io_error = state.store->take_error();
  if (!io_error.empty())
    state.endpoint->log().error("{}", io_error);
}

void attach_device(usbredir_actor* self) {
  auto& state = self->state;
  if (state.device.what == usb_device_spec::kind::none) {
    if (state.device.autoshare)
      self->send(state.device.autoshare, usb_idle_atom::value, caf::actor_cast<caf::actor>(self));
    return;
  }
  if (state.device.what == usb_device_spec::kind::host) {
    std::string error;
    state.host = usb_host_device::open(state.device.host, caf::actor_cast<caf::actor>(self), error);
    if (!state.host)
      return give_up_device(self, error);
    state.endpoint->log().info("redirecting USB device {}", state.host->name());
    return;
  }
  std::string error;
  state.store = file_block_store::open(state.device.disk.path, state.device.disk.read_only, error);
  if (!state.store)
    return give_up_device(self, error);
  protocol::usb::usb_disk_options options;
  options.read_only = state.device.disk.read_only;
  state.disk.emplace(*state.store, options);
  state.endpoint->log().info("redirecting {} ({} blocks)", state.device.describe(), state.disk->storage().blocks());
  flush_disk_output(self);  // our usbredir hello
}

usb_health health_of(const usbredir_channel_state& state) {
  usb_health health;
  health.device = state.host ? "host device " + state.host->name() : state.device.describe();
  health.error = state.error;
  if (state.host) {
    health.attached = !state.host_gone;
    return health;
  }
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

caf::behavior usbredir_channel(usbredir_actor* self, channel_spec spec, usb_device_spec device) {
  auto& state = self->state;
  state.device = std::move(device);
  channel_endpoint::hooks hooks;
  hooks.on_up = [self] { attach_device(self); };
  hooks.on_message = [self](const protocol::frame& frame) { on_usbredir_message(self, frame); };
  hooks.add_health = [self](channel_health& health) { health.usb = health_of(self->state); };
  state.endpoint = std::make_unique<channel_endpoint>(self, std::move(spec), std::move(hooks));
  state.endpoint->start();
  auto device_handlers = caf::message_handler{
    [self](usb_host_data_atom, const protocol::bytes& data) {
      auto& state = self->state;
      if (state.endpoint->state() == channel_state::up)
        send_data(self, data);
      if (state.host)
        state.host->ack(1);
    },
    [self](usb_attach_atom, const protocol::usb::usb_device_selector& selector) {
      auto& state = self->state;
      if (state.device.what != usb_device_spec::kind::none || state.endpoint->state() != channel_state::up)
        return;
      state.device.what = usb_device_spec::kind::host;
      state.device.host = selector;
      attach_device(self);
    },
    [self](usb_host_gone_atom, const std::string& reason) {
      self->state.host_gone = true;
      give_up_device(self, reason);
    },
    // Unplug before the connection goes, so the guest sees a removal rather
    // than a dead device; the image is flushed, a host device given back.
    [self](shutdown_atom) {
      auto& state = self->state;
      if (state.disk) {
        state.disk->unplug();
        flush_disk_output(self);
        state.store->flush();
      }
      state.host.reset();
      state.endpoint->close("shutdown requested");
      self->quit();
    }};
  return caf::behavior{device_handlers.or_else(state.endpoint->handlers())};
}

}  // namespace

caf::actor spawn_usbredir_channel(caf::actor_system& system, channel_spec spec, usb_device_spec device) {
  return system.spawn<caf::detached>(usbredir_channel, std::move(spec), std::move(device));
}

}  // namespace vigil
