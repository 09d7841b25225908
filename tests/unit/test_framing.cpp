// Frame reassembly and building: captured streams in odd-sized pieces, then
// hand-made headers.
#include <boost/test/unit_test.hpp>

#include <spice/protocol.h>

#include "captured_stream.hpp"
#include "protocol/framing.hpp"

using namespace vigil::protocol;
using namespace vigil::test;

namespace {

std::vector<frame> drain(frame_reassembler& frames) {
  std::vector<frame> out;
  for (;;) {
    auto next = frames.next();
    BOOST_TEST_REQUIRE(next.ok(), error_text(next));
    if (!next->has_value())
      return out;
    out.push_back(std::move(**next));
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(framing)

BOOST_AUTO_TEST_CASE(captured_streams_yield_the_same_frames_for_any_piece_size) {
  for (const char* name : {"main", "display", "inputs", "cursor"}) {
    const bytes stream = read_capture(std::string(name) + ".in.bin");
    const std::uint8_t type = name == std::string("main")      ? SPICE_CHANNEL_MAIN
                              : name == std::string("display") ? SPICE_CHANNEL_DISPLAY
                              : name == std::string("inputs")  ? SPICE_CHANNEL_INPUTS
                                                               : SPICE_CHANNEL_CURSOR;
    const auto whole = replay(stream, type, stream.size());
    BOOST_TEST_REQUIRE(!whole.framing_error.has_value());
    BOOST_TEST(whole.unframed_bytes == 0u, name);
    BOOST_TEST(!whole.frames.empty(), name);
    for (std::size_t piece : {std::size_t{1}, std::size_t{7}, std::size_t{4096}}) {
      BOOST_TEST_CONTEXT(name << " in pieces of " << piece) {
        const auto pieces = replay(stream, type, piece);
        BOOST_TEST_REQUIRE(pieces.frames.size() == whole.frames.size());
        for (std::size_t i = 0; i < whole.frames.size(); ++i) {
          BOOST_TEST(pieces.frames[i].type == whole.frames[i].type);
          BOOST_TEST(pieces.frames[i].body == whole.frames[i].body);
        }
        BOOST_TEST(pieces.unframed_bytes == 0u);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(captured_main_stream_holds_the_expected_message_sequence) {
  const auto main = replay(read_capture("main.in.bin"), SPICE_CHANNEL_MAIN, 4096);
  std::vector<std::uint16_t> types;
  for (const frame& f : main.frames)
    types.push_back(f.type);
  const std::vector<std::uint16_t> connect_sequence{
      SPICE_MSG_MAIN_INIT, SPICE_MSG_MAIN_NAME, SPICE_MSG_MAIN_UUID, SPICE_MSG_PING, SPICE_MSG_PING,
      SPICE_MSG_PING, SPICE_MSG_MAIN_MOUSE_MODE, SPICE_MSG_MAIN_CHANNELS_LIST};
  BOOST_TEST_REQUIRE(types.size() >= connect_sequence.size());
  BOOST_TEST(std::vector<std::uint16_t>(types.begin(), types.begin() + 8) == connect_sequence,
             boost::test_tools::per_element());
  for (const frame& f : main.frames)
    BOOST_TEST(f.serial == 0u);  // the mini header has no serial
}

BOOST_AUTO_TEST_CASE(mini_header_is_type_then_size_then_body) {
  frame_reassembler frames(true, 64);
  const bytes wire = body_builder{}.u16(304).u32(3).u8(7).u8(8).u8(9).out;
  frames.feed(wire.data(), wire.size());
  const auto got = drain(frames);
  BOOST_TEST_REQUIRE(got.size() == 1u);
  BOOST_TEST(got[0].type == 304);
  BOOST_TEST(got[0].body == (bytes{7, 8, 9}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(full_header_carries_serial_and_skips_sub_list) {
  frame_reassembler frames(false, 64);
  const bytes wire = body_builder{}.u64(42).u16(SPICE_MSG_PING).u32(1).u32(0).u8(5).out;
  frames.feed(wire.data(), wire.size());
  const auto got = drain(frames);
  BOOST_TEST_REQUIRE(got.size() == 1u);
  BOOST_TEST(got[0].serial == 42u);
  BOOST_TEST(got[0].type == SPICE_MSG_PING);
  BOOST_TEST(got[0].body == bytes{5}, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(incomplete_frame_waits_for_more_bytes) {
  frame_reassembler frames(true, 64);
  const bytes wire = body_builder{}.u16(1).u32(4).u32(0xdeadbeef).out;
  frames.feed(wire.data(), 8);
  BOOST_TEST(drain(frames).empty());
  BOOST_TEST(frames.buffered_bytes() == 8u);
  frames.feed(wire.data() + 8, 2);
  BOOST_TEST(drain(frames).size() == 1u);
  BOOST_TEST(frames.buffered_bytes() == 0u);
}

BOOST_AUTO_TEST_CASE(empty_body_frames_are_frames) {
  frame_reassembler frames(true, 64);
  const bytes wire = body_builder{}.u16(SPICE_MSG_DISPLAY_MARK).u32(0).u16(SPICE_MSG_DISPLAY_MARK).u32(0).out;
  frames.feed(wire.data(), wire.size());
  const auto got = drain(frames);
  BOOST_TEST(got.size() == 2u);
  BOOST_TEST(got[0].body.empty());
}

BOOST_AUTO_TEST_CASE(frame_over_max_message_size_is_an_error_naming_type_and_size) {
  frame_reassembler frames(true, 1000);
  const bytes wire = body_builder{}.u16(SPICE_MSG_DISPLAY_DRAW_COPY).u32(1001).out;
  frames.feed(wire.data(), wire.size());
  const auto next = frames.next();
  BOOST_TEST_REQUIRE(!next.ok());
  BOOST_TEST(next.error().message ==
             "frame: message type 304 declares size 1001 bytes, over max_message_size 1000");
}

BOOST_AUTO_TEST_CASE(stream_stays_unusable_after_a_framing_error) {
  frame_reassembler frames(true, 10);
  const bytes bad = body_builder{}.u16(1).u32(0xffffffff).out;
  frames.feed(bad.data(), bad.size());
  BOOST_TEST(!frames.next().ok());
  const bytes good = body_builder{}.u16(1).u32(0).out;
  frames.feed(good.data(), good.size());
  BOOST_TEST(!frames.next().ok());
  BOOST_TEST(frames.buffered_bytes() == 0u);
}

BOOST_AUTO_TEST_CASE(consumed_bytes_are_not_kept_while_frames_keep_arriving) {
  frame_reassembler frames(true, 64);
  const bytes wire = body_builder{}.u16(SPICE_MSG_PING).u32(12).u32(1).u64(2).out;
  for (int i = 0; i < 10000; ++i) {
    frames.feed(wire.data(), 5);  // a frame split across feeds
    frames.feed(wire.data() + 5, wire.size() - 5);
    BOOST_TEST_REQUIRE(drain(frames).size() == 1u);
    BOOST_TEST_REQUIRE(frames.buffered_bytes() == 0u);
  }
}

BOOST_AUTO_TEST_CASE(writer_builds_mini_header_frames) {
  frame_writer writer(true);
  const bytes built = writer.build(SPICE_MSGC_ACK_SYNC, bytes{1, 0, 0, 0});
  const bytes expected = body_builder{}.u16(SPICE_MSGC_ACK_SYNC).u32(4).u32(1).out;
  BOOST_TEST(built == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(writer_numbers_full_header_serials_from_one) {
  frame_writer writer(false);
  const bytes first = writer.build(SPICE_MSGC_ACK, {});
  const bytes second = writer.build(SPICE_MSGC_ACK, {});
  BOOST_TEST(first == (body_builder{}.u64(1).u16(SPICE_MSGC_ACK).u32(0).u32(0).out),
             boost::test_tools::per_element());
  BOOST_TEST(second[0] == 2);
}

BOOST_AUTO_TEST_CASE(writer_output_reassembles_to_the_same_frame) {
  frame_writer writer(false);
  frame_reassembler frames(false, 64);
  const bytes wire = writer.build(SPICE_MSGC_PONG, bytes{1, 2, 3});
  frames.feed(wire.data(), wire.size());
  const auto got = drain(frames);
  BOOST_TEST_REQUIRE(got.size() == 1u);
  BOOST_TEST(got[0].type == SPICE_MSGC_PONG);
  BOOST_TEST(got[0].serial == 1u);
  BOOST_TEST(got[0].body == (bytes{1, 2, 3}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
