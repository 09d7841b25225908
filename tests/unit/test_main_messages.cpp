// Main channel messages, from the captured QEMU main stream where QEMU sent
// them, else hand-made.
#include <boost/test/unit_test.hpp>

#include <spice/enums.h>
#include <spice/protocol.h>

#include <algorithm>

#include "captured_stream.hpp"
#include "protocol/main_messages.hpp"

using namespace vigil::protocol;
using namespace vigil::test;

namespace {

const std::vector<frame>& captured_main_frames() {
  static const std::vector<frame> frames = replay(read_capture("main.in.bin"), SPICE_CHANNEL_MAIN, 4096).frames;
  return frames;
}

bytes only_body(std::uint16_t type) {
  const auto matching = frames_of_type(captured_main_frames(), type);
  BOOST_TEST_REQUIRE(matching.size() == 1u, "want one message of type " << type);
  return matching.front().body;
}

std::uint32_t u32_at(const bytes& data, std::size_t offset) {
  return data[offset] | data[offset + 1] << 8 | data[offset + 2] << 16 |
         static_cast<std::uint32_t>(data[offset + 3]) << 24;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(main_messages)

BOOST_AUTO_TEST_CASE(captured_init_carries_the_session_id_the_other_channels_linked_with) {
  const auto init = parse_main_init(only_body(SPICE_MSG_MAIN_INIT));
  BOOST_TEST_REQUIRE(init.ok(), error_text(init));
  BOOST_TEST(init->session_id != 0u);
  // SpiceLinkMess.connection_id sits right after the 16-byte link header.
  BOOST_TEST(u32_at(read_capture("display.out.bin"), 16) == init->session_id);
  BOOST_TEST(init->display_channels_hint == 1u);
  BOOST_TEST(init->supported_mouse_modes == (SPICE_MOUSE_MODE_SERVER | SPICE_MOUSE_MODE_CLIENT));
  BOOST_TEST(init->current_mouse_mode == SPICE_MOUSE_MODE_SERVER);
  BOOST_TEST(init->agent_connected == 0u);
  BOOST_TEST(init->agent_tokens == 10u);
  BOOST_TEST(init->ram_hint > 0u);
}

BOOST_AUTO_TEST_CASE(captured_channels_list_names_display_inputs_and_cursor) {
  const auto list = parse_channels_list(only_body(SPICE_MSG_MAIN_CHANNELS_LIST));
  BOOST_TEST_REQUIRE(list.ok(), error_text(list));
  const auto& channels = list->channels;
  for (std::uint8_t type : {SPICE_CHANNEL_DISPLAY, SPICE_CHANNEL_INPUTS, SPICE_CHANNEL_CURSOR})
    BOOST_TEST((std::find(channels.begin(), channels.end(), channel_address{type, 0}) != channels.end()),
               "missing channel type " << int{type});
}

BOOST_AUTO_TEST_CASE(captured_mouse_mode_is_two_u16_after_client_mode_request) {
  const bytes body = only_body(SPICE_MSG_MAIN_MOUSE_MODE);
  BOOST_TEST(body.size() == 4u);  // spice.proto: flags16 supported_modes, flags16 current_mode
  const auto mode = parse_mouse_mode(body);
  BOOST_TEST_REQUIRE(mode.ok(), error_text(mode));
  BOOST_TEST(mode->supported == (SPICE_MOUSE_MODE_SERVER | SPICE_MOUSE_MODE_CLIENT));
  BOOST_TEST(mode->current == SPICE_MOUSE_MODE_CLIENT);
}

BOOST_AUTO_TEST_CASE(captured_name_is_the_qemu_name_without_its_nul) {
  const auto name = parse_name(only_body(SPICE_MSG_MAIN_NAME));
  BOOST_TEST_REQUIRE(name.ok(), error_text(name));
  BOOST_TEST(name->name == "vigil-capture");
}

BOOST_AUTO_TEST_CASE(captured_uuid_prints_in_canonical_form) {
  const auto uuid = parse_uuid(only_body(SPICE_MSG_MAIN_UUID));
  BOOST_TEST_REQUIRE(uuid.ok(), error_text(uuid));
  BOOST_TEST(uuid_to_string(*uuid) == "5f1c2d3e-4b5a-4978-8a9b-0c1d2e3f4a5b");
}

BOOST_AUTO_TEST_CASE(multi_media_time_is_one_u32) {
  // QEMU only sends it around audio playback or video streams: hand-made.
  const auto time = parse_multi_media_time(body_builder{}.u32(123456).out);
  BOOST_TEST_REQUIRE(time.ok(), error_text(time));
  BOOST_TEST(time->time == 123456u);
}

BOOST_AUTO_TEST_CASE(agent_messages_are_one_u32_each) {
  BOOST_TEST(parse_agent_disconnected(body_builder{}.u32(1).out)->error == 1u);
  BOOST_TEST(parse_agent_token(body_builder{}.u32(5).out)->tokens == 5u);
  BOOST_TEST(parse_agent_connected_tokens(body_builder{}.u32(10).out)->tokens == 10u);
}

BOOST_AUTO_TEST_CASE(init_without_ram_hint_names_the_field_and_offset) {
  const auto init = parse_main_init(bytes(28, 0));
  BOOST_TEST_REQUIRE(!init.ok());
  BOOST_TEST(init.error().message ==
             "MAIN_INIT: field ram_hint truncated (need 4 bytes at offset 28, body is 28 bytes)");
}

BOOST_AUTO_TEST_CASE(channels_list_count_beyond_the_body_is_an_error) {
  const auto list = parse_channels_list(body_builder{}.u32(1000).u8(2).u8(0).out);
  BOOST_TEST_REQUIRE(!list.ok());
  VIGIL_CHECK_CONTAINS(list.error().message, "CHANNELS_LIST: num_of_channels 1000 exceeds body");
}

BOOST_AUTO_TEST_CASE(channels_list_with_four_billion_channels_fails_without_allocating) {
  const auto list = parse_channels_list(body_builder{}.u32(0xffffffff).out);
  BOOST_TEST_REQUIRE(!list.ok());
  VIGIL_CHECK_CONTAINS(list.error().message, "num_of_channels 4294967295 exceeds body");
}

BOOST_AUTO_TEST_CASE(captured_channels_list_keeps_the_rules) {
  const auto list = parse_channels_list(only_body(SPICE_MSG_MAIN_CHANNELS_LIST));
  BOOST_TEST_REQUIRE(list.ok(), error_text(list));
  BOOST_TEST(!check_channels_list(*list).has_value());
}

// Security review H4: every entry became a channel actor, a thread and a socket.
BOOST_AUTO_TEST_CASE(a_channel_listed_twice_breaks_the_rules) {
  body_builder body;
  body.u32(3).u8(SPICE_CHANNEL_DISPLAY).u8(0).u8(SPICE_CHANNEL_INPUTS).u8(0).u8(SPICE_CHANNEL_DISPLAY).u8(0);
  const auto list = parse_channels_list(body.out);
  BOOST_TEST_REQUIRE(list.ok(), error_text(list));
  const auto broken = check_channels_list(*list);
  BOOST_TEST_REQUIRE(broken.has_value());
  BOOST_TEST(broken->message == "MAIN_CHANNELS_LIST: channel display:0 is listed twice");
}

BOOST_AUTO_TEST_CASE(more_channels_than_a_server_offers_breaks_the_rules) {
  body_builder body;
  body.u32(100000);
  for (std::uint32_t i = 0; i < 100000; ++i)
    body.u8(SPICE_CHANNEL_PORT).u8(static_cast<std::uint8_t>(i));
  const auto list = parse_channels_list(body.out);
  BOOST_TEST_REQUIRE(list.ok(), error_text(list));
  const auto broken = check_channels_list(*list);
  BOOST_TEST_REQUIRE(broken.has_value());
  BOOST_TEST(broken->message == "MAIN_CHANNELS_LIST: 100000 channels, more than the 64 a server offers");
}

BOOST_AUTO_TEST_CASE(name_length_beyond_the_body_is_an_error) {
  const auto name = parse_name(body_builder{}.u32(50).text("vm").out);
  BOOST_TEST_REQUIRE(!name.ok());
  VIGIL_CHECK_CONTAINS(name.error().message, "MAIN_NAME: name_len 50 exceeds body");
}

BOOST_AUTO_TEST_CASE(uuid_shorter_than_16_bytes_is_an_error) {
  const auto uuid = parse_uuid(bytes(15, 0));
  BOOST_TEST_REQUIRE(!uuid.ok());
  BOOST_TEST(uuid.error().message == "MAIN_UUID: field uuid truncated (need 16 bytes at offset 0, body is 15 bytes)");
}

BOOST_AUTO_TEST_CASE(client_messages_lay_out_their_fields) {
  BOOST_TEST(build_attach_channels().empty());
  BOOST_TEST(build_mouse_mode_request(SPICE_MOUSE_MODE_CLIENT) == (bytes{2, 0}), boost::test_tools::per_element());
  BOOST_TEST(build_agent_start(10) == (bytes{10, 0, 0, 0}), boost::test_tools::per_element());
  BOOST_TEST(build_agent_token(0x01020304) == (bytes{4, 3, 2, 1}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(client_mouse_mode_is_asked_for_at_init_and_again_after_a_reboot_brings_the_tablet_back) {
  constexpr std::uint32_t server = SPICE_MOUSE_MODE_SERVER, client = SPICE_MOUSE_MODE_CLIENT;
  client_mouse_mode_requests requests(true);
  BOOST_TEST(requests.on_mode(server, server | client));  // INIT
  BOOST_TEST(!requests.on_mode(client, server | client));  // granted
  BOOST_TEST(!requests.on_mode(server, server));           // the guest reboots: no tablet
  BOOST_TEST(requests.on_mode(server, server | client));   // the tablet is back: ask again
  BOOST_TEST(!requests.on_mode(client, server | client));
}

BOOST_AUTO_TEST_CASE(a_refused_client_mouse_mode_request_is_not_repeated_until_the_next_change) {
  constexpr std::uint32_t server = SPICE_MOUSE_MODE_SERVER, client = SPICE_MOUSE_MODE_CLIENT;
  client_mouse_mode_requests requests(true);
  BOOST_TEST(requests.on_mode(server, server | client));
  BOOST_TEST(!requests.on_mode(server, server | client), "the answer refused it: asking again would loop");
  BOOST_TEST(requests.on_mode(server, server | client), "a later change is a new chance");
}

BOOST_AUTO_TEST_CASE(client_mouse_mode_is_never_asked_for_when_not_wanted) {
  client_mouse_mode_requests requests(false);
  BOOST_TEST(!requests.on_mode(SPICE_MOUSE_MODE_SERVER, SPICE_MOUSE_MODE_SERVER | SPICE_MOUSE_MODE_CLIENT));
}

BOOST_AUTO_TEST_SUITE_END()
