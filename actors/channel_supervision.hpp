// What the session asks of its channel supervisor, and what it hears back.
// The channel supervisor (supervisors/channel_supervisor.hpp) implements
// channel_supervisor_actor; the session supervisor spawns it with each
// session and hands it over, so the session depends on this interface only,
// never on supervisors/. The session names itself first (report_to_atom);
// escalations and all_channels_up go there. During a live migration the
// session has it link every channel to the destination, move them or drop
// those links (actors/migration.hpp); while a migration is prepared, silence
// is no fault (the source pauses the VM at its end).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/channel_endpoint.hpp"
#include "actors/channel_health.hpp"
#include "actors/messages.hpp"
#include "actors/migration.hpp"
#include "protocol/common_messages.hpp"

namespace vigil {

using report_to_atom = caf::atom_constant<caf::atom("reportto")>;
using supervise_atom = caf::atom_constant<caf::atom("supervise")>;
using channel_escalation_atom = caf::atom_constant<caf::atom("chanescal")>;
using all_channels_up_atom = caf::atom_constant<caf::atom("allup")>;

// Which channel: SPICE_CHANNEL_* and its id.
struct channel_key {
  std::uint8_t type = 0;
  std::uint8_t id = 0;
  friend bool operator<(channel_key a, channel_key b) { return a.type != b.type ? a.type < b.type : a.id < b.id; }
  friend bool operator==(channel_key a, channel_key b) { return a.type == b.type && a.id == b.id; }
  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, channel_key& key) {
    return f(key.type, key.id);
  }
};
// "display:0", for logs.
inline std::string label_of(channel_key key) {
  return std::string(protocol::channel_type_name(key.type)) + ":" + std::to_string(key.id);
}

struct supervised_channel {
  channel_key key;
  // Where the next incarnation connects: the session's server, until a
  // migration moved the session (the supervisor replaces it then).
  connection_settings connection;
  // Spawns one incarnation whose parent is `supervisor`, connecting to
  // `connection`; incarnation 0 is the first. Called by the supervisor on its
  // own thread at every restart, so it must capture values only, never an
  // actor's state.
  std::function<caf::actor(const channel_parent& supervisor, unsigned incarnation, const connection_settings& connection)>
    spawn;
  bool essential = false;      // its failure ends the session (main)
  bool watch_silence = false;  // the server pings it periodically (main, display)
};

// The session as its channel supervisor sees it. A channel gave up (it is
// essential, its failure is permanent, or it is out of restarts): the session
// ends. All n supervised channels are up (again).
using supervision_listener = caf::typed_actor<caf::reacts_to<channel_escalation_atom, std::string, channel_failure>,
                                              caf::reacts_to<all_channels_up_atom, std::size_t>>;

// The channel supervisor. Health is answered at once from the latest
// heartbeat replies (never a wait on a channel); the dump is delegated to
// display:0 (an error text when none runs); shutdown stops every channel.
// Its channels send it their events (channel_parent). Migration: connect
// links main, then every other channel, to the destination (each request
// under connect + link timeout; the first failure answers); switch moves
// every channel (semi-seamless END) and done records the move (seamless: the
// channels move on their own MIGRATE); both make restarts connect to the
// destination; abort drops the destination links.
using channel_supervisor_actor =
  caf::typed_actor<caf::reacts_to<report_to_atom, supervision_listener>,
                   caf::replies_to<supervise_atom, supervised_channel>::with<caf::actor>,
                   caf::replies_to<health_atom>::with<std::vector<channel_health>>,
                   caf::replies_to<dump_primary_atom, std::string>::with<std::string>,
                   caf::reacts_to<shutdown_atom>,
                   caf::reacts_to<channel_event_atom, channel_event>,
                   caf::replies_to<migrate_connect_atom, migration_order>::with<migration_link>,
                   caf::reacts_to<migrate_switch_atom, connection_settings>,
                   caf::reacts_to<migrate_done_atom, connection_settings>,
                   caf::reacts_to<migrate_abort_atom>>;

}  // namespace vigil

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::supervised_channel)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<vigil::channel_health>)
