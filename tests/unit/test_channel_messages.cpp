// The display, inputs and cursor messages the session core needs.
#include <boost/test/unit_test.hpp>

#include <spice/protocol.h>

#include "captured_stream.hpp"
#include "protocol/channel_messages.hpp"

using namespace vigil::protocol;
using namespace vigil::test;

BOOST_AUTO_TEST_SUITE(channel_messages)

BOOST_AUTO_TEST_CASE(captured_inputs_init_reports_no_lock_keys) {
  const auto frames = replay(read_capture("inputs.in.bin"), SPICE_CHANNEL_INPUTS, 1).frames;
  BOOST_TEST_REQUIRE(!frames.empty());
  BOOST_TEST(frames.front().type == SPICE_MSG_INPUTS_INIT);
  const auto init = parse_inputs_init(frames.front().body);
  BOOST_TEST_REQUIRE(init.ok(), error_text(init));
  BOOST_TEST(init->modifiers == 0u);
}

BOOST_AUTO_TEST_CASE(key_modifiers_is_one_u16_of_lock_bits) {
  const auto parsed = parse_key_modifiers(bytes{0x06, 0x00});
  BOOST_TEST_REQUIRE(parsed.ok(), error_text(parsed));
  BOOST_TEST(parsed->modifiers == (SPICE_KEYBOARD_MODIFIER_FLAGS_NUM_LOCK | SPICE_KEYBOARD_MODIFIER_FLAGS_CAPS_LOCK));
}

BOOST_AUTO_TEST_CASE(truncated_key_modifiers_names_type_and_field) {
  const auto parsed = parse_key_modifiers(bytes{0x01});
  BOOST_TEST_REQUIRE(!parsed.ok());
  BOOST_TEST(parsed.error().message ==
             "INPUTS_KEY_MODIFIERS: field keyboard_modifiers truncated (need 2 bytes at offset 0, body is 1 bytes)");
}

BOOST_AUTO_TEST_CASE(display_init_is_cache_id_cache_size_dictionary_id_window) {
  display_init_request request;
  request.pixmap_cache_id = 1;
  request.pixmap_cache_size = 5242880;
  request.glz_dictionary_id = 0;
  request.glz_window_size = 8388608;
  const bytes expected = body_builder{}.u8(1).u64(5242880).u8(0).u32(8388608).out;
  BOOST_TEST(build_display_init(request) == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(display_init_is_what_qemu_accepted_in_the_capture) {
  // display.out.bin: link message (42), auth mechanism (4), ticket (128),
  // then the DISPLAY_INIT frame, after which QEMU sent the screen.
  const bytes out = read_capture("display.out.bin");
  display_init_request request;
  request.pixmap_cache_size = 5242880;
  request.glz_window_size = 8388608;
  const bytes body = build_display_init(request);
  const std::size_t frame_start = 42 + 4 + 128;
  BOOST_TEST_REQUIRE(out.size() >= frame_start + 6 + body.size());
  BOOST_TEST(out[frame_start] == SPICE_MSGC_DISPLAY_INIT);
  BOOST_TEST(bytes(out.begin() + frame_start + 6, out.begin() + frame_start + 6 + 14) == body,
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
