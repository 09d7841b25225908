// The channel supervisor: parent of every channel actor of one session.
//
// It probes each channel with (heartbeat_atom) every heartbeat_interval under
// heartbeat_deadline, and turns what it sees into named faults:
//   stuck               no heartbeat reply in time
//   mailbox_over_bound  the reply reports a mailbox deeper than its bound
//   server_silent       main/display report no server bytes for server_silence
//   and whatever the channel reports itself (connection_lost, protocol_error, ...)
// Each fault is one log line: actor, fault, evidence, action. A non-essential
// channel is restarted alone (old actor and socket killed, new incarnation
// spawned after the channel_restart backoff); an essential one (main), a
// permanent failure or a channel out of restarts is escalated to the session,
// which ends and is reconnected by the session supervisor.
//
// Its interface is channel_supervisor_actor (actors/channel_supervision.hpp):
// the session and the session supervisor use it, and the channels send it
// their events (stale incarnations are ignored).
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/channel_supervision.hpp"
#include "common/supervision_settings.hpp"

namespace vigil {

channel_supervisor_actor spawn_channel_supervisor(caf::actor_system& system, supervision_settings settings);

}  // namespace vigil
