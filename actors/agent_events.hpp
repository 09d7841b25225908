// What the window exchanges with the guest's vdagent (through main).
//
// frontend -> guest: (agent_atom, caf::message event), addressed to "the
// current main channel": the session supervisor, the session and the channel
// supervisor pass it on at once, as they do input (input_events.hpp), but
// also before every channel is up (the agent speaks right after INIT). With
// no session or no main channel it is dropped: a grab belongs to one session.
//   (clipboard_grab_atom, std::uint8_t selection)    the local clipboard has
//       new text (another X client owns it now): grab it in the guest
//   (clipboard_release_atom, std::uint8_t selection) the local text is gone
//   (clipboard_request_atom, std::uint8_t selection) send the guest's text
//   (clipboard_data_atom, std::uint8_t selection, std::string text)
//       the answer to the guest's request (empty: nothing to give)
//   (monitors_config_atom, std::uint32_t width, std::uint32_t height)
//       one monitor of that size (the window was resized)
// The bound is main's outgoing agent queue (agent.max_queued_bytes): past
// it a message is refused, counted and logged, never waited for.
//
// guest -> frontend: (agent_event_atom, caf::message event), main ->
// session -> session supervisor -> its observer. main -> session and
// session supervisor -> observer are bounded edges with the fault policy
// (clipboard data must not be lost silently): an observer that stops
// reading costs a refusal in the health snapshot, never a wait.
//   (clipboard_grab_atom, selection)     the guest has new text
//   (clipboard_release_atom, selection)  the guest's text is gone
//   (clipboard_request_atom, selection)  the guest wants the local text
//   (clipboard_data_atom, selection, text)  the guest's text, as asked
//   (agent_state_atom, bool connected, bool monitors_config)
//       the agent came or went, or announced whether it takes MONITORS_CONFIG
#pragma once

#include <caf/atom.hpp>

namespace vigil {

using agent_atom = caf::atom_constant<caf::atom("agent")>;
using agent_event_atom = caf::atom_constant<caf::atom("agentevent")>;
using clipboard_grab_atom = caf::atom_constant<caf::atom("clipgrab")>;
using clipboard_release_atom = caf::atom_constant<caf::atom("cliprel")>;
using clipboard_request_atom = caf::atom_constant<caf::atom("clipreq")>;
using clipboard_data_atom = caf::atom_constant<caf::atom("clipdata")>;
using monitors_config_atom = caf::atom_constant<caf::atom("monconfig")>;
using agent_state_atom = caf::atom_constant<caf::atom("agentstate")>;

}  // namespace vigil
