// The session supervisor: the top of the actor tree. It keeps one session
// orchestrator alive and reconnects when it fails.
//
// - It probes the session with (heartbeat_atom) every heartbeat_interval; a
//   missed deadline is the fault "stuck" and the session is replaced.
// - When a session ends with a failure, it reconnects after the `reconnect`
//   backoff (exponential, jitter, cap, max attempts). The attempt count only
//   resets after a session has stayed up for `stable_after` (flap guard).
// - It gives up (and reports the session ended) on a permanent failure
//   (wrong password, bad certificate), when the very first connection fails
//   (nothing to recover), or when the attempts run out.
//
// Accepts:
//   (session_up_atom), (session_ended_atom, session_end)   from its session
//   (health_atom) -> session_health                        with reconnects and last fault
//   (dump_primary_atom, path) -> std::string               forwarded
//   (input_atom, caf::message)                             to the current session while it is up
//   (agent_atom, caf::message)                             to the current session, up or not yet
//                                                          (agent_events.hpp)
//   (agent_event_atom, caf::message)                       from the current session: to the observer
//   (edge_ack_atom, viewer_agent_events, n)                from the observer
//   (reconnect_now_atom)                                   the user asked: the current session (up,
//                                                          connecting or waiting out a backoff) is
//                                                          replaced by a new one at once
//   (shutdown_atom)                                        stops the session and quits
// Sends to its observer (the headless runner, later the window):
//   (session_up_atom)                     each time the session is (back) up
//   (session_status_atom, std::string phase, std::string text)   the phase
//                                         (connecting, up, reconnecting, failed)
//                                         and a sentence for a person
//   (session_ended_atom, session_end)     once, when it gives up or shuts down
//   (mouse_mode_atom, std::uint16_t)      the current session's mouse mode, on change
//   (agent_event_atom, caf::message)      the guest agent's events, over a fault-policy
//                                         bounded edge (capacity 16) the observer acknowledges
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/session.hpp"

namespace vigil {

using session_status_atom = caf::atom_constant<caf::atom("sessstat")>;
using reconnect_now_atom = caf::atom_constant<caf::atom("reconnow")>;

caf::actor spawn_session_supervisor(caf::actor_system& system, session_options options, caf::actor observer);

}  // namespace vigil
