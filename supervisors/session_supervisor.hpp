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
// It spawns each session together with that session's channel supervisor
// (and introduces the one to the other), and owns what outlives reconnects:
// the renderer and the audio sink. Its interfaces are typed below: what the
// frontend may ask of it (session_supervisor_actor) and what it tells the
// frontend (session_observer). Status and session_up are one message per
// phase change; the frontend's health and dump requests are answered by a
// fan-out to the session, its channel supervisor, the renderer and the audio
// sink, each under health_deadline (a part that does not answer is named in
// session_health::unanswered), and by delegation to the channel supervisor.
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/session.hpp"

namespace vigil {

using session_status_atom = caf::atom_constant<caf::atom("sessstat")>;
using reconnect_now_atom = caf::atom_constant<caf::atom("reconnow")>;

// The frontend as the session supervisor sees it:
//   session_up     each time the session is (back) up, with the VM's name
//   session_status the phase and a sentence for a person ("Reconnecting in
//                  4.1 s (attempt 3/8): connection_lost")
//   session_ended  once, when it gives up or shuts down
using session_observer = caf::typed_actor<caf::reacts_to<session_up_atom, std::string>,
                                          caf::reacts_to<session_status_atom, session_phase, std::string>,
                                          caf::reacts_to<session_ended_atom, session_end>>;

// The session supervisor as the frontend sees it: the health snapshot, a
// dump of display:0's primary surface ("" or the error), a reconnect the
// user asked for (the current session, up, connecting or waiting out a
// backoff, is replaced by a new one at once), shutdown.
using session_supervisor_actor =
  caf::typed_actor<caf::replies_to<health_atom>::with<session_health>,
                   caf::replies_to<dump_primary_atom, std::string>::with<std::string>,
                   caf::reacts_to<reconnect_now_atom>, caf::reacts_to<shutdown_atom>>;

session_supervisor_actor spawn_session_supervisor(caf::actor_system& system, session_options options,
                                                  session_observer observer);

}  // namespace vigil
