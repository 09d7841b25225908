// The small pieces of URI syntax that SPICE and proxy URLs share: a port
// number and %-escapes. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace vigil::protocol {

// "1".."65535" (digits only, at most 5); nothing otherwise.
std::optional<std::uint16_t> parse_uri_port(const std::string& text);

// Decodes %XX escapes; nothing when one is cut short or not hexadecimal.
std::optional<std::string> percent_decode(const std::string& text);

}  // namespace vigil::protocol
