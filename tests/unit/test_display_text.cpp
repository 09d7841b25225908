// DRAW_TEXT: the message, the glyph coverage and the drawing, including
// malformed bodies whose errors name the message and the field.
#include <boost/test/unit_test.hpp>

#include <spice/enums.h>
#include <spice/protocol.h>

#include "captured_stream.hpp"
#include "check_contains.hpp"
#include "protocol/display_pipeline.hpp"
#include "protocol/glyph_raster.hpp"
#include "small_surface_fixture.hpp"
#include "test_display_builders.hpp"

using namespace vigil::protocol;
using namespace vigil::test;

namespace {

rect r(std::int32_t top, std::int32_t left, std::int32_t bottom, std::int32_t right) {
  return make_rect(top, left, bottom, right);
}

// A text body over `box` whose string holds `glyphs` (already laid out:
// render_pos, glyph_origin, width, height, data each).
display_body text_body(const rect& box, std::uint8_t flags, std::uint16_t count, const bytes& glyphs,
                       const rect& back_area, std::uint32_t fore, std::uint32_t back,
                       std::uint16_t fore_mode = SPICE_ROPD_OP_PUT) {
  display_body body;
  body.base(0, box)
    .pointer("str")
    .rect(back_area.top, back_area.left, back_area.bottom, back_area.right)
    .u8(SPICE_BRUSH_TYPE_SOLID)
    .u32(fore)
    .u8(SPICE_BRUSH_TYPE_SOLID)
    .u32(back)
    .u16(fore_mode)
    .u16(SPICE_ROPD_OP_PUT)
    .place("str")
    .u16(count)
    .u8(flags)
    .raw(glyphs);
  return body;
}

bytes glyph(std::int32_t x, std::int32_t y, std::int32_t origin_x, std::int32_t origin_y, std::uint16_t width,
            std::uint16_t height, const bytes& data) {
  return display_body{}.point(x, y).point(origin_x, origin_y).u16(width).u16(height).raw(data).take();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(display_text)

BOOST_AUTO_TEST_CASE(text_has_a_string_pointer_back_area_two_brushes_and_two_modes) {
  const bytes glyphs = glyph(2, 3, -1, -2, 3, 2, {0xa0, 0x40});
  const bytes body = text_body(r(0, 0, 4, 8), SPICE_STRING_FLAGS_RASTER_A1, 1, glyphs, r(0, 0, 4, 4), 0xffffff,
                               0x102030)
                       .take();
  const auto parsed = parse_draw_text(body);
  BOOST_TEST_REQUIRE(parsed.ok(), error_text(parsed));
  BOOST_TEST(parsed->string.bits_per_pixel == 1u);
  BOOST_TEST_REQUIRE(parsed->string.glyphs.size() == 1u);
  const raster_glyph& g = parsed->string.glyphs[0];
  BOOST_TEST(g.render_position.x == 2);
  BOOST_TEST(g.glyph_origin.y == -2);
  BOOST_TEST(g.width == 3u);
  BOOST_TEST(g.data.size == 2u);
  BOOST_TEST((parsed->back_area == r(0, 0, 4, 4)));
  BOOST_TEST(parsed->fore_brush.color == 0xffffffu);
  BOOST_TEST(parsed->back_brush.color == 0x102030u);
  BOOST_TEST(parsed->fore_mode == unsigned{SPICE_ROPD_OP_PUT});
}

BOOST_AUTO_TEST_CASE(malformed_text_names_the_message_and_the_field) {
  // A 4-bit glyph 3 wide needs 2 bytes a row; only 3 of 4 are there.
  const bytes short_glyph = glyph(0, 0, 0, 0, 3, 2, {1, 2, 3});
  auto parsed = parse_draw_text(
    text_body(r(0, 0, 4, 8), SPICE_STRING_FLAGS_RASTER_A4, 1, short_glyph, {}, 0, 0).take());
  BOOST_TEST_REQUIRE(!parsed.ok());
  VIGIL_CHECK_CONTAINS(parsed.error().message, "DISPLAY_DRAW_TEXT");
  VIGIL_CHECK_CONTAINS(parsed.error().message, "str.glyphs.height");
  // More glyphs announced than the body holds.
  parsed = parse_draw_text(text_body(r(0, 0, 4, 8), SPICE_STRING_FLAGS_RASTER_A8, 900,
                                     glyph(0, 0, 0, 0, 1, 1, {9}), {}, 0, 0)
                             .take());
  BOOST_TEST_REQUIRE(!parsed.ok());
  VIGIL_CHECK_CONTAINS(parsed.error().message, "str.length");
  // A null string pointer.
  const bytes null_string = display_body{}
                              .base(0, r(0, 0, 1, 1))
                              .null_pointer()
                              .rect(0, 0, 0, 0)
                              .u8(SPICE_BRUSH_TYPE_NONE)
                              .u8(SPICE_BRUSH_TYPE_NONE)
                              .u16(0)
                              .u16(0)
                              .take();
  parsed = parse_draw_text(null_string);
  BOOST_TEST_REQUIRE(!parsed.ok());
  VIGIL_CHECK_CONTAINS(parsed.error().message, "str is a null pointer");
}

BOOST_AUTO_TEST_CASE(glyph_rows_are_bottom_up_and_overlaps_keep_the_larger_coverage) {
  glyph_string string;
  string.bits_per_pixel = 4;
  const std::uint8_t ramp[] = {0x12, 0x30, 0xf0, 0x00};  // rows of 3 pixels: bottom (1,2,3), top (15,0,0)
  string.glyphs.push_back(raster_glyph{point{0, 0}, point{0, 0}, 3, 2, byte_view{ramp, 4}});
  const std::uint8_t solid[] = {0x80};  // a 1-bit pixel at (1,1)
  string.glyphs.push_back(raster_glyph{point{1, 1}, point{0, 0}, 1, 1, byte_view{solid, 1}});
  const auto coverage = rasterize_glyphs(string, r(0, 0, 4, 8), memory_account{});
  BOOST_TEST_REQUIRE(coverage.ok());
  BOOST_TEST((coverage->area == r(0, 0, 2, 3)));
  BOOST_TEST(coverage->at(0, 0) == 0xf0u);  // the top row is the data's second
  BOOST_TEST(coverage->at(1, 0) == 0u);
  BOOST_TEST(coverage->at(0, 1) == 0x10u);
  BOOST_TEST(coverage->at(2, 1) == 0x30u);
  // The 4-bit string's glyphs read as 4-bit: the second one's 0x80 is 0x80.
  BOOST_TEST(coverage->at(1, 1) == 0x80u);
}

BOOST_AUTO_TEST_CASE(glyphs_at_the_ends_of_the_int32_range_neither_overflow_nor_draw) {
  glyph_string string;
  string.bits_per_pixel = 8;
  const std::uint8_t data[4] = {255, 255, 255, 255};
  string.glyphs.push_back(raster_glyph{point{INT32_MAX, INT32_MAX}, point{INT32_MAX, 5}, 2, 2, byte_view{data, 4}});
  string.glyphs.push_back(raster_glyph{point{INT32_MIN, 0}, point{INT32_MIN, 0}, 2, 2, byte_view{data, 4}});
  const glyph_bounds bounds = string_bounds(string);
  BOOST_TEST(bounds.left == 2 * std::int64_t{INT32_MIN});
  BOOST_TEST(bounds.right == 2 * std::int64_t{INT32_MAX} + 2);
  const auto coverage = rasterize_glyphs(string, r(0, 0, 4, 8), memory_account{});
  BOOST_TEST_REQUIRE(coverage.ok());
  // Their union spans the surface, but neither glyph reaches it.
  BOOST_TEST((coverage->area == r(0, 0, 4, 8)));
  for (std::int32_t y = 0; y < 4; ++y)
    for (std::int32_t x = 0; x < 8; ++x)
      BOOST_TEST(coverage->at(x, y) == 0u);
}

BOOST_AUTO_TEST_CASE(text_fills_the_back_area_then_lays_the_glyphs_over_it) {
  small_surface_fixture f;
  // Row 0 of a 4x1 8-bit glyph at (1, 2): coverage 255, 128, 0, 64.
  const bytes glyphs = glyph(1, 2, 0, 0, 4, 1, {255, 128, 0, 64});
  const bytes body = text_body(r(0, 0, 4, 8), SPICE_STRING_FLAGS_RASTER_A8, 1, glyphs, r(0, 0, 4, 4), 0xff8000,
                               0x204060)
                       .take();
  const display_step step = f.pipeline.apply(SPICE_MSG_DISPLAY_DRAW_TEXT, body);
  BOOST_TEST_REQUIRE((step.outcome == display_outcome::applied), step.error);
  BOOST_TEST(f.at(0, 0) == 0x204060u);  // back area
  BOOST_TEST(f.at(6, 0) == 0u);         // outside it
  BOOST_TEST(f.at(1, 2) == 0xff8000u);  // full coverage
  // Half: each channel f*128/255 + d*127/255, rounded as pixman does.
  BOOST_TEST(f.at(2, 2) == 0x906030u);
  BOOST_TEST(f.at(3, 2) == 0x204060u);  // none
  BOOST_TEST(f.at(4, 2) == 0x402000u);  // a quarter over black (outside the back area)
}

BOOST_AUTO_TEST_CASE(text_with_a_back_area_and_a_fore_mode_other_than_put_draws_nothing_as_the_reference) {
  small_surface_fixture f;
  const bytes body = text_body(r(0, 0, 4, 8), SPICE_STRING_FLAGS_RASTER_A1, 1, glyph(0, 0, 0, 0, 1, 1, {0x80}),
                               r(0, 0, 4, 8), 0xffffff, 0xffffff, SPICE_ROPD_OP_XOR)
                       .take();
  const display_step step = f.pipeline.apply(SPICE_MSG_DISPLAY_DRAW_TEXT, body);
  BOOST_TEST((step.outcome == display_outcome::applied));
  BOOST_TEST(f.at(0, 0) == 0u);
  BOOST_TEST(f.at(5, 3) == 0u);
}

BOOST_AUTO_TEST_CASE(text_is_clipped_to_its_box) {
  small_surface_fixture f;
  const bytes body = text_body(r(0, 0, 2, 2), SPICE_STRING_FLAGS_RASTER_A1, 1, glyph(0, 0, 0, 1, 4, 2, {0xf0, 0xf0}),
                               {}, 0xffffff, 0)
                       .take();
  BOOST_TEST_REQUIRE((f.pipeline.apply(SPICE_MSG_DISPLAY_DRAW_TEXT, body).outcome == display_outcome::applied));
  BOOST_TEST(f.at(1, 1) == 0xffffffu);
  BOOST_TEST(f.at(2, 1) == 0u);  // right of the box
  BOOST_TEST(f.at(0, 2) == 0u);  // below it
}

BOOST_AUTO_TEST_SUITE_END()
