// Fuzzes the link reply parser and the whole link handshake with arbitrary
// server bytes. Seeds: link replies and results captured from QEMU.
#include <spice/protocol.h>

#include <cstddef>
#include <cstdint>

#include "fuzz_check.hpp"
#include "protocol/link.hpp"

using namespace vigil::protocol;

namespace {

link_request main_request() {
  link_request request;
  request.channel_type = SPICE_CHANNEL_MAIN;
  request.common_caps = {SPICE_COMMON_CAP_PROTOCOL_AUTH_SELECTION, SPICE_COMMON_CAP_AUTH_SPICE,
                         SPICE_COMMON_CAP_MINI_HEADER};
  request.channel_caps = {SPICE_MAIN_CAP_NAME_AND_UUID};
  return request;
}

void check_reply(const std::uint8_t* data, std::size_t size) {
  const auto reply = parse_link_reply_body(data, size);
  if (reply.ok()) {
    // A refusal carries only its error; an accepted link carries the key.
    if (reply->error == SPICE_LINK_ERR_OK)
      FUZZ_CHECK(reply->public_key_der.size() == SPICE_TICKET_PUBKEY_BYTES);
    FUZZ_CHECK(4 * (reply->common_caps.words().size() + reply->channel_caps.words().size()) <= size);
  } else {
    FUZZ_CHECK(!reply.error().message.empty());
  }
}

// Runs a handshake over `data` in pieces of `piece` bytes; returns the state.
link_handshake::state run_handshake(const std::uint8_t* data, std::size_t size, std::size_t piece,
                                    bytes& leftover) {
  link_handshake handshake(main_request(), "");
  handshake.start();
  bytes to_send;
  for (std::size_t pos = 0; pos < size; pos += piece) {
    const std::size_t n = piece < size - pos ? piece : size - pos;
    handshake.feed(data + pos, n, to_send, leftover);
  }
  const auto state = handshake.current();
  FUZZ_CHECK(leftover.size() <= size);
  FUZZ_CHECK((state == link_handshake::state::failed) == handshake.failed_because().has_value());
  if (state == link_handshake::state::failed)
    FUZZ_CHECK(!handshake.failed_because()->message.empty());
  if (state == link_handshake::state::awaiting_result || state == link_handshake::state::linked)
    FUZZ_CHECK(to_send.size() == 128 || to_send.size() == 4 + 128);  // [mechanism +] ticket
  return state;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  check_reply(data, size);
  if (size > sizeof(SpiceLinkHeader))  // a whole captured stream: its body starts after the header
    check_reply(data + sizeof(SpiceLinkHeader), size - sizeof(SpiceLinkHeader));

  // The handshake must not depend on how the bytes were split.
  bytes whole_leftover, split_leftover;
  const auto whole = run_handshake(data, size, size == 0 ? 1 : size, whole_leftover);
  const std::size_t piece = size == 0 ? 1 : data[0] % 17 + 1;
  const auto split = run_handshake(data, size, piece, split_leftover);
  FUZZ_CHECK(whole == split);
  FUZZ_CHECK(whole_leftover == split_leftover);
  return 0;
}
