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
using sock_consumed_atom = caf::atom_constant<caf::atom("sockcons")>; // owner finished one chunk
using sock_write_atom = caf::atom_constant<caf::atom("sockwrite")>;   // plaintext bytes to send
using sock_closed_atom = caf::atom_constant<caf::atom("sockclose")>;  // transport gone, with reason
using sock_shutdown_atom = caf::atom_constant<caf::atom("sockshut")>; // owner asks to close

// session orchestrator <-> channels
using session_info_atom = caf::atom_constant<caf::atom("sessinfo")>;
using channel_event_atom = caf::atom_constant<caf::atom("chanevent")>;
using health_atom = caf::atom_constant<caf::atom("health")>;
using shutdown_atom = caf::atom_constant<caf::atom("shutdown")>;

// session orchestrator -> whoever started it (headless runner, later the UI)
using session_ended_atom = caf::atom_constant<caf::atom("sessended")>;
using session_up_atom = caf::atom_constant<caf::atom("sessup")>;

}  // namespace vigil
