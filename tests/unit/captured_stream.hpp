// Replays bytes captured from a real QEMU SPICE server (tests/data/qemu, see
// tests/data/README.md) through vigil_protocol the way a channel would: link
// handshake first, then frame reassembly, in pieces of a chosen size.
#pragma once

#include <boost/test/unit_test.hpp>

#include "check_contains.hpp"

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "protocol/framing.hpp"
#include "protocol/link.hpp"

namespace vigil::test {

using protocol::bytes;

// A capture file, e.g. "main.in.bin"; the test fails if it is missing.
bytes read_capture(const std::string& file_name);

// The link request spice_capture used for a channel (same caps, so the
// handshake agrees on the same mini header and auth selection).
protocol::link_request capture_link_request(std::uint8_t channel_type, std::uint32_t connection_id = 0);

struct replayed_channel {
  protocol::link_handshake::state state = protocol::link_handshake::state::idle;
  std::optional<protocol::link_handshake::failure> failure;
  protocol::link_outcome outcome;
  bytes handshake_sent;                 // everything the handshake produced, link message included
  std::vector<protocol::frame> frames;  // every complete frame after the link result
  std::size_t unframed_bytes = 0;       // left in the reassembler at the end
  std::optional<protocol::parse_error> framing_error;
};

// Feeds `stream` (an .in.bin capture) in pieces of `piece_size` bytes.
replayed_channel replay(const bytes& stream, std::uint8_t channel_type, std::size_t piece_size,
                        const std::string& password = "");

std::vector<protocol::frame> frames_of_type(const std::vector<protocol::frame>& frames, std::uint16_t type);

// The SpiceLinkReply body of a capture (after the 16-byte link header).
bytes link_reply_body_of(const bytes& stream);

// The error message of a failed result, "" otherwise: Boost.Test evaluates a
// check's message even when the check passes.
template <class T>
std::string error_text(const protocol::result<T>& parsed) {
  return parsed.ok() ? std::string() : parsed.error().message;
}

// Appends little-endian values to hand-made test bodies.
struct body_builder {
  bytes out;
  body_builder& u8(std::uint8_t v);
  body_builder& u16(std::uint16_t v);
  body_builder& u32(std::uint32_t v);
  body_builder& u64(std::uint64_t v);
  body_builder& text(const std::string& s);
};

}  // namespace vigil::test

namespace vigil::protocol {
// Lets Boost.Test print handshake states in failed checks.
std::ostream& operator<<(std::ostream& out, link_handshake::state value);
}  // namespace vigil::protocol

