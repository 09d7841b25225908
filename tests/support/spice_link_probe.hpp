// A bare SPICE link over a real socket, for tests of the servers themselves
// (is it up, does it want TLS): no client code involved.
#pragma once

#include <cstdint>

namespace vigil::test_support {

// Connects to 127.0.0.1:port, sends a link message for `channel_type`
// (SPICE_CHANNEL_*) and returns the link reply's error code
// (SPICE_LINK_ERR_*), or -1 when no complete reply arrived within 5 s.
int spice_link_error(std::uint16_t port, std::uint8_t channel_type);

}  // namespace vigil::test_support
