// The messages actors exchange, with the atoms that tag them. Each actor file
// lists which of these it accepts and sends, and with which overflow policy.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>

namespace vigil {

using byte_buffer = std::vector<std::uint8_t>;

// socket_broker <-> its owner (a channel actor)
using connect_atom = caf::atom_constant<caf::atom("connect")>;
using sock_ready_atom = caf::atom_constant<caf::atom("sockready")>;   // transport usable (TLS done)
using sock_data_atom = caf::atom_constant<caf::atom("sockdata")>;     // plaintext bytes received
using sock_write_atom = caf::atom_constant<caf::atom("sockwrite")>;   // plaintext bytes to send
using sock_closed_atom = caf::atom_constant<caf::atom("sockclose")>;  // transport gone, with reason
using sock_overflow_atom = caf::atom_constant<caf::atom("sockovfl")>; // unsent bytes over their bound: gone
using sock_shutdown_atom = caf::atom_constant<caf::atom("sockshut")>; // owner asks to close

// session orchestrator, channel supervisor <-> channels
using session_info_atom = caf::atom_constant<caf::atom("sessinfo")>;
using channel_event_atom = caf::atom_constant<caf::atom("chanevent")>;
using heartbeat_atom = caf::atom_constant<caf::atom("heartbeat")>;  // -> channel_health, under a deadline
using health_atom = caf::atom_constant<caf::atom("health")>;
using shutdown_atom = caf::atom_constant<caf::atom("shutdown")>;
using main_status_atom = caf::atom_constant<caf::atom("mainstat")>;  // main -> session, keep-latest edge

// The ids of the bounded edges (bounded_edge.hpp), for their acknowledgements.
namespace edge_ids {
constexpr std::uint32_t socket_bytes = 1;   // socket_broker -> channel: credit halts socket reads
constexpr std::uint32_t main_status = 2;    // main channel -> session: keep_latest
// 3 and 4 were the frame edges: frames are pulled by credit now (renderer.hpp)
constexpr std::uint32_t cursor_state = 5;   // cursor channel -> renderer: keep_latest
// 6 was the cursor edge to the window: the cursor goes with the renderer's updates now
constexpr std::uint32_t agent_events = 7;   // main channel -> frontend: fault (agent_events.hpp)
constexpr std::uint32_t playback_audio = 9;  // playback channel -> audio sink: drop_oldest
constexpr std::uint32_t playback_volume = 10; // playback channel -> audio sink: keep_latest
constexpr std::uint32_t window_input = 11;    // frontend -> inputs channel: fault (input_events.hpp)
constexpr std::uint32_t window_agent = 12;    // frontend -> main channel: fault (agent_events.hpp)
constexpr std::uint32_t mouse_mode = 13;      // main channel -> frontend: keep_latest (frontend.hpp)
}  // namespace edge_ids
// (dump_primary_atom, std::string path) -> std::string error ("" on success):
// write the primary surface as a binary PPM (session -> display channel 0).
using dump_primary_atom = caf::atom_constant<caf::atom("dumpprim")>;

// session -> session supervisor -> frontend (actors/session.hpp, supervisors/session_supervisor.hpp)
using session_ended_atom = caf::atom_constant<caf::atom("sessended")>;
using session_up_atom = caf::atom_constant<caf::atom("sessup")>;
// (mouse_mode_atom, std::uint16_t SPICE_MOUSE_MODE_*): main -> frontend (actors/frontend.hpp)
using mouse_mode_atom = caf::atom_constant<caf::atom("mousemode")>;

}  // namespace vigil
