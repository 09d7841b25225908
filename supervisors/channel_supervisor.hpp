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
// Its interface (what the session sends and hears back) is declared in
// actors/channel_supervision.hpp; it also accepts from its channels
//   (channel_event_atom, channel_event)  (stale incarnations ignored)
// and answers health requests at once from the latest heartbeat replies
// (never a wait on a child). Escalations and all_channels_up go to the actor
// named by (report_to_atom, session), which the session sends first.
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/channel_supervision.hpp"
#include "common/supervision_settings.hpp"

namespace vigil {

caf::actor spawn_channel_supervisor(caf::actor_system& system, supervision_settings settings);

}  // namespace vigil
