// The cursor channel: message parsing, shape decoding, the shape cache and
// the tracked cursor, on what QEMU and libspice-server really sent
// (tests/data/qemu, tests/data/cursor) and on hand-made shapes.
#include <boost/test/unit_test.hpp>

#include <spice/enums.h>
#include <spice/protocol.h>

#include <fstream>
#include <iterator>
#include <string>

#include "captured_stream.hpp"
#include "protocol/cursor_messages.hpp"

using namespace vigil::protocol;
using namespace vigil::test;

namespace {

bytes read_cursor_capture(const std::string& file_name) {
  const std::string path = std::string(VIGIL_TEST_DATA_DIR) + "/cursor/" + file_name;
  std::ifstream in(path, std::ios::binary);
  BOOST_TEST_REQUIRE(in.good(), "cannot open capture " << path);
  return bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The cursor messages of a capture, in order (SET_ACK and PINGs left out).
std::vector<frame> cursor_frames(const bytes& capture) {
  std::vector<frame> out;
  for (auto& frame : replay(capture, SPICE_CHANNEL_CURSOR, 7).frames)
    if (frame.type >= SPICE_MSG_CURSOR_INIT && frame.type < SPICE_MSG_END_CURSOR)
      out.push_back(frame);
  return out;
}

// The test server's ALPHA cursor (tests/test_server/README.md): opaque red on
// column 5 and row 7, translucent blue inside the circle of radius 14 around
// (16,16), transparent elsewhere.
std::uint32_t scene_alpha_pixel(int x, int y) {
  if (x == 5 || y == 7)
    return 0xffff0000;
  if ((x - 16) * (x - 16) + (y - 16) * (y - 16) < 14 * 14)
    return 0x800000ff;
  return 0;
}

// Its MONO cursor: transparent outside (4,4)-(28,28), a black 2-pixel frame, white inside.
std::uint32_t scene_mono_pixel(int x, int y) {
  const bool inside = x >= 4 && x < 28 && y >= 4 && y < 28;
  const bool frame = x < 6 || x >= 26 || y < 6 || y >= 26;
  if (!inside)
    return 0;
  return frame ? 0xff000000 : 0xffffffff;
}

// A SET at (10, 20), visible, with the given cursor field.
bytes set_body(std::uint16_t flags, std::uint64_t unique, std::uint8_t type, std::uint16_t width,
               std::uint16_t height, std::uint16_t hot_x, std::uint16_t hot_y, const bytes& data) {
  body_builder body;
  body.u16(10).u16(20).u8(1).u16(flags);
  if (!(flags & SPICE_CURSOR_FLAGS_NONE))
    body.u64(unique).u8(type).u16(width).u16(height).u16(hot_x).u16(hot_y);
  body.out.insert(body.out.end(), data.begin(), data.end());
  return body.out;
}

cursor_field field_of(std::uint8_t type, std::uint16_t width, std::uint16_t height, const bytes& data) {
  cursor_field field;
  field.type = type;
  field.width = width;
  field.height = height;
  field.data = data;
  return field;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cursor_messages)

BOOST_AUTO_TEST_CASE(captured_qemu_init_has_no_cursor) {
  const auto frames = cursor_frames(read_capture("cursor.in.bin"));
  BOOST_TEST_REQUIRE(!frames.empty());
  BOOST_TEST(frames.front().type == SPICE_MSG_CURSOR_INIT);
  const auto init = parse_cursor_init(frames.front().body);
  BOOST_TEST_REQUIRE(init.ok(), error_text(init));
  BOOST_TEST(init->visible);
  BOOST_TEST(init->cursor.none());
  BOOST_TEST(init->cursor.data.empty());
}

BOOST_AUTO_TEST_CASE(a_visible_init_without_a_cursor_shows_nothing) {
  cursor_tracker tracker;
  const auto frames = cursor_frames(read_capture("cursor.in.bin"));
  BOOST_TEST_REQUIRE(!frames.empty());
  const auto applied = tracker.apply(frames.front().type, frames.front().body);
  BOOST_TEST_REQUIRE(applied.ok(), error_text(applied));
  BOOST_TEST(tracker.state().shape == nullptr);
  BOOST_TEST(!tracker.state().visible);
}

BOOST_AUTO_TEST_CASE(captured_alpha_cursor_decodes_to_the_scene_pixels) {
  const auto frames = cursor_frames(read_cursor_capture("server-cursor-scene.in.bin"));
  BOOST_TEST_REQUIRE(frames.size() == 3u);  // INIT, SET alpha, SET mono
  const auto set = parse_cursor_set(frames[1].body);
  BOOST_TEST_REQUIRE(set.ok(), error_text(set));
  BOOST_TEST(set->cursor.type == SPICE_CURSOR_TYPE_ALPHA);
  const auto shape = decode_cursor_shape(set->cursor, "CURSOR_SET");
  BOOST_TEST_REQUIRE(shape.ok(), error_text(shape));
  BOOST_TEST(shape->image.width == 32u);
  BOOST_TEST(shape->image.height == 32u);
  BOOST_TEST(shape->hot_x == 5);
  BOOST_TEST(shape->hot_y == 7);
  BOOST_TEST(shape->inverted.empty());
  int mismatches = 0;
  for (int y = 0; y < 32; ++y)
    for (int x = 0; x < 32; ++x)
      mismatches += shape->image.pixels[y * 32 + x] != scene_alpha_pixel(x, y);
  BOOST_TEST(mismatches == 0);
}

BOOST_AUTO_TEST_CASE(captured_mono_cursor_decodes_to_the_scene_pixels) {
  const auto frames = cursor_frames(read_cursor_capture("server-cursor-scene.in.bin"));
  BOOST_TEST_REQUIRE(frames.size() == 3u);
  const auto set = parse_cursor_set(frames[2].body);
  BOOST_TEST_REQUIRE(set.ok(), error_text(set));
  BOOST_TEST(set->cursor.type == SPICE_CURSOR_TYPE_MONO);
  const auto shape = decode_cursor_shape(set->cursor, "CURSOR_SET");
  BOOST_TEST_REQUIRE(shape.ok(), error_text(shape));
  BOOST_TEST(shape->hot_x == 4);
  BOOST_TEST(shape->hot_y == 4);
  int mismatches = 0;
  for (int y = 0; y < 32; ++y)
    for (int x = 0; x < 32; ++x)
      mismatches += shape->image.pixels[y * 32 + x] != scene_mono_pixel(x, y);
  BOOST_TEST(mismatches == 0);
}

BOOST_AUTO_TEST_CASE(captured_session_ends_with_the_mono_cursor_shown_at_its_set_position) {
  cursor_tracker tracker;
  for (const auto& frame : cursor_frames(read_cursor_capture("server-cursor-scene.in.bin"))) {
    const auto applied = tracker.apply(frame.type, frame.body);
    BOOST_TEST_REQUIRE(applied.ok(), error_text(applied));
  }
  const auto& cursor = tracker.state();
  BOOST_TEST_REQUIRE(cursor.shape != nullptr);
  BOOST_TEST(cursor.shape->type == SPICE_CURSOR_TYPE_MONO);
  BOOST_TEST(cursor.x == 512);
  BOOST_TEST(cursor.y == 384);
  BOOST_TEST(cursor.visible);
}

BOOST_AUTO_TEST_CASE(captured_moves_follow_the_alpha_cursor_in_server_mouse_mode) {
  cursor_tracker tracker;
  std::vector<std::string> positions;
  for (const auto& frame : cursor_frames(read_cursor_capture("server-cursor-scene-server-mode.in.bin"))) {
    const auto applied = tracker.apply(frame.type, frame.body);
    BOOST_TEST_REQUIRE(applied.ok(), error_text(applied));
    if (frame.type == SPICE_MSG_CURSOR_MOVE) {
      positions.push_back(std::to_string(tracker.state().x) + "," + std::to_string(tracker.state().y));
      BOOST_TEST(tracker.state().shape->type == SPICE_CURSOR_TYPE_ALPHA);
    }
  }
  const std::vector<std::string> expected{"356,252", "456,312", "556,372"};
  BOOST_TEST(positions == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(cache_me_shapes_are_kept_under_their_unique_id) {
  cursor_tracker tracker;
  for (const auto& frame : cursor_frames(read_cursor_capture("server-cursor-scene.in.bin")))
    BOOST_TEST_REQUIRE(tracker.apply(frame.type, frame.body).ok());
  BOOST_TEST(tracker.cache().size() == 2u);
  BOOST_TEST_REQUIRE(tracker.cache().find(1) != nullptr);
  BOOST_TEST(tracker.cache().find(1)->type == SPICE_CURSOR_TYPE_ALPHA);
  BOOST_TEST_REQUIRE(tracker.cache().find(2) != nullptr);
  BOOST_TEST(tracker.cache().find(2)->type == SPICE_CURSOR_TYPE_MONO);
}

BOOST_AUTO_TEST_CASE(from_cache_sets_the_cached_shape_again) {
  cursor_tracker tracker;
  for (const auto& frame : cursor_frames(read_cursor_capture("server-cursor-scene.in.bin")))
    BOOST_TEST_REQUIRE(tracker.apply(frame.type, frame.body).ok());
  const auto applied = tracker.apply(SPICE_MSG_CURSOR_SET, set_body(SPICE_CURSOR_FLAGS_FROM_CACHE, 1, 0, 0, 0, 0, 0, {}));
  BOOST_TEST_REQUIRE(applied.ok(), error_text(applied));
  BOOST_TEST(tracker.state().shape == tracker.cache().find(1));
  BOOST_TEST(tracker.state().x == 10);
  BOOST_TEST(tracker.state().y == 20);
}

BOOST_AUTO_TEST_CASE(from_cache_of_an_unknown_id_names_the_message_and_field) {
  cursor_tracker tracker;
  const auto applied = tracker.apply(SPICE_MSG_CURSOR_SET, set_body(SPICE_CURSOR_FLAGS_FROM_CACHE, 9, 0, 0, 0, 0, 0, {}));
  BOOST_TEST_REQUIRE(!applied.ok());
  BOOST_TEST(applied.error().message == "CURSOR_SET: field cursor.unique 9 is FROM_CACHE but not in the cursor cache");
}

BOOST_AUTO_TEST_CASE(inval_one_drops_one_cached_shape) {
  cursor_tracker tracker;
  for (const auto& frame : cursor_frames(read_cursor_capture("server-cursor-scene.in.bin")))
    BOOST_TEST_REQUIRE(tracker.apply(frame.type, frame.body).ok());
  BOOST_TEST_REQUIRE(tracker.apply(SPICE_MSG_CURSOR_INVAL_ONE, body_builder{}.u64(1).out).ok());
  BOOST_TEST(tracker.cache().find(1) == nullptr);
  BOOST_TEST(tracker.cache().find(2) != nullptr);
}

BOOST_AUTO_TEST_CASE(inval_all_empties_the_cache_but_keeps_the_current_cursor) {
  cursor_tracker tracker;
  for (const auto& frame : cursor_frames(read_cursor_capture("server-cursor-scene.in.bin")))
    BOOST_TEST_REQUIRE(tracker.apply(frame.type, frame.body).ok());
  BOOST_TEST_REQUIRE(tracker.apply(SPICE_MSG_CURSOR_INVAL_ALL, {}).ok());
  BOOST_TEST(tracker.cache().size() == 0u);
  BOOST_TEST(tracker.state().visible);
}

BOOST_AUTO_TEST_CASE(reset_forgets_the_cursor_and_the_cache) {
  cursor_tracker tracker;
  for (const auto& frame : cursor_frames(read_cursor_capture("server-cursor-scene.in.bin")))
    BOOST_TEST_REQUIRE(tracker.apply(frame.type, frame.body).ok());
  BOOST_TEST_REQUIRE(tracker.apply(SPICE_MSG_CURSOR_RESET, {}).ok());
  BOOST_TEST(tracker.state().shape == nullptr);
  BOOST_TEST(!tracker.state().visible);
  BOOST_TEST(tracker.cache().size() == 0u);
}

BOOST_AUTO_TEST_CASE(hide_hides_and_move_shows_again) {
  cursor_tracker tracker;
  for (const auto& frame : cursor_frames(read_cursor_capture("server-cursor-scene.in.bin")))
    BOOST_TEST_REQUIRE(tracker.apply(frame.type, frame.body).ok());
  BOOST_TEST_REQUIRE(tracker.apply(SPICE_MSG_CURSOR_HIDE, {}).ok());
  BOOST_TEST(!tracker.state().visible);
  BOOST_TEST_REQUIRE(tracker.apply(SPICE_MSG_CURSOR_MOVE, body_builder{}.u16(0xfffb).u16(3).out).ok());
  BOOST_TEST(tracker.state().visible);
  BOOST_TEST(tracker.state().x == -5);
  BOOST_TEST(tracker.state().y == 3);
}

BOOST_AUTO_TEST_CASE(init_empties_the_cache_of_an_earlier_session) {
  cursor_tracker tracker;
  for (const auto& frame : cursor_frames(read_cursor_capture("server-cursor-scene.in.bin")))
    BOOST_TEST_REQUIRE(tracker.apply(frame.type, frame.body).ok());
  const auto init = body_builder{}.u16(1).u16(2).u16(0).u16(0).u8(1).u16(SPICE_CURSOR_FLAGS_NONE).out;
  BOOST_TEST_REQUIRE(tracker.apply(SPICE_MSG_CURSOR_INIT, init).ok());
  BOOST_TEST(tracker.cache().size() == 0u);
}

BOOST_AUTO_TEST_CASE(trail_is_length_and_frequency) {
  cursor_tracker tracker;
  BOOST_TEST_REQUIRE(tracker.apply(SPICE_MSG_CURSOR_TRAIL, body_builder{}.u16(4).u16(30).out).ok());
  BOOST_TEST(tracker.state().trail_length == 4);
  BOOST_TEST(tracker.state().trail_frequency == 30);
}

BOOST_AUTO_TEST_CASE(an_unknown_message_type_is_not_applied) {
  cursor_tracker tracker;
  const auto applied = tracker.apply(SPICE_MSG_END_CURSOR, {});
  BOOST_TEST_REQUIRE(applied.ok());
  BOOST_TEST(!*applied);
}

BOOST_AUTO_TEST_CASE(truncated_set_names_the_message_and_field) {
  const auto frames = cursor_frames(read_cursor_capture("server-cursor-scene.in.bin"));
  BOOST_TEST_REQUIRE(frames.size() == 3u);
  const bytes cut(frames[1].body.begin(), frames[1].body.begin() + 15);
  const auto set = parse_cursor_set(cut);
  BOOST_TEST_REQUIRE(!set.ok());
  BOOST_TEST(set.error().message ==
             "CURSOR_SET: field cursor.type truncated (need 1 bytes at offset 15, body is 15 bytes)");
}

BOOST_AUTO_TEST_CASE(a_shape_with_missing_pixels_names_its_type_size_and_need) {
  const auto shape = decode_cursor_shape(field_of(SPICE_CURSOR_TYPE_ALPHA, 4, 4, bytes(60)), "CURSOR_SET");
  BOOST_TEST_REQUIRE(!shape.ok());
  BOOST_TEST(shape.error().message == "CURSOR_SET: field cursor.data truncated (ALPHA 4x4 needs 64 bytes, have 60)");
}

BOOST_AUTO_TEST_CASE(an_unknown_cursor_type_is_an_error) {
  const auto shape = decode_cursor_shape(field_of(7, 1, 1, bytes(64)), "CURSOR_INIT");
  BOOST_TEST_REQUIRE(!shape.ok());
  BOOST_TEST(shape.error().message == "CURSOR_INIT: field cursor.type 7 is not a cursor type (ALPHA 0 .. COLOR32 6)");
}

BOOST_AUTO_TEST_CASE(a_cursor_over_the_size_limit_is_refused_before_anything_is_allocated) {
  const auto shape = decode_cursor_shape(field_of(SPICE_CURSOR_TYPE_ALPHA, 65535, 2, {}), "CURSOR_SET");
  BOOST_TEST_REQUIRE(!shape.ok());
  BOOST_TEST(shape.error().message == "CURSOR_SET: cursor 65535x2 exceeds the limit of 1024 pixels a side");
}

BOOST_AUTO_TEST_CASE(a_hot_spot_outside_the_shape_is_moved_to_its_edge) {
  auto field = field_of(SPICE_CURSOR_TYPE_ALPHA, 2, 2, bytes(16));
  field.hot_x = 9;
  field.hot_y = 1;
  const auto shape = decode_cursor_shape(field, "CURSOR_SET");
  BOOST_TEST_REQUIRE(shape.ok(), error_text(shape));
  BOOST_TEST(shape->hot_x == 2);
  BOOST_TEST(shape->hot_y == 1);
}

BOOST_AUTO_TEST_CASE(mono_and_and_xor_both_set_inverts_the_screen) {
  // 2x1: AND row 0b11000000, XOR row 0b10000000: pixel 0 inverted, pixel 1 transparent.
  const auto shape = decode_cursor_shape(field_of(SPICE_CURSOR_TYPE_MONO, 2, 1, bytes{0xc0, 0x80}), "CURSOR_SET");
  BOOST_TEST_REQUIRE(shape.ok(), error_text(shape));
  BOOST_TEST_REQUIRE(shape->inverted.size() == 2u);
  BOOST_TEST(shape->inverted[0]);
  BOOST_TEST(!shape->inverted[1]);
  BOOST_TEST(shape->image.pixels[0] == 0xff000000u);
  BOOST_TEST(shape->image.pixels[1] == 0u);
}

BOOST_AUTO_TEST_CASE(color4_looks_colours_up_in_its_16_entry_palette_high_nibble_first) {
  // 3x1: indices 1, 2, 3 (odd width: rows padded to whole bytes), AND mask 0b00100000.
  body_builder data;
  data.u8(0x12).u8(0x30);
  for (std::uint32_t entry = 0; entry < 16; ++entry)
    data.u32(entry == 3 ? 0xffffff : 0x101010 * entry);
  data.u8(0x20);
  const auto shape = decode_cursor_shape(field_of(SPICE_CURSOR_TYPE_COLOR4, 3, 1, data.out), "CURSOR_SET");
  BOOST_TEST_REQUIRE(shape.ok(), error_text(shape));
  BOOST_TEST(shape->image.pixels[0] == 0xff101010u);
  BOOST_TEST(shape->image.pixels[1] == 0xff202020u);
  BOOST_TEST(shape->image.pixels[2] == 0xff000000u);  // white under a set AND bit: inverted
  BOOST_TEST_REQUIRE(shape->inverted.size() == 3u);
  BOOST_TEST(shape->inverted[2]);
}

BOOST_AUTO_TEST_CASE(color8_looks_colours_up_in_its_256_entry_palette) {
  body_builder data;
  data.u8(200).u8(7);
  for (std::uint32_t entry = 0; entry < 256; ++entry)
    data.u32(entry == 200 ? 0x123456 : entry == 7 ? 0xabcdef : 0);
  data.u8(0x00);
  const auto shape = decode_cursor_shape(field_of(SPICE_CURSOR_TYPE_COLOR8, 2, 1, data.out), "CURSOR_SET");
  BOOST_TEST_REQUIRE(shape.ok(), error_text(shape));
  BOOST_TEST(shape->image.pixels[0] == 0xff123456u);
  BOOST_TEST(shape->image.pixels[1] == 0xffabcdefu);
}

BOOST_AUTO_TEST_CASE(color16_is_x1r5g5b5_widened_to_8_bits) {
  // red 31, green 0, blue 16; then white with its AND bit set and black with its AND bit set.
  const auto data = body_builder{}.u16(0x7c10).u16(0x7fff).u16(0x0000).u8(0x60).out;
  const auto shape = decode_cursor_shape(field_of(SPICE_CURSOR_TYPE_COLOR16, 3, 1, data), "CURSOR_SET");
  BOOST_TEST_REQUIRE(shape.ok(), error_text(shape));
  BOOST_TEST(shape->image.pixels[0] == 0xffff0084u);
  BOOST_TEST(shape->image.pixels[1] == 0xff000000u);  // inverted
  BOOST_TEST(shape->image.pixels[2] == 0u);           // transparent
  BOOST_TEST(shape->inverted == (std::vector<bool>{false, true, false}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(color24_is_blue_green_red_bytes) {
  const auto data = body_builder{}.u8(0x33).u8(0x22).u8(0x11).u8(0x00).out;
  const auto shape = decode_cursor_shape(field_of(SPICE_CURSOR_TYPE_COLOR24, 1, 1, data), "CURSOR_SET");
  BOOST_TEST_REQUIRE(shape.ok(), error_text(shape));
  BOOST_TEST(shape->image.pixels[0] == 0xff112233u);
  BOOST_TEST(shape->inverted.empty());
}

BOOST_AUTO_TEST_CASE(color32_ignores_the_top_byte_and_takes_opacity_from_the_and_mask) {
  // 9 pixels wide, so the AND mask row takes two bytes; only pixel 8 has its AND bit set.
  body_builder data;
  for (int i = 0; i < 9; ++i)
    data.u32(0x00a0b0c0 + i);
  data.u8(0x00).u8(0x80);
  const auto shape = decode_cursor_shape(field_of(SPICE_CURSOR_TYPE_COLOR32, 9, 1, data.out), "CURSOR_SET");
  BOOST_TEST_REQUIRE(shape.ok(), error_text(shape));
  BOOST_TEST(shape->image.pixels[0] == 0xffa0b0c0u);
  BOOST_TEST(shape->image.pixels[7] == 0xffa0b0c7u);
  BOOST_TEST(shape->image.pixels[8] == 0u);
}

BOOST_AUTO_TEST_CASE(the_cache_evicts_the_oldest_shape_beyond_its_count) {
  cursor_cache cache(2);
  for (std::uint64_t unique = 1; unique <= 3; ++unique) {
    auto shape = std::make_shared<cursor_shape>();
    shape->unique = unique;
    cache.put(shape);
  }
  BOOST_TEST(cache.size() == 2u);
  BOOST_TEST(cache.find(1) == nullptr);
  BOOST_TEST(cache.find(3) != nullptr);
  BOOST_TEST(cache.evictions() == 1u);
}

BOOST_AUTO_TEST_CASE(the_cache_evicts_the_oldest_shape_beyond_its_pixels) {
  cursor_cache cache(16, 100);
  for (std::uint64_t unique = 1; unique <= 3; ++unique) {
    auto shape = std::make_shared<cursor_shape>();
    shape->unique = unique;
    shape->image.pixels.resize(40);
    cache.put(shape);
  }
  BOOST_TEST(cache.size() == 2u);
  BOOST_TEST(cache.pixels_held() == 80u);
  BOOST_TEST(cache.find(1) == nullptr);
}

BOOST_AUTO_TEST_CASE(a_failed_set_leaves_the_cursor_as_it_was) {
  cursor_tracker tracker;
  for (const auto& frame : cursor_frames(read_cursor_capture("server-cursor-scene.in.bin")))
    BOOST_TEST_REQUIRE(tracker.apply(frame.type, frame.body).ok());
  const auto before = tracker.state().shape;
  const auto bad = set_body(SPICE_CURSOR_FLAGS_CACHE_ME, 5, SPICE_CURSOR_TYPE_ALPHA, 8, 8, 0, 0, bytes(10));
  BOOST_TEST(!tracker.apply(SPICE_MSG_CURSOR_SET, bad).ok());
  BOOST_TEST(tracker.state().shape == before);
  BOOST_TEST(tracker.state().x == 512);
  BOOST_TEST(tracker.cache().find(5) == nullptr);
}

BOOST_AUTO_TEST_SUITE_END()
