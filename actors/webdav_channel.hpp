// webdav_channel: folder sharing (--share-dir DIR[,ro]). The server's webdav
// channel (a port named org.spice-space.webdav.0) carries the guest's WebDAV
// connections (spice-webdavd) as mux records in SPICEVMC_DATA
// (protocol/webdav_mux.hpp); each record goes to the shared folder's WebDAV
// server (actors/webdav_server.hpp, libphodav on its own thread) and each
// reply comes back as records for the same client id.
//
// Accepts: socket messages (channel_endpoint.hpp), (webdav_reply_atom,
//   client, bytes) from its server thread (acknowledged once sent: the
//   server reads no more than webdav_server::max_replies_in_flight ahead),
//   (heartbeat_atom) -> channel_health, (shutdown_atom).
// PORT_EVENT CLOSED (spice-webdavd gone) closes every connection. A mux
// stream that breaks its bound is a protocol_error (the channel restarts).
// A folder that cannot be served leaves the channel up and idle, logged.
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/channel_endpoint.hpp"
#include "actors/webdav_server.hpp"

namespace vigil {

caf::actor spawn_webdav_channel(caf::actor_system& system, channel_spec spec, shared_folder folder);

}  // namespace vigil
