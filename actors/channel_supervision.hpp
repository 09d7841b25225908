// What the session asks of its channel supervisor, and what it hears back.
// The channel supervisor (supervisors/channel_supervisor.hpp) implements it;
// the session supervisor spawns both and hands the one to the other, so the
// session depends on this interface only, never on supervisors/.
//
// session -> channel supervisor:
//   (report_to_atom, caf::actor session)  first: where the two messages below go
//   (supervise_atom, supervised_channel) -> caf::actor   the first incarnation
//   (health_atom) -> std::vector<channel_health>          latest heartbeat replies
//   (dump_primary_atom, path) -> std::string              for display:0
//   (input_atom, caf::message)      to inputs:0 (input_events.hpp), dropped when none runs
//   (agent_atom, caf::message)      to main:0 (agent_events.hpp), dropped when none runs
//   (shutdown_atom)                                       stops every channel and quits
// channel supervisor -> session:
//   (channel_escalation_atom, std::string label, channel_failure)
//   (all_channels_up_atom, std::size_t n)   whenever all n supervised channels are up again
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>

#include "actors/channel_health.hpp"

namespace vigil {

using report_to_atom = caf::atom_constant<caf::atom("reportto")>;
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

}  // namespace vigil

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::supervised_channel)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<vigil::channel_health>)
