// Messages every channel shares, the ACK window, and the name tables.
#include <boost/test/unit_test.hpp>

#include <spice/protocol.h>

#include "captured_stream.hpp"
#include "protocol/common_messages.hpp"

using namespace vigil::protocol;
using namespace vigil::test;

namespace {

std::vector<ping> captured_pings(const char* capture, std::uint8_t channel_type) {
  std::vector<ping> pings;
  for (const frame& f : frames_of_type(replay(read_capture(capture), channel_type, 4096).frames, SPICE_MSG_PING)) {
    auto parsed = parse_ping(f.body);
    BOOST_TEST_REQUIRE(parsed.ok(), error_text(parsed));
    pings.push_back(*parsed);
  }
  return pings;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(common_messages)

BOOST_AUTO_TEST_CASE(captured_main_net_test_pings_are_ids_1_2_3_with_256000_bytes_on_3) {
  const auto pings = captured_pings("main.in.bin", SPICE_CHANNEL_MAIN);
  BOOST_TEST_REQUIRE(pings.size() >= 3u);
  BOOST_TEST(pings[0].id == 1u);
  BOOST_TEST(pings[0].padding == 0u);
  BOOST_TEST(pings[1].id == 2u);
  BOOST_TEST(pings[1].padding == 0u);
  BOOST_TEST(pings[2].id == 3u);
  BOOST_TEST(pings[2].padding == 256000u);
  BOOST_TEST(pings[0].timestamp < pings[2].timestamp);
}

BOOST_AUTO_TEST_CASE(captured_keepalive_pings_come_in_pairs_with_one_id) {
  for (const auto& [capture, type] : {std::pair{"main.in.bin", SPICE_CHANNEL_MAIN},
                                      std::pair{"display.in.bin", SPICE_CHANNEL_DISPLAY}}) {
    BOOST_TEST_CONTEXT(capture) {
      auto pings = captured_pings(capture, static_cast<std::uint8_t>(type));
      if (type == SPICE_CHANNEL_MAIN)
        pings.erase(pings.begin(), pings.begin() + 3);  // the net test
      BOOST_TEST_REQUIRE(pings.size() >= 2u);
      BOOST_TEST(pings.size() % 2 == 0u);
      for (std::size_t i = 0; i + 1 < pings.size(); i += 2) {
        BOOST_TEST(pings[i].id == pings[i + 1].id);
        BOOST_TEST(pings[i].padding == 0u);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(captured_display_and_cursor_set_ack_ask_window_20) {
  for (const auto& [capture, type] : {std::pair{"display.in.bin", SPICE_CHANNEL_DISPLAY},
                                      std::pair{"cursor.in.bin", SPICE_CHANNEL_CURSOR}}) {
    const auto frames = replay(read_capture(capture), static_cast<std::uint8_t>(type), 7).frames;
    BOOST_TEST_REQUIRE(!frames.empty());
    BOOST_TEST(frames.front().type == SPICE_MSG_SET_ACK, capture);
    const auto ack = parse_set_ack(frames.front().body);
    BOOST_TEST_REQUIRE(ack.ok(), error_text(ack));
    BOOST_TEST(ack->generation == 1u);
    BOOST_TEST(ack->window == 20u);
  }
}

BOOST_AUTO_TEST_CASE(captured_display_stream_outlived_twice_the_window_with_our_acks) {
  // The server stops at 2 x window unacked: more than 40 messages prove the
  // ACKs spice_capture sent (by ack_window) were on time, and replaying the
  // capture through ack_window asks for exactly the ACKs that were sent.
  const auto in = replay(read_capture("display.in.bin"), SPICE_CHANNEL_DISPLAY, 4096).frames;
  BOOST_TEST_REQUIRE(in.size() > 40u);
  ack_window window;
  std::size_t acks_due = 0;
  for (const frame& f : in) {
    if (f.type == SPICE_MSG_SET_ACK)
      window.on_set_ack(*parse_set_ack(f.body));
    acks_due += window.on_message_received() ? 1 : 0;
  }
  const bytes out = read_capture("display.out.bin");
  frame_reassembler sent(true, 4096);
  const std::size_t link_bytes = 42 + 4 + 128;
  sent.feed(out.data() + link_bytes, out.size() - link_bytes);
  std::size_t acks_sent = 0;
  for (auto next = sent.next(); next.ok() && next->has_value(); next = sent.next())
    acks_sent += (*next)->type == SPICE_MSGC_ACK ? 1 : 0;
  BOOST_TEST(acks_due == in.size() / 20);
  BOOST_TEST(acks_sent == acks_due);
}

BOOST_AUTO_TEST_CASE(captured_notify_text_is_the_insecure_keyboard_warning) {
  const auto frames = frames_of_type(replay(read_capture("main.in.bin"), SPICE_CHANNEL_MAIN, 4096).frames,
                                     SPICE_MSG_NOTIFY);
  BOOST_TEST_REQUIRE(frames.size() == 1u);
  const auto note = parse_notify(frames[0].body);
  BOOST_TEST_REQUIRE(note.ok(), error_text(note));
  BOOST_TEST(note->text == "keyboard channel is insecure");
  BOOST_TEST(note->severity == 1u);    // SPICE_NOTIFY_SEVERITY_WARN
  BOOST_TEST(note->visibility == 2u);  // SPICE_NOTIFY_VISIBILITY_HIGH
}

BOOST_AUTO_TEST_CASE(notify_strips_a_counted_trailing_nul) {
  const bytes body = body_builder{}.u64(1).u32(0).u32(0).u32(0).u32(3).text("hi").u8(0).out;
  const auto note = parse_notify(body);
  BOOST_TEST_REQUIRE(note.ok(), error_text(note));
  BOOST_TEST(note->text == "hi");
}

BOOST_AUTO_TEST_CASE(notify_length_beyond_the_body_is_an_error) {
  const bytes body = body_builder{}.u64(1).u32(0).u32(0).u32(0).u32(1000).text("short").out;
  const auto note = parse_notify(body);
  BOOST_TEST_REQUIRE(!note.ok());
  VIGIL_CHECK_CONTAINS(note.error().message, "NOTIFY: message_len 1000 exceeds body");
}

BOOST_AUTO_TEST_CASE(ping_without_timestamp_names_type_and_field) {
  const auto parsed = parse_ping(body_builder{}.u32(7).u32(0).out);
  BOOST_TEST_REQUIRE(!parsed.ok());
  BOOST_TEST(parsed.error().message ==
             "PING: field timestamp truncated (need 8 bytes at offset 4, body is 8 bytes)");
}

BOOST_AUTO_TEST_CASE(disconnecting_carries_timestamp_and_reason) {
  const auto parsed = parse_disconnecting(body_builder{}.u64(99).u32(SPICE_LINK_ERR_ERROR).out);
  BOOST_TEST_REQUIRE(parsed.ok(), error_text(parsed));
  BOOST_TEST(parsed->timestamp == 99u);
  BOOST_TEST(parsed->reason == 1u);
}

BOOST_AUTO_TEST_CASE(wait_for_channels_lists_each_channel_and_serial) {
  const bytes body = body_builder{}.u8(2).u8(2).u8(0).u64(10).u8(4).u8(1).u64(11).out;
  const auto parsed = parse_wait_for_channels(body);
  BOOST_TEST_REQUIRE(parsed.ok(), error_text(parsed));
  BOOST_TEST_REQUIRE(parsed->items.size() == 2u);
  BOOST_TEST(parsed->items[1].channel_type == 4);
  BOOST_TEST(parsed->items[1].channel_id == 1);
  BOOST_TEST(parsed->items[1].message_serial == 11u);
}

BOOST_AUTO_TEST_CASE(wait_for_channels_count_beyond_the_body_is_an_error) {
  const auto parsed = parse_wait_for_channels(body_builder{}.u8(255).u8(2).out);
  BOOST_TEST_REQUIRE(!parsed.ok());
  VIGIL_CHECK_CONTAINS(parsed.error().message, "WAIT_FOR_CHANNELS: wait_count 255 exceeds body");
}

BOOST_AUTO_TEST_CASE(pong_echoes_id_and_timestamp_without_padding) {
  ping request;
  request.id = 3;
  request.timestamp = 0x0102030405060708;
  request.padding = 256000;
  BOOST_TEST(build_pong(request) == (body_builder{}.u32(3).u64(0x0102030405060708).out),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(ack_sync_carries_the_generation_and_ack_is_empty) {
  BOOST_TEST(build_ack_sync(5) == (bytes{5, 0, 0, 0}), boost::test_tools::per_element());
  BOOST_TEST(build_ack().empty());
}

BOOST_AUTO_TEST_CASE(client_disconnecting_is_timestamp_then_reason) {
  BOOST_TEST(build_disconnecting(1, 2) == (body_builder{}.u64(1).u32(2).out), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(ack_window_acks_once_per_window_messages) {
  ack_window window;
  BOOST_TEST(window.on_set_ack(set_ack{7, 3}) == build_ack_sync(7), boost::test_tools::per_element());
  BOOST_TEST(window.window() == 3u);
  std::vector<bool> due;
  for (int i = 0; i < 7; ++i)
    due.push_back(window.on_message_received());
  BOOST_TEST(due == (std::vector<bool>{false, false, true, false, false, true, false}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(ack_window_never_acks_without_a_window) {
  ack_window window;
  for (int i = 0; i < 100; ++i)
    BOOST_TEST_REQUIRE(!window.on_message_received());
  window.on_set_ack(set_ack{1, 0});
  for (int i = 0; i < 100; ++i)
    BOOST_TEST_REQUIRE(!window.on_message_received());
}

BOOST_AUTO_TEST_CASE(set_ack_restarts_the_count) {
  ack_window window;
  window.on_set_ack(set_ack{1, 2});
  BOOST_TEST(!window.on_message_received());
  window.on_set_ack(set_ack{2, 2});
  BOOST_TEST(!window.on_message_received());
  BOOST_TEST(window.on_message_received());
}

BOOST_AUTO_TEST_CASE(channel_type_names_are_lowercase_spice_names) {
  BOOST_TEST(channel_type_name(SPICE_CHANNEL_MAIN) == std::string("main"));
  BOOST_TEST(channel_type_name(SPICE_CHANNEL_DISPLAY) == std::string("display"));
  BOOST_TEST(channel_type_name(SPICE_CHANNEL_PLAYBACK) == std::string("playback"));
  BOOST_TEST(channel_type_name(200) == std::string("channel-200"));
}

BOOST_AUTO_TEST_CASE(message_type_names_depend_on_the_channel) {
  BOOST_TEST(message_type_name(SPICE_CHANNEL_DISPLAY, SPICE_MSG_PING) == "PING");
  BOOST_TEST(message_type_name(SPICE_CHANNEL_MAIN, 103) == "MAIN_INIT");
  BOOST_TEST(message_type_name(SPICE_CHANNEL_DISPLAY, 103) == "DISPLAY_RESET");
  BOOST_TEST(message_type_name(SPICE_CHANNEL_DISPLAY, 304) == "DISPLAY_DRAW_COPY");
  BOOST_TEST(message_type_name(SPICE_CHANNEL_INPUTS, 111) == "INPUTS_MOUSE_MOTION_ACK");
  BOOST_TEST(message_type_name(SPICE_CHANNEL_CURSOR, 103) == "CURSOR_SET");
  BOOST_TEST(message_type_name(SPICE_CHANNEL_PLAYBACK, 103) == "PLAYBACK_START");
  BOOST_TEST(message_type_name(SPICE_CHANNEL_INPUTS, 999) == "type-999");
}

BOOST_AUTO_TEST_SUITE_END()
