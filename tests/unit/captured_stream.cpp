#include "captured_stream.hpp"

#include <spice/protocol.h>

#include <algorithm>
#include <fstream>
#include <iterator>

namespace vigil::test {

using namespace vigil::protocol;

bytes read_capture(const std::string& file_name) {
  const std::string path = std::string(VIGIL_TEST_DATA_DIR) + "/qemu/" + file_name;
  std::ifstream in(path, std::ios::binary);
  BOOST_TEST_REQUIRE(in.good(), "cannot open capture " << path);
  return bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

link_request capture_link_request(std::uint8_t channel_type, std::uint32_t connection_id) {
  link_request request;
  request.connection_id = connection_id;
  request.channel_type = channel_type;
  request.common_caps = {SPICE_COMMON_CAP_PROTOCOL_AUTH_SELECTION, SPICE_COMMON_CAP_AUTH_SPICE,
                         SPICE_COMMON_CAP_MINI_HEADER};
  if (channel_type == SPICE_CHANNEL_MAIN)
    request.channel_caps = {SPICE_MAIN_CAP_NAME_AND_UUID, SPICE_MAIN_CAP_AGENT_CONNECTED_TOKENS};
  return request;
}

replayed_channel replay(const bytes& stream, std::uint8_t channel_type, std::size_t piece_size,
                        const std::string& password) {
  replayed_channel out;
  link_handshake handshake(capture_link_request(channel_type), password);
  out.handshake_sent = handshake.start();
  std::optional<frame_reassembler> frames;

  for (std::size_t pos = 0; pos < stream.size(); pos += piece_size) {
    const std::size_t size = std::min(piece_size, stream.size() - pos);
    const std::uint8_t* piece = stream.data() + pos;
    if (!frames) {
      bytes leftover;
      out.state = handshake.feed(piece, size, out.handshake_sent, leftover);
      if (out.state == link_handshake::state::failed)
        break;
      if (out.state != link_handshake::state::linked)
        continue;
      frames.emplace(handshake.outcome().mini_header, 1024 * 1024);
      frames->feed(leftover.data(), leftover.size());
    } else {
      frames->feed(piece, size);
    }
    for (;;) {
      auto next = frames->next();
      if (!next) {
        out.framing_error = next.error();
        return out;
      }
      if (!next->has_value())
        break;
      out.frames.push_back(std::move(**next));
    }
  }
  out.failure = handshake.failed_because();
  out.outcome = handshake.outcome();
  out.unframed_bytes = frames ? frames->buffered_bytes() : 0;
  return out;
}

std::vector<frame> frames_of_type(const std::vector<frame>& frames, std::uint16_t type) {
  std::vector<frame> out;
  std::copy_if(frames.begin(), frames.end(), std::back_inserter(out),
               [type](const frame& f) { return f.type == type; });
  return out;
}

bytes link_reply_body_of(const bytes& stream) {
  constexpr std::size_t header = sizeof(SpiceLinkHeader);
  BOOST_TEST_REQUIRE(stream.size() >= header);
  const std::size_t size = stream[12] | stream[13] << 8 | stream[14] << 16 | stream[15] << 24;
  BOOST_TEST_REQUIRE(stream.size() >= header + size);
  return bytes(stream.begin() + header, stream.begin() + static_cast<std::ptrdiff_t>(header + size));
}

body_builder& body_builder::u8(std::uint8_t v) { out.push_back(v); return *this; }
body_builder& body_builder::u16(std::uint16_t v) { return u8(v & 0xff).u8(v >> 8); }
body_builder& body_builder::u32(std::uint32_t v) { return u16(v & 0xffff).u16(v >> 16); }
body_builder& body_builder::u64(std::uint64_t v) { return u32(v & 0xffffffffu).u32(v >> 32); }
body_builder& body_builder::text(const std::string& s) {
  out.insert(out.end(), s.begin(), s.end());
  return *this;
}

}  // namespace vigil::test

namespace vigil::protocol {

std::ostream& operator<<(std::ostream& out, link_handshake::state value) {
  static const char* const names[] = {"idle", "awaiting_reply_header", "awaiting_reply_body",
                                      "awaiting_result", "linked", "failed"};
  return out << names[static_cast<int>(value)];
}

}  // namespace vigil::protocol
