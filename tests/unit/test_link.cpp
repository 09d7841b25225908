// The link handshake, first against QEMU's captured link replies, then
// against hand-made broken ones.
#include <boost/test/unit_test.hpp>

#include <spice/protocol.h>

#include "captured_stream.hpp"
#include "protocol/link.hpp"

using namespace vigil::protocol;
using namespace vigil::test;
using state = link_handshake::state;

namespace {

// A SpiceLinkHeader announcing a reply of `size` bytes.
bytes reply_header(std::uint32_t size, std::uint32_t magic = SPICE_MAGIC,
                   std::uint32_t major = SPICE_VERSION_MAJOR) {
  return body_builder{}.u32(magic).u32(major).u32(SPICE_VERSION_MINOR).u32(size).out;
}

// The captured main reply with its error and common caps replaced.
bytes doctored_reply(std::uint32_t error, std::uint32_t common_caps_word) {
  bytes body = link_reply_body_of(read_capture("main.in.bin"));
  for (int i = 0; i < 4; ++i)
    body[i] = static_cast<std::uint8_t>(error >> (8 * i));
  // caps_offset is 178 in the capture: the first word there is the common caps.
  for (int i = 0; i < 4; ++i)
    body[178 + i] = static_cast<std::uint8_t>(common_caps_word >> (8 * i));
  bytes stream = reply_header(static_cast<std::uint32_t>(body.size()));
  stream.insert(stream.end(), body.begin(), body.end());
  return stream;
}

struct fed_handshake {
  link_handshake handshake;
  bytes to_send;
  bytes leftover;
  state after = state::idle;

  explicit fed_handshake(const bytes& stream, link_request request = capture_link_request(SPICE_CHANNEL_MAIN))
      : handshake(std::move(request), "") {
    handshake.start();
    after = handshake.feed(stream.data(), stream.size(), to_send, leftover);
  }
  std::string failure_message() const {
    return handshake.failed_because() ? handshake.failed_because()->message : "";
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(linking)

BOOST_AUTO_TEST_CASE(link_message_matches_what_qemu_accepted) {
  // spice_capture sent this link message for main and QEMU linked it.
  const bytes sent = read_capture("main.out.bin");
  const bytes built = build_link_message(capture_link_request(SPICE_CHANNEL_MAIN));
  BOOST_TEST_REQUIRE(built.size() == 16u + 18u + 8u);
  BOOST_TEST(built == bytes(sent.begin(), sent.begin() + 42), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(link_message_is_header_then_mess_then_common_then_channel_caps) {
  link_request request;
  request.connection_id = 0x11223344;
  request.channel_type = SPICE_CHANNEL_DISPLAY;
  request.channel_id = 2;
  request.common_caps = {SPICE_COMMON_CAP_MINI_HEADER};
  request.channel_caps = {33};
  const bytes expected = body_builder{}
                             .u32(SPICE_MAGIC).u32(2).u32(2).u32(18 + 4 + 8)
                             .u32(0x11223344).u8(2).u8(2).u32(1).u32(2).u32(18)
                             .u32(0x8).u32(0).u32(0x2)
                             .out;
  BOOST_TEST(build_link_message(request) == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(captured_main_reply_has_162_byte_key_and_mini_header_cap) {
  const bytes body = link_reply_body_of(read_capture("main.in.bin"));
  const auto reply = parse_link_reply_body(body.data(), body.size());
  BOOST_TEST_REQUIRE(reply.ok(), error_text(reply));
  BOOST_TEST(reply->error == 0u);
  BOOST_TEST(reply->public_key_der.size() == 162u);
  BOOST_TEST(reply->public_key_der[0] == 0x30);  // DER SEQUENCE
  BOOST_TEST(reply->common_caps.has(SPICE_COMMON_CAP_MINI_HEADER));
  BOOST_TEST(reply->common_caps.has(SPICE_COMMON_CAP_PROTOCOL_AUTH_SELECTION));
  BOOST_TEST(reply->common_caps.has(SPICE_COMMON_CAP_AUTH_SPICE));
  BOOST_TEST(reply->channel_caps.has(SPICE_MAIN_CAP_NAME_AND_UUID));
  BOOST_TEST(reply->channel_caps.has(SPICE_MAIN_CAP_AGENT_CONNECTED_TOKENS));
}

BOOST_AUTO_TEST_CASE(captured_display_reply_offers_monitors_config) {
  const bytes body = link_reply_body_of(read_capture("display.in.bin"));
  const auto reply = parse_link_reply_body(body.data(), body.size());
  BOOST_TEST_REQUIRE(reply.ok(), error_text(reply));
  BOOST_TEST(reply->channel_caps.has(SPICE_DISPLAY_CAP_MONITORS_CONFIG));
}

BOOST_AUTO_TEST_CASE(captured_cursor_reply_has_no_channel_caps) {
  const bytes body = link_reply_body_of(read_capture("cursor.in.bin"));
  BOOST_TEST(body.size() == 178u + 4u);
  const auto reply = parse_link_reply_body(body.data(), body.size());
  BOOST_TEST_REQUIRE(reply.ok(), error_text(reply));
  BOOST_TEST(reply->channel_caps.words().empty());
}

BOOST_AUTO_TEST_CASE(handshake_links_on_captured_main_stream_fed_one_byte_at_a_time) {
  const bytes stream = read_capture("main.in.bin");
  const auto replayed = replay(stream, SPICE_CHANNEL_MAIN, 1);
  BOOST_TEST(replayed.state == state::linked);
  BOOST_TEST(replayed.outcome.mini_header);
  BOOST_TEST(replayed.outcome.server_channel_caps.has(SPICE_MAIN_CAP_NAME_AND_UUID));
}

BOOST_AUTO_TEST_CASE(handshake_sends_auth_spice_then_128_byte_ticket_when_both_select) {
  fed_handshake fed(read_capture("main.in.bin"));
  BOOST_TEST(fed.after == state::linked);
  BOOST_TEST_REQUIRE(fed.to_send.size() == 4u + 128u);
  BOOST_TEST(fed.to_send[0] == SPICE_COMMON_CAP_AUTH_SPICE);
  BOOST_TEST((fed.to_send[1] | fed.to_send[2] | fed.to_send[3]) == 0);
}

BOOST_AUTO_TEST_CASE(handshake_sends_only_the_ticket_when_client_lacks_auth_selection) {
  link_request request = capture_link_request(SPICE_CHANNEL_MAIN);
  request.common_caps = {SPICE_COMMON_CAP_MINI_HEADER};
  fed_handshake fed(read_capture("main.in.bin"), request);
  BOOST_TEST(fed.to_send.size() == 128u);
}

BOOST_AUTO_TEST_CASE(handshake_uses_full_header_when_client_lacks_mini_header) {
  link_request request = capture_link_request(SPICE_CHANNEL_MAIN);
  request.common_caps = {SPICE_COMMON_CAP_PROTOCOL_AUTH_SELECTION, SPICE_COMMON_CAP_AUTH_SPICE};
  fed_handshake fed(read_capture("main.in.bin"), request);
  BOOST_TEST(fed.after == state::linked);
  BOOST_TEST(!fed.handshake.outcome().mini_header);
}

BOOST_AUTO_TEST_CASE(bytes_after_the_link_result_go_to_leftover) {
  const bytes stream = read_capture("main.in.bin");
  fed_handshake fed(stream);
  const std::size_t link_bytes = 16 + 186 + 4;
  BOOST_TEST(fed.leftover.size() == stream.size() - link_bytes);
  BOOST_TEST(fed.leftover == bytes(stream.begin() + link_bytes, stream.end()),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(linked_handshake_passes_later_bytes_to_leftover) {
  fed_handshake fed(read_capture("inputs.in.bin"));
  const bytes more{1, 2, 3};
  bytes leftover;
  BOOST_TEST(fed.handshake.feed(more.data(), more.size(), fed.to_send, leftover) == state::linked);
  BOOST_TEST(leftover == more, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(wrong_password_capture_fails_with_authentication_failed) {
  const auto replayed = replay(read_capture("main-wrong-password.in.bin"), SPICE_CHANNEL_MAIN, 7, "wrong");
  BOOST_TEST(replayed.state == state::failed);
  BOOST_TEST_REQUIRE(replayed.failure.has_value());
  BOOST_TEST(replayed.failure->link_error == SPICE_LINK_ERR_PERMISSION_DENIED);
  VIGIL_CHECK_CONTAINS(replayed.failure->message, "authentication failed");
}

BOOST_AUTO_TEST_CASE(reply_with_bad_magic_fails_naming_the_magic) {
  fed_handshake fed(reply_header(178, 0x52454451 /* "QDER": REDQ byte-swapped */));
  BOOST_TEST(fed.after == state::failed);
  BOOST_TEST(fed.failure_message() == "link reply: magic 0x52454451 is not REDQ");
}

BOOST_AUTO_TEST_CASE(reply_with_other_major_version_fails) {
  fed_handshake fed(reply_header(178, SPICE_MAGIC, 1));
  BOOST_TEST(fed.after == state::failed);
  VIGIL_CHECK_CONTAINS(fed.failure_message(), "major_version 1 is not 2");
}

BOOST_AUTO_TEST_CASE(reply_size_over_4096_fails_before_reading_the_body) {
  fed_handshake fed(reply_header(4097));
  BOOST_TEST(fed.after == state::failed);
  VIGIL_CHECK_CONTAINS(fed.failure_message(), "size 4097 exceeds");
}

BOOST_AUTO_TEST_CASE(reply_size_below_spice_link_reply_fails) {
  fed_handshake fed(reply_header(177));
  BOOST_TEST(fed.after == state::failed);
  VIGIL_CHECK_CONTAINS(fed.failure_message(), "size 177 is smaller than SpiceLinkReply");
}

BOOST_AUTO_TEST_CASE(server_link_error_fails_with_its_code_and_name) {
  fed_handshake fed(doctored_reply(SPICE_LINK_ERR_NEED_SECURED, 0xb));
  BOOST_TEST(fed.after == state::failed);
  BOOST_TEST(fed.handshake.failed_because()->link_error == SPICE_LINK_ERR_NEED_SECURED);
  BOOST_TEST(fed.failure_message() == "server refused the link: NEED_SECURED");
  BOOST_TEST(fed.to_send.empty());
}

BOOST_AUTO_TEST_CASE(captured_need_secured_refusal_fails_with_its_link_error) {
  // QEMU with tls-channel=main refuses a plain main link: the reply carries
  // only the error, with key and caps zeroed (caps_offset 0).
  const auto replayed = replay(read_capture("main-need-secured.in.bin"), SPICE_CHANNEL_MAIN, 1);
  BOOST_TEST(replayed.state == state::failed);
  BOOST_TEST_REQUIRE(replayed.failure.has_value());
  BOOST_TEST(replayed.failure->link_error == SPICE_LINK_ERR_NEED_SECURED);
  BOOST_TEST(replayed.failure->message == "server refused the link: NEED_SECURED");
  BOOST_TEST(replayed.handshake_sent.size() == 42u);  // the link message only: no ticket
}

BOOST_AUTO_TEST_CASE(captured_refusal_reply_parses_to_just_its_error) {
  const bytes body = link_reply_body_of(read_capture("main-need-secured.in.bin"));
  BOOST_TEST(body.size() == 178u);
  const auto reply = parse_link_reply_body(body.data(), body.size());
  BOOST_TEST_REQUIRE(reply.ok(), error_text(reply));
  BOOST_TEST(reply->error == SPICE_LINK_ERR_NEED_SECURED);
}

BOOST_AUTO_TEST_CASE(link_result_other_than_ok_fails_with_its_name) {
  bytes stream = read_capture("main-wrong-password.in.bin");
  stream.back() = 0;
  stream[stream.size() - 4] = SPICE_LINK_ERR_CHANNEL_NOT_AVAILABLE;
  fed_handshake fed(stream);
  BOOST_TEST(fed.after == state::failed);
  BOOST_TEST(fed.handshake.failed_because()->link_error == SPICE_LINK_ERR_CHANNEL_NOT_AVAILABLE);
  VIGIL_CHECK_CONTAINS(fed.failure_message(), "CHANNEL_NOT_AVAILABLE");
}

BOOST_AUTO_TEST_CASE(server_with_auth_selection_but_only_sasl_fails_for_a_client_without_sasl) {
  const std::uint32_t sasl_only = 1u << SPICE_COMMON_CAP_PROTOCOL_AUTH_SELECTION |
                                  1u << SPICE_COMMON_CAP_AUTH_SASL | 1u << SPICE_COMMON_CAP_MINI_HEADER;
  fed_handshake fed(doctored_reply(SPICE_LINK_ERR_OK, sasl_only));
  BOOST_TEST(fed.after == state::failed);
  VIGIL_CHECK_CONTAINS(fed.failure_message(), "offers neither SPICE ticket nor SASL");
}

BOOST_AUTO_TEST_CASE(sasl_on_both_sides_hands_the_exchange_to_the_caller_then_reads_the_result) {
  const std::uint32_t sasl_only = 1u << SPICE_COMMON_CAP_PROTOCOL_AUTH_SELECTION |
                                  1u << SPICE_COMMON_CAP_AUTH_SASL | 1u << SPICE_COMMON_CAP_MINI_HEADER;
  auto request = capture_link_request(SPICE_CHANNEL_MAIN);
  request.common_caps = {SPICE_COMMON_CAP_PROTOCOL_AUTH_SELECTION, SPICE_COMMON_CAP_AUTH_SPICE,
                         SPICE_COMMON_CAP_AUTH_SASL, SPICE_COMMON_CAP_MINI_HEADER};
  bytes stream = doctored_reply(SPICE_LINK_ERR_OK, sasl_only);
  const bytes mechanism_list = body_builder{}.u32(12).out;  // the first SASL bytes: not the handshake's
  stream.insert(stream.end(), mechanism_list.begin(), mechanism_list.end());
  fed_handshake fed(stream, request);
  BOOST_TEST(fed.after == state::sasl);
  BOOST_TEST(fed.handshake.uses_sasl());
  BOOST_TEST(fed.to_send == body_builder{}.u32(SPICE_COMMON_CAP_AUTH_SASL).out, boost::test_tools::per_element());
  BOOST_TEST(fed.leftover == mechanism_list, boost::test_tools::per_element());
  fed.handshake.sasl_finished();
  BOOST_TEST(fed.handshake.current() == state::awaiting_result);
  const bytes result_and_frame = body_builder{}.u32(SPICE_LINK_ERR_OK).u8(0xAB).out;
  bytes to_send, leftover;
  BOOST_TEST(fed.handshake.feed(result_and_frame.data(), result_and_frame.size(), to_send, leftover) == state::linked);
  BOOST_TEST(to_send.empty());
  BOOST_TEST(leftover == bytes{0xAB}, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(reply_arriving_in_pieces_waits_for_the_rest) {
  const bytes stream = read_capture("main.in.bin");
  link_handshake handshake(capture_link_request(SPICE_CHANNEL_MAIN), "");
  handshake.start();
  bytes to_send, leftover;
  BOOST_TEST(handshake.feed(stream.data(), 10, to_send, leftover) == state::awaiting_reply_header);
  BOOST_TEST(handshake.feed(stream.data() + 10, 100, to_send, leftover) == state::awaiting_reply_body);
  BOOST_TEST(to_send.empty());
  BOOST_TEST(handshake.feed(stream.data() + 110, 93, to_send, leftover) == state::awaiting_result);
  BOOST_TEST(to_send.size() == 132u);
  BOOST_TEST(handshake.feed(stream.data() + 203, 3, to_send, leftover) == state::linked);
  BOOST_TEST(leftover.empty());
}

BOOST_AUTO_TEST_CASE(bytes_before_start_fail_the_handshake) {
  link_handshake handshake(capture_link_request(SPICE_CHANNEL_MAIN), "");
  const bytes stream = read_capture("main.in.bin");
  bytes to_send, leftover;
  BOOST_TEST(handshake.feed(stream.data(), 16, to_send, leftover) == state::failed);
}

BOOST_AUTO_TEST_CASE(failed_handshake_ignores_further_bytes) {
  fed_handshake fed(reply_header(4097));
  const bytes more(64, 0);
  BOOST_TEST(fed.handshake.feed(more.data(), more.size(), fed.to_send, fed.leftover) == state::failed);
  BOOST_TEST(fed.leftover.empty());
  BOOST_TEST(fed.to_send.empty());
}

BOOST_AUTO_TEST_CASE(truncated_reply_body_names_the_field) {
  const bytes body = link_reply_body_of(read_capture("main.in.bin"));
  const auto reply = parse_link_reply_body(body.data(), 100);
  BOOST_TEST_REQUIRE(!reply.ok());
  BOOST_TEST(reply.error().message ==
             "link reply: field pub_key truncated (need 162 bytes at offset 4, body is 100 bytes)");
}

BOOST_AUTO_TEST_CASE(caps_count_beyond_the_body_is_an_error) {
  bytes body = link_reply_body_of(read_capture("main.in.bin"));
  body[166] = 0xff;  // num_common_caps low byte
  body[169] = 0x7f;  // ... and high byte: 0x7f0000ff words
  const auto reply = parse_link_reply_body(body.data(), body.size());
  BOOST_TEST_REQUIRE(!reply.ok());
  VIGIL_CHECK_CONTAINS(reply.error().message, "link reply: num_common_caps 2130706687 exceeds body");
}

BOOST_AUTO_TEST_CASE(caps_offset_past_the_body_is_an_error) {
  bytes body = link_reply_body_of(read_capture("main.in.bin"));
  body[174] = 0x00;
  body[175] = 0x10;  // caps_offset 4096, far past the 186-byte body
  const auto reply = parse_link_reply_body(body.data(), body.size());
  BOOST_TEST_REQUIRE(!reply.ok());
  VIGIL_CHECK_CONTAINS(reply.error().message, "caps_offset");
}

BOOST_AUTO_TEST_CASE(link_error_names_cover_every_spice_code) {
  BOOST_TEST(link_error_name(SPICE_LINK_ERR_OK) == std::string("OK"));
  BOOST_TEST(link_error_name(SPICE_LINK_ERR_NEED_SECURED) == std::string("NEED_SECURED"));
  BOOST_TEST(link_error_name(SPICE_LINK_ERR_PERMISSION_DENIED) == std::string("PERMISSION_DENIED"));
  BOOST_TEST(link_error_name(SPICE_LINK_ERR_CHANNEL_NOT_AVAILABLE) == std::string("CHANNEL_NOT_AVAILABLE"));
  BOOST_TEST(link_error_name(SPICE_LINK_ERR_ENUM_END) == std::string("UNKNOWN_LINK_ERROR"));
}

BOOST_AUTO_TEST_SUITE_END()
