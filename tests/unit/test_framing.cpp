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

// One message fed in pieces of `piece` bytes, as the socket's chunks come.
frame fed_in_pieces(frame_reassembler& frames, const bytes& wire, std::size_t piece) {
  std::optional<frame> out;
  for (std::size_t at = 0; at < wire.size(); at += piece) {
    frames.feed(wire.data() + at, std::min(piece, wire.size() - at));
    auto next = frames.next();
    BOOST_TEST_REQUIRE(next.ok(), error_text(next));
    if (next->has_value()) {
      BOOST_TEST_REQUIRE(!out.has_value());
      out = std::move(**next);
    }
  }
  BOOST_TEST_REQUIRE(out.has_value());
  return std::move(*out);
}

bytes mini_message(std::uint16_t type, std::size_t body_size, std::uint8_t fill) {
  bytes wire = body_builder{}.u16(type).u32(static_cast<std::uint32_t>(body_size)).out;
  wire.resize(wire.size() + body_size, fill);
  return wire;
}

bytes joined(std::initializer_list<bytes> parts) {
  bytes out;
  for (const bytes& part : parts)
    out.insert(out.end(), part.begin(), part.end());
  return out;
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

BOOST_AUTO_TEST_CASE(a_recycled_body_takes_the_next_message_read_in_pieces) {
  frame_reassembler frames(true, 1 << 20);
  frame first = fed_in_pieces(frames, mini_message(304, 100000, 1), 4096);
  BOOST_TEST(first.body == bytes(100000, 1), boost::test_tools::per_element());
  const std::uint8_t* storage = first.body.data();
  frames.recycle(std::move(first.body));
  BOOST_TEST(frames.spare_capacity() >= 100000u);
  // A little larger still fits: the buffer was grown with room to spare.
  const frame second = fed_in_pieces(frames, mini_message(305, 105000, 2), 4096);
  BOOST_TEST(second.type == 305);
  BOOST_TEST(second.body == bytes(105000, 2), boost::test_tools::per_element());
  BOOST_TEST(second.body.data() == storage);
  BOOST_TEST(frames.spare_capacity() == 0u);  // in use until recycled again
}

BOOST_AUTO_TEST_CASE(frames_around_a_body_read_in_its_own_buffer_keep_their_order) {
  frame_reassembler frames(true, 1 << 20);
  const bytes wire = joined({mini_message(1, 3, 7), mini_message(2, 50000, 8), mini_message(3, 2, 9)});
  for (std::size_t piece : {std::size_t{1}, std::size_t{13}, std::size_t{4096}, wire.size()}) {
    BOOST_TEST_CONTEXT("pieces of " << piece) {
      std::vector<frame> got;
      for (std::size_t at = 0; at < wire.size(); at += piece) {
        frames.feed(wire.data() + at, std::min(piece, wire.size() - at));
        for (auto& f : drain(frames)) {
          got.push_back(f);
          frames.recycle(std::move(f.body));
        }
      }
      BOOST_TEST_REQUIRE(got.size() == 3u);
      BOOST_TEST(got[0].body == bytes(3, 7), boost::test_tools::per_element());
      BOOST_TEST(got[1].body == bytes(50000, 8), boost::test_tools::per_element());
      BOOST_TEST(got[2].body == bytes(2, 9), boost::test_tools::per_element());
      BOOST_TEST(frames.buffered_bytes() == 0u);
    }
  }
}

BOOST_AUTO_TEST_CASE(the_kept_buffer_is_charged_and_given_back_when_released) {
  auto pool = std::make_shared<fixed_memory_pool>(64 << 20);
  frame_reassembler frames(true, 1 << 20, memory_account(pool, "display:0"));
  frame message = fed_in_pieces(frames, mini_message(304, 200000, 3), 65536);
  const std::uint64_t staging = pool->in_use();  // the first piece's header was staged
  const std::size_t capacity = message.body.capacity();
  frames.recycle(std::move(message.body));
  BOOST_TEST(frames.spare_capacity() == capacity);
  BOOST_TEST(pool->in_use() == staging + capacity);
  frames.release_spare();
  BOOST_TEST(frames.spare_capacity() == 0u);
  BOOST_TEST(pool->in_use() == staging);
}

BOOST_AUTO_TEST_CASE(no_buffer_is_kept_while_the_budget_is_over_half_used) {
  auto pool = std::make_shared<fixed_memory_pool>(1 << 20);
  frame_reassembler frames(true, 1 << 20, memory_account(pool, "display:0"));
  BOOST_TEST_REQUIRE(pool->take(300000));  // surfaces, say
  frame message = fed_in_pieces(frames, mini_message(304, 300000, 3), 65536);
  frames.recycle(std::move(message.body));
  BOOST_TEST(frames.spare_capacity() == 0u);
  BOOST_TEST(pool->refusals() == 0u);
}

BOOST_AUTO_TEST_CASE(a_buffer_grown_for_one_large_message_is_freed_once_messages_stay_small) {
  frame_reassembler frames(true, 1 << 20);
  frame large = fed_in_pieces(frames, mini_message(304, 500000, 3), 65536);
  frames.recycle(std::move(large.body));
  BOOST_TEST_REQUIRE(frames.spare_capacity() >= 500000u);
  // Small messages split across pieces: each is read into the kept buffer
  // and handed back, until the large one is no longer recent.
  for (int i = 0; i < 200; ++i) {
    frame small = fed_in_pieces(frames, mini_message(304, 1000, 4), 600);
    BOOST_TEST_REQUIRE(small.body == bytes(1000, 4), boost::test_tools::per_element());
    frames.recycle(std::move(small.body));
  }
  BOOST_TEST(frames.spare_capacity() < 500000u);
}

BOOST_AUTO_TEST_SUITE_END()
