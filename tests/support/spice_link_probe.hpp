// A bare SPICE link over a real socket, for tests of the servers themselves
// (is it up, does it want TLS or a password): no client code involved
// beyond protocol/'s ticket encryption.
#pragma once

#include <cstdint>
#include <string>

namespace vigil::test_support {

// Connects to 127.0.0.1:port, sends a link message for `channel_type`
// (SPICE_CHANNEL_*) and returns the link reply's error code
// (SPICE_LINK_ERR_*), or -1 when no complete reply arrived within 5 s.
int spice_link_error(std::uint16_t port, std::uint8_t channel_type);

// Links a main channel like spice_link_error, then sends `password` as the
// ticket (RSA-OAEP with the server's key, protocol/'s encrypt_ticket) and
// returns the server's verdict (SPICE_LINK_ERR_OK or PERMISSION_DENIED), or
// -1 when the link was refused or no verdict arrived within 5 s.
int spice_ticket_result(std::uint16_t port, const std::string& password);

}  // namespace vigil::test_support
