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
// Accepts:
//   (supervise_atom, supervised_channel) -> caf::actor   first incarnation
//   (channel_event_atom, channel_event)  from its channels (stale incarnations ignored)
//   (health_atom) -> std::vector<channel_health>          latest heartbeat replies,
//                                        answered at once (never waits on a child)
//   (dump_primary_atom, path) -> std::string   forwarded to display:0
//   (input_atom, caf::message)           the event forwarded to inputs:0 (input_events.hpp)
//   (agent_atom, caf::message)           forwarded as such to main:0 (agent_events.hpp)
//   (shutdown_atom)                      stops every channel and quits
// Sends to the session:
//   (channel_escalation_atom, std::string label, channel_failure)
//   (all_channels_up_atom, std::size_t n) whenever all n supervised channels are up again
#pragma once

#include <functional>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/channel_health.hpp"
#include "supervisors/supervision_settings.hpp"

namespace vigil {

using supervise_atom = caf::atom_constant<caf::atom("supervise")>;
using channel_escalation_atom = caf::atom_constant<caf::atom("chanescal")>;
using all_channels_up_atom = caf::atom_constant<caf::atom("allup")>;

struct supervised_channel {
  std::string label;  // "display:0"
  // Spawns one incarnation whose parent is `supervisor`; incarnation 0 is the first.
  std::function<caf::actor(const caf::actor& supervisor, unsigned incarnation)> spawn;
  bool essential = false;      // its failure ends the session (main)
  bool watch_silence = false;  // the server pings it periodically (main, display)
};

caf::actor spawn_channel_supervisor(caf::actor_system& system, supervision_settings settings, caf::actor session);

}  // namespace vigil

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::supervised_channel)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<vigil::channel_health>)
