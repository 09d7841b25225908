// The frontend (the window, or the headless runner) as the channels see it:
// what they tell it directly, without the session or the supervisors in
// between. The session options carry it (session_options::frontend); it
// outlives reconnects, as the renderer does.
//
//   (inputs_channel_atom, inputs_actor)   an inputs channel is up: send input
//       there from now on (each incarnation announces itself; actors/input_events.hpp)
//   (agent_channel_atom, agent_actor)     a main channel is up: agent commands
//       go there from now on (actors/agent_events.hpp)
//   (agent_event_atom, agent_event)       main, over a fault-policy edge of 16
//       (edge_ids::agent_events): acknowledge each with
//       (edge_ack_atom, agent_events, 1) to the sender
//   (mouse_mode_atom, std::uint16_t)      main, SPICE_MOUSE_MODE_* on each
//       change, over a keep_latest edge of 1 (edge_ids::mouse_mode): a flood of
//       mode changes costs the frontend one message at a time; acknowledge likewise
//   (edge_ack_atom, edge_id, n)           the inputs channel and main acknowledge
//       the frontend's own edges (edge_ids::window_input, window_agent)
#pragma once

#include <cstdint>

#include <caf/atom.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/agent_events.hpp"
#include "actors/bounded_edge.hpp"
#include "actors/input_events.hpp"
#include "actors/messages.hpp"

namespace vigil {

using inputs_channel_atom = caf::atom_constant<caf::atom("inputschan")>;
using agent_channel_atom = caf::atom_constant<caf::atom("agentchan")>;

using frontend_actor = caf::typed_actor<caf::reacts_to<inputs_channel_atom, inputs_actor>,
                                        caf::reacts_to<agent_channel_atom, agent_actor>,
                                        caf::reacts_to<agent_event_atom, agent_event>,
                                        caf::reacts_to<mouse_mode_atom, std::uint16_t>,
                                        caf::reacts_to<edge_ack_atom, std::uint32_t, std::uint32_t>>;

}  // namespace vigil
