#include "actors/webdav_channel.hpp"

#include <spice/enums.h>
#include <spice/protocol.h>

#include <cstring>
#include <memory>

#include <caf/stateful_actor.hpp>

#include "protocol/byte_reader.hpp"
#include "protocol/webdav_mux.hpp"

namespace vigil {

namespace {

struct webdav_channel_state {
  std::unique_ptr<channel_endpoint> endpoint;
  shared_folder folder;
  std::unique_ptr<webdav_server> server;
  protocol::webdav_demux demux;
  static inline const char* name = "webdav_channel";
};

using webdav_actor = caf::stateful_actor<webdav_channel_state>;

void on_webdav_message(webdav_actor* self, const protocol::frame& frame) {
  auto& state = self->state;
  auto& log = state.endpoint->log();
  switch (frame.type) {
    case SPICE_MSG_SPICEVMC_DATA: {
      if (auto error = state.demux.feed(frame.body.data(), frame.body.size())) {
        state.endpoint->fail(failure_kind::protocol_error, error->message);
        return;
      }
      while (auto record = state.demux.next())
        if (state.server)
          state.server->to_server(record->client, std::move(record->data));
      return;
    }
    case SPICE_MSG_PORT_INIT: {
      // name_size, name (an offset to the bytes at the end), opened.
      protocol::byte_reader reader(frame.body, "PORT_INIT");
      auto name_size = reader.u32("name_size");
      auto name_offset = reader.u32("name");
      auto opened = reader.u8("opened");
      std::string name;
      if (!reader.failed() && reader.seek("name", name_offset))
        if (auto text = reader.raw("name", name_size))
          name.assign(reinterpret_cast<const char*>(text), strnlen(reinterpret_cast<const char*>(text), name_size));
      if (!reader.failed())
        log.info("port {} {}", name, opened ? "opened" : "closed");
      return;
    }
    case SPICE_MSG_PORT_EVENT: {
      protocol::byte_reader reader(frame.body, "PORT_EVENT");
      auto event = reader.u8("event");
      if (reader.failed())
        return;
      log.info("port event {}", event == SPICE_PORT_EVENT_OPENED ? "opened" : event == SPICE_PORT_EVENT_CLOSED ? "closed" : "other");
      if (event == SPICE_PORT_EVENT_CLOSED && state.server) {
        state.server->close_all();
        state.demux = protocol::webdav_demux{};
      }
      return;
    }
    default:
      log.warn("ignoring webdav message type {} ({} bytes)", frame.type, frame.body.size());
  }
}

caf::behavior webdav_channel(webdav_actor* self, channel_spec spec, shared_folder folder) {
  auto& state = self->state;
  state.folder = std::move(folder);
  channel_endpoint::hooks hooks;
  hooks.on_up = [self] {
    auto& state = self->state;
    std::string error;
    state.server = webdav_server::start(state.folder, caf::actor_cast<caf::actor>(self), error);
    if (!state.server)
      state.endpoint->log().error("{}; the folder is not shared", error);
    else
      state.endpoint->log().info("sharing {}{}", state.folder.directory, state.folder.read_only ? " (read-only)" : "");
  };
  hooks.on_message = [self](const protocol::frame& frame) { on_webdav_message(self, frame); };
  state.endpoint = std::make_unique<channel_endpoint>(self, std::move(spec), std::move(hooks));
  state.endpoint->start();
  auto own = caf::message_handler{
    [self](webdav_reply_atom, std::int64_t client, const protocol::bytes& data) {
      auto& state = self->state;
      if (state.endpoint->state() == channel_state::up)
        state.endpoint->send(SPICE_MSGC_SPICEVMC_DATA, protocol::build_webdav_records(client, data.data(), data.size()));
      if (state.server)
        state.server->ack(1);
    },
    [self](shutdown_atom) {
      self->state.server.reset();
      self->state.endpoint->close("shutdown requested");
      self->quit();
    }};
  return caf::behavior{own.or_else(state.endpoint->handlers())};
}

}  // namespace

caf::actor spawn_webdav_channel(caf::actor_system& system, channel_spec spec, shared_folder folder) {
  // Detached: starting and stopping the server thread waits for it.
  return system.spawn<caf::detached>(webdav_channel, std::move(spec), std::move(folder));
}

}  // namespace vigil
