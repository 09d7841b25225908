// The canvas: surfaces and every drawing operation, pixel by pixel.
#include <boost/test/unit_test.hpp>

#include <spice/enums.h>

#include <algorithm>
#include <climits>
#include <random>
#include <string>

#include "captured_stream.hpp"
#include "protocol/canvas.hpp"
#include "protocol/damage_region.hpp"
#include "protocol/rop3.hpp"
#include "test_display_builders.hpp"

using namespace vigil::protocol;
using namespace vigil::test;

namespace {

constexpr std::uint32_t red = 0x00ff0000, green = 0x0000ff00, blue = 0x000000ff, white = 0x00ffffff;

rect r(std::int32_t top, std::int32_t left, std::int32_t bottom, std::int32_t right) {
  return make_rect(top, left, bottom, right);
}

// A canvas with one w x h surface (id 0, primary) filled with `background`.
struct canvas_fixture {
  canvas c;
  explicit canvas_fixture(std::uint32_t w = 8, std::uint32_t h = 8, std::uint32_t background = 0,
                          std::uint32_t format = SPICE_SURFACE_FMT_32_xRGB) {
    surface_create create;
    create.width = w;
    create.height = h;
    create.format = format;
    create.flags = SPICE_SURFACE_FLAGS_PRIMARY;
    BOOST_TEST_REQUIRE(c.create_surface(create).ok());
    if (background != 0)
      fill(r(0, 0, static_cast<std::int32_t>(h), static_cast<std::int32_t>(w)), background);
  }
  void fill(const rect& box, std::uint32_t color, std::uint16_t rop = SPICE_ROPD_OP_PUT) {
    paint brush;
    brush.type = SPICE_BRUSH_TYPE_SOLID;
    brush.color = color;
    BOOST_TEST_REQUIRE(c.fill(base(box), brush, rop, nullptr).ok());
  }
  static display_base base(const rect& box, std::vector<rect> clip_rects = {}) {
    display_base b;
    b.box = box;
    if (!clip_rects.empty()) {
      b.clip.type = SPICE_CLIP_TYPE_RECTS;
      b.clip.rects = std::move(clip_rects);
    }
    return b;
  }
  std::uint32_t at(std::uint32_t x, std::uint32_t y) const {
    const surface& s = *c.find(0);
    return s.pixels[y * s.width + x];
  }
  // Rows of the surface as strings: '.' for `background`, '#' for anything else.
  std::vector<std::string> picture(std::uint32_t background = 0) const {
    const surface& s = *c.find(0);
    std::vector<std::string> rows;
    for (std::uint32_t y = 0; y < s.height; ++y) {
      std::string row;
      for (std::uint32_t x = 0; x < s.width; ++x)
        row += s.pixels[y * s.width + x] == background ? '.' : '#';
      rows.push_back(row);
    }
    return rows;
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(canvas_surfaces)

BOOST_AUTO_TEST_CASE(new_surface_is_all_zero_and_primary_when_flagged) {
  canvas_fixture f(4, 3);
  const surface* primary = f.c.primary();
  BOOST_TEST_REQUIRE(primary != nullptr);
  BOOST_TEST(primary->width == 4u);
  BOOST_TEST(primary->height == 3u);
  BOOST_TEST(primary->pixels == std::vector<std::uint32_t>(12, 0), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(oversized_surface_is_refused) {
  canvas c;
  surface_create create;
  create.surface_id = 3;
  create.width = 16385;
  create.height = 1;
  create.format = SPICE_SURFACE_FMT_32_xRGB;
  const auto created = c.create_surface(create);
  BOOST_TEST_REQUIRE(!created.ok());
  BOOST_TEST(created.error().message == "surface 3 size 16385x1 is empty or exceeds 16384 pixels a side");
}

BOOST_AUTO_TEST_CASE(unknown_surface_format_is_refused) {
  canvas c;
  surface_create create;
  create.width = create.height = 1;
  create.format = 33;
  BOOST_TEST(!c.create_surface(create).ok());
}

BOOST_AUTO_TEST_CASE(destroying_an_unknown_surface_is_an_error) {
  canvas c;
  const auto destroyed = c.destroy_surface(9);
  BOOST_TEST_REQUIRE(!destroyed.ok());
  BOOST_TEST(destroyed.error().message == "surface 9 does not exist");
}

BOOST_AUTO_TEST_CASE(drawing_on_an_unknown_surface_is_an_error) {
  canvas c;
  const auto drawn = c.constant(canvas_fixture::base(r(0, 0, 1, 1)), constant_operation::whiteness, nullptr);
  BOOST_TEST(!drawn.ok());
}

BOOST_AUTO_TEST_CASE(sixteen_bit_surface_keeps_five_bits_per_channel) {
  canvas_fixture f(1, 1, 0, SPICE_SURFACE_FMT_16_555);
  f.fill(r(0, 0, 1, 1), 0x00123456);
  // 0x12 -> 0x10 | 0x10 >> 5, 0x34 -> 0x30 | 0x30 >> 5, 0x56 -> 0x50 | 0x50 >> 5
  BOOST_TEST(f.at(0, 0) == 0x00103152u);
}

BOOST_AUTO_TEST_CASE(ppm_is_p6_header_then_rgb_bytes) {
  canvas_fixture f(2, 1);
  f.fill(r(0, 0, 1, 1), 0x00102030);
  const bytes ppm = encode_ppm(*f.c.primary());
  const std::string header = "P6\n2 1\n255\n";
  BOOST_TEST_REQUIRE(ppm.size() == header.size() + 6);
  BOOST_TEST(std::string(ppm.begin(), ppm.begin() + header.size()) == header);
  BOOST_TEST((bytes(ppm.begin() + header.size(), ppm.end()) == bytes{0x10, 0x20, 0x30, 0, 0, 0}));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(canvas_regions)

BOOST_AUTO_TEST_CASE(region_is_the_box_cut_to_the_surface) {
  const auto region = drawing_region(r(-5, -5, 3, 100), clip{}, r(0, 0, 8, 8));
  BOOST_TEST_REQUIRE(region.ok());
  BOOST_TEST_REQUIRE(region->size() == 1u);
  BOOST_TEST(((*region)[0] == r(0, 0, 3, 8)));
}

BOOST_AUTO_TEST_CASE(overlapping_clip_rects_become_disjoint_rects_of_the_same_area) {
  clip overlapping;
  overlapping.type = SPICE_CLIP_TYPE_RECTS;
  overlapping.rects = {r(0, 0, 4, 4), r(2, 2, 6, 6), r(0, 0, 4, 4)};
  const auto region = drawing_region(r(0, 0, 8, 8), overlapping, r(0, 0, 8, 8));
  BOOST_TEST_REQUIRE(region.ok());
  std::int64_t area = 0;
  for (const auto& piece : *region)
    area += piece.width() * piece.height();
  BOOST_TEST(area == 16 + 16 - 4);
}

BOOST_AUTO_TEST_CASE(too_many_clip_rects_are_an_error) {
  clip many;
  many.type = SPICE_CLIP_TYPE_RECTS;
  many.rects.assign(max_clip_rects + 1, r(0, 0, 1, 1));
  const auto region = drawing_region(r(0, 0, 8, 8), many, r(0, 0, 8, 8));
  BOOST_TEST_REQUIRE(!region.ok());
  BOOST_TEST(region.error().message == "clip has 4097 rectangles, more than the limit of 4096");
}

BOOST_AUTO_TEST_CASE(xor_through_overlapping_clips_applies_once_per_pixel) {
  canvas_fixture f(4, 1);
  paint brush;
  brush.type = SPICE_BRUSH_TYPE_SOLID;
  brush.color = white;
  const auto drawn =
    f.c.fill(canvas_fixture::base(r(0, 0, 1, 4), {r(0, 0, 1, 3), r(0, 1, 1, 4)}), brush, SPICE_ROPD_OP_XOR, nullptr);
  BOOST_TEST_REQUIRE(drawn.ok());
  BOOST_TEST((f.picture() == std::vector<std::string>{"####"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(canvas_raster_operations)

BOOST_AUTO_TEST_CASE(put_copies_the_input) {
  BOOST_TEST(raster_operation(SPICE_ROPD_OP_PUT, SPICE_ROPD_INVERS_SRC, SPICE_ROPD_INVERS_DEST).apply(red, blue) ==
             red);
}

BOOST_AUTO_TEST_CASE(put_with_invers_src_copies_the_inverted_input) {
  const raster_operation op(SPICE_ROPD_OP_PUT | SPICE_ROPD_INVERS_SRC, SPICE_ROPD_INVERS_SRC, SPICE_ROPD_INVERS_DEST);
  BOOST_TEST(op.apply(red, blue) == ~red);
}

BOOST_AUTO_TEST_CASE(or_and_xor_combine_input_and_dest) {
  const std::uint32_t a = 0x00f0f0f0, b = 0x00ff0000;
  BOOST_TEST(raster_operation(SPICE_ROPD_OP_OR, SPICE_ROPD_INVERS_SRC, SPICE_ROPD_INVERS_DEST).apply(a, b) == (a | b));
  BOOST_TEST(raster_operation(SPICE_ROPD_OP_AND, SPICE_ROPD_INVERS_SRC, SPICE_ROPD_INVERS_DEST).apply(a, b) == (a & b));
  BOOST_TEST(raster_operation(SPICE_ROPD_OP_XOR, SPICE_ROPD_INVERS_SRC, SPICE_ROPD_INVERS_DEST).apply(a, b) == (a ^ b));
}

BOOST_AUTO_TEST_CASE(invers_dest_and_invers_res_invert_their_operands) {
  const std::uint32_t a = 0x00f0f0f0, b = 0x00ff0000;
  const raster_operation op(SPICE_ROPD_OP_AND | SPICE_ROPD_INVERS_DEST | SPICE_ROPD_INVERS_RES, SPICE_ROPD_INVERS_SRC,
                            SPICE_ROPD_INVERS_DEST);
  BOOST_TEST(op.apply(a, b) == ~(a & ~b));
}

BOOST_AUTO_TEST_CASE(brush_inversion_flag_only_applies_where_the_input_is_a_brush) {
  const std::uint16_t descriptor = SPICE_ROPD_OP_PUT | SPICE_ROPD_INVERS_BRUSH;
  BOOST_TEST(raster_operation(descriptor, SPICE_ROPD_INVERS_BRUSH, SPICE_ROPD_INVERS_DEST).apply(red, 0) == ~red);
  BOOST_TEST(raster_operation(descriptor, SPICE_ROPD_INVERS_SRC, SPICE_ROPD_INVERS_DEST).apply(red, 0) == red);
}

BOOST_AUTO_TEST_CASE(blackness_whiteness_and_invers_ignore_the_input) {
  BOOST_TEST(raster_operation(SPICE_ROPD_OP_BLACKNESS, SPICE_ROPD_INVERS_SRC, SPICE_ROPD_INVERS_DEST).apply(red, blue) ==
             0u);
  BOOST_TEST(raster_operation(SPICE_ROPD_OP_WHITENESS, SPICE_ROPD_INVERS_SRC, SPICE_ROPD_INVERS_DEST).apply(red, blue) ==
             0xffffffffu);
  BOOST_TEST(raster_operation(SPICE_ROPD_OP_INVERS, SPICE_ROPD_INVERS_SRC, SPICE_ROPD_INVERS_DEST).apply(red, blue) ==
             ~blue);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(canvas_drawings)

BOOST_AUTO_TEST_CASE(solid_fill_covers_the_box_and_reports_it) {
  canvas_fixture f(4, 3);
  paint brush;
  brush.type = SPICE_BRUSH_TYPE_SOLID;
  brush.color = red;
  const auto damage = f.c.fill(canvas_fixture::base(r(1, 1, 2, 3)), brush, SPICE_ROPD_OP_PUT, nullptr);
  BOOST_TEST_REQUIRE(damage.ok());
  BOOST_TEST((*damage == r(1, 1, 2, 3)));
  BOOST_TEST((f.picture() == std::vector<std::string>{"....", ".##.", "...."}), boost::test_tools::per_element());
  BOOST_TEST(f.at(1, 1) == red);
}

BOOST_AUTO_TEST_CASE(fill_outside_the_clip_rects_leaves_pixels_alone) {
  canvas_fixture f(4, 2);
  paint brush;
  brush.type = SPICE_BRUSH_TYPE_SOLID;
  brush.color = red;
  BOOST_TEST_REQUIRE(
    f.c.fill(canvas_fixture::base(r(0, 0, 2, 4), {r(0, 0, 1, 1), r(1, 3, 2, 4)}), brush, SPICE_ROPD_OP_PUT, nullptr).ok());
  BOOST_TEST((f.picture() == std::vector<std::string>{"#...", "...#"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(pattern_brush_tiles_from_its_position) {
  canvas_fixture f(4, 1);
  const decoded_image tile = [] {
    decoded_image t = solid_image(2, 1, red);
    t.pixels[1] = green;
    return t;
  }();
  paint brush;
  brush.type = SPICE_BRUSH_TYPE_PATTERN;
  brush.pattern = &tile;
  brush.pattern_position = point{1, 0};
  BOOST_TEST_REQUIRE(f.c.fill(canvas_fixture::base(r(0, 0, 1, 4)), brush, SPICE_ROPD_OP_PUT, nullptr).ok());
  // x - 1 mod 2: x=0 -> 1 (green), x=1 -> 0 (red), ...
  BOOST_TEST(f.at(0, 0) == green);
  BOOST_TEST(f.at(1, 0) == red);
  BOOST_TEST(f.at(2, 0) == green);
  BOOST_TEST(f.at(3, 0) == red);
}

BOOST_AUTO_TEST_CASE(copy_takes_the_source_area_one_to_one) {
  canvas_fixture f(3, 1);
  const decoded_image source = gradient_image(5, 1);
  BOOST_TEST_REQUIRE(f.c.copy(canvas_fixture::base(r(0, 1, 1, 3)), source, r(0, 2, 1, 4), SPICE_ROPD_OP_PUT, nullptr).ok());
  BOOST_TEST(f.at(0, 0) == 0u);
  BOOST_TEST(f.at(1, 0) == source.pixels[2]);
  BOOST_TEST(f.at(2, 0) == source.pixels[3]);
}

BOOST_AUTO_TEST_CASE(copy_into_a_larger_box_scales_to_the_nearest_pixel) {
  canvas_fixture f(4, 2);
  const decoded_image source = gradient_image(2, 1);
  BOOST_TEST_REQUIRE(f.c.copy(canvas_fixture::base(r(0, 0, 2, 4)), source, r(0, 0, 1, 2), SPICE_ROPD_OP_PUT, nullptr).ok());
  for (std::uint32_t y = 0; y < 2; ++y) {
    BOOST_TEST(f.at(0, y) == source.pixels[0]);
    BOOST_TEST(f.at(1, y) == source.pixels[0]);
    BOOST_TEST(f.at(2, y) == source.pixels[1]);
    BOOST_TEST(f.at(3, y) == source.pixels[1]);
  }
}

BOOST_AUTO_TEST_CASE(copy_with_xor_rop_combines_with_the_surface) {
  canvas_fixture f(1, 1, 0x00ff00ff);
  const decoded_image source = solid_image(1, 1, 0x000000ff);
  BOOST_TEST_REQUIRE(f.c.copy(canvas_fixture::base(r(0, 0, 1, 1)), source, r(0, 0, 1, 1), SPICE_ROPD_OP_XOR, nullptr).ok());
  BOOST_TEST(f.at(0, 0) == 0x00ff0000u);
}

BOOST_AUTO_TEST_CASE(mask_limits_a_drawing_to_its_set_bits) {
  canvas_fixture f(4, 1);
  const decoded_image bits = [] {
    decoded_image m = solid_image(4, 1, 0);
    m.pixels[1] = m.pixels[3] = 0xffffffff;
    return m;
  }();
  const mask_image mask{&bits, point{0, 0}, false};
  BOOST_TEST_REQUIRE(f.c.constant(canvas_fixture::base(r(0, 0, 1, 4)), constant_operation::whiteness, &mask).ok());
  BOOST_TEST((f.picture() == std::vector<std::string>{".#.#"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(inverted_mask_draws_its_clear_bits_but_nothing_beyond_it) {
  canvas_fixture f(4, 1);
  const decoded_image bits = [] {
    decoded_image m = solid_image(3, 1, 0);
    m.pixels[1] = 0xffffffff;
    return m;
  }();
  const mask_image mask{&bits, point{0, 0}, true};
  BOOST_TEST_REQUIRE(f.c.constant(canvas_fixture::base(r(0, 0, 1, 4)), constant_operation::whiteness, &mask).ok());
  BOOST_TEST((f.picture() == std::vector<std::string>{"#.#."}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(mask_position_is_the_mask_pixel_at_the_box_corner) {
  canvas_fixture f(2, 1);
  const decoded_image bits = [] {
    decoded_image m = solid_image(3, 1, 0);
    m.pixels[2] = 0xffffffff;
    return m;
  }();
  const mask_image mask{&bits, point{1, 0}, false};
  BOOST_TEST_REQUIRE(f.c.constant(canvas_fixture::base(r(0, 0, 1, 2)), constant_operation::whiteness, &mask).ok());
  BOOST_TEST((f.picture() == std::vector<std::string>{".#"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(blackness_whiteness_and_invers_set_clear_and_flip) {
  canvas_fixture f(3, 1, 0x00123456);
  BOOST_TEST_REQUIRE(f.c.constant(canvas_fixture::base(r(0, 0, 1, 1)), constant_operation::blackness, nullptr).ok());
  BOOST_TEST_REQUIRE(f.c.constant(canvas_fixture::base(r(0, 1, 1, 2)), constant_operation::whiteness, nullptr).ok());
  BOOST_TEST_REQUIRE(f.c.constant(canvas_fixture::base(r(0, 2, 1, 3)), constant_operation::invers, nullptr).ok());
  BOOST_TEST(f.at(0, 0) == 0u);
  BOOST_TEST((f.at(1, 0) & 0x00ffffff) == white);
  BOOST_TEST((f.at(2, 0) & 0x00ffffff) == (~0x00123456u & 0x00ffffff));
}

BOOST_AUTO_TEST_CASE(opaque_lays_the_source_then_combines_the_brush) {
  canvas_fixture f(1, 1, blue);
  const decoded_image source = solid_image(1, 1, 0x00ff00ff);
  paint brush;
  brush.type = SPICE_BRUSH_TYPE_SOLID;
  brush.color = 0x00ff0000;
  BOOST_TEST_REQUIRE(
    f.c.opaque(canvas_fixture::base(r(0, 0, 1, 1)), source, r(0, 0, 1, 1), brush, SPICE_ROPD_OP_AND, nullptr).ok());
  BOOST_TEST(f.at(0, 0) == 0x00ff0000u);  // source AND brush; the old blue is gone
}

BOOST_AUTO_TEST_CASE(ternary_rop_codes_are_truth_tables_over_pattern_source_and_destination) {
  const std::uint32_t p = 0xff00ff00, s = 0xf0f0f0f0, d = 0xcccccccc;
  BOOST_TEST(ternary_rop(0xcc, p, s, d) == s);        // SRCCOPY
  BOOST_TEST(ternary_rop(0xf0, p, s, d) == p);        // PATCOPY
  BOOST_TEST(ternary_rop(0xaa, p, s, d) == d);        // the destination kept
  BOOST_TEST(ternary_rop(0x55, p, s, d) == ~d);       // DSTINVERT
  BOOST_TEST(ternary_rop(0x66, p, s, d) == (s ^ d));  // SRCINVERT
  BOOST_TEST(ternary_rop(0x88, p, s, d) == (s & d));  // SRCAND
  BOOST_TEST(ternary_rop(0xee, p, s, d) == (s | d));  // SRCPAINT
  BOOST_TEST(ternary_rop(0xc0, p, s, d) == (p & s));  // MERGECOPY
  BOOST_TEST(ternary_rop(0x5a, p, s, d) == (p ^ d));  // PATINVERT
  BOOST_TEST(ternary_rop(0xb8, p, s, d) == (((d ^ p) & s) ^ p));  // PSDPxax: D where S is 1, else P
  BOOST_TEST(ternary_rop(0x00, p, s, d) == 0u);
  BOOST_TEST(ternary_rop(0xff, p, s, d) == 0xffffffffu);
}

BOOST_AUTO_TEST_CASE(rop3_combines_brush_source_and_what_was_there) {
  canvas_fixture f(2, 1, blue);
  const decoded_image source = solid_image(2, 1, 0x00ff00ff);
  paint brush;
  brush.type = SPICE_BRUSH_TYPE_SOLID;
  brush.color = 0x0000ff00;
  BOOST_TEST_REQUIRE(f.c.rop3(canvas_fixture::base(r(0, 0, 1, 1)), source, r(0, 0, 1, 1), brush, 0x66, nullptr).ok());
  BOOST_TEST_REQUIRE(f.c.rop3(canvas_fixture::base(r(0, 1, 1, 2)), source, r(0, 0, 1, 1), brush, 0xfe, nullptr).ok());
  BOOST_TEST((f.at(0, 0) & 0x00ffffff) == ((0x00ff00ffu ^ blue) & 0x00ffffff));           // S xor D
  BOOST_TEST((f.at(1, 0) & 0x00ffffff) == ((0x00ff00ffu | blue | 0x0000ff00u) & 0x00ffffff));  // P or S or D
}

BOOST_AUTO_TEST_CASE(transparent_skips_source_pixels_of_the_key_colour) {
  canvas_fixture f(2, 1, blue);
  decoded_image source = solid_image(2, 1, red);
  source.pixels[1] = green;
  BOOST_TEST_REQUIRE(f.c.transparent(canvas_fixture::base(r(0, 0, 1, 2)), source, r(0, 0, 1, 2), green).ok());
  BOOST_TEST(f.at(0, 0) == red);
  BOOST_TEST(f.at(1, 0) == blue);
}

BOOST_AUTO_TEST_CASE(alpha_blend_of_an_opaque_source_mixes_by_global_alpha) {
  canvas_fixture f(1, 1, 0x00000000);
  const decoded_image source = solid_image(1, 1, white);
  BOOST_TEST_REQUIRE(
    f.c.alpha_blend(canvas_fixture::base(r(0, 0, 1, 1)), source, false, r(0, 0, 1, 1), 128, false).ok());
  BOOST_TEST((f.at(0, 0) & 0x00ffffff) == 0x00808080u);
}

BOOST_AUTO_TEST_CASE(alpha_blend_of_a_premultiplied_source_is_porter_duff_over) {
  canvas_fixture f(1, 1, 0x000000ff);
  decoded_image source = solid_image(1, 1, 0x80800000);  // half-transparent red, premultiplied
  source.has_alpha = true;
  BOOST_TEST_REQUIRE(
    f.c.alpha_blend(canvas_fixture::base(r(0, 0, 1, 1)), source, true, r(0, 0, 1, 1), 255, false).ok());
  // blue * (255 - 128) / 255 = 127, plus red 128
  BOOST_TEST((f.at(0, 0) & 0x00ffffff) == 0x0080007fu);
}

BOOST_AUTO_TEST_CASE(alpha_blend_keeps_the_result_alpha_only_for_a_dest_with_alpha) {
  canvas_fixture with_alpha(1, 1, 0, SPICE_SURFACE_FMT_32_ARGB);
  decoded_image source = solid_image(1, 1, 0x80000000);
  source.has_alpha = true;
  BOOST_TEST_REQUIRE(with_alpha.c
                       .alpha_blend(canvas_fixture::base(r(0, 0, 1, 1)), source, true, r(0, 0, 1, 1), 255, true)
                       .ok());
  BOOST_TEST(with_alpha.at(0, 0) >> 24 == 0x80u);
}

BOOST_AUTO_TEST_CASE(copy_bits_moves_an_overlapping_area) {
  canvas_fixture f(4, 1);
  f.fill(r(0, 0, 1, 1), red);
  f.fill(r(0, 1, 1, 2), green);
  BOOST_TEST_REQUIRE(f.c.copy_bits(canvas_fixture::base(r(0, 1, 1, 3)), point{0, 0}).ok());
  BOOST_TEST(f.at(0, 0) == red);
  BOOST_TEST(f.at(1, 0) == red);
  BOOST_TEST(f.at(2, 0) == green);
  BOOST_TEST(f.at(3, 0) == 0u);
}

BOOST_AUTO_TEST_CASE(bottom_up_frame_is_flipped_into_place) {
  canvas_fixture f(1, 2);
  decoded_image frame = solid_image(1, 2, red);
  frame.pixels[1] = green;
  BOOST_TEST_REQUIRE(f.c.put_frame(0, r(0, 0, 2, 1), clip{}, frame, false).ok());
  BOOST_TEST(f.at(0, 0) == green);
  BOOST_TEST(f.at(0, 1) == red);
}

// libjpeg and libyuv fill the top byte with 0xFF; the canvas keeps 0 there
// for a picture without alpha, as for images (scaled or not).
BOOST_AUTO_TEST_CASE(video_frame_lands_without_its_decoders_alpha_filler) {
  canvas_fixture f(3, 1);
  decoded_image frame = solid_image(1, 1, 0xFF000000u | red);
  BOOST_TEST_REQUIRE(f.c.put_frame(0, r(0, 0, 1, 1), clip{}, frame, true).ok());
  BOOST_TEST(f.at(0, 0) == red);
  BOOST_TEST_REQUIRE(f.c.put_frame(0, r(0, 1, 1, 3), clip{}, frame, true).ok());  // scaled
  BOOST_TEST(f.at(1, 0) == red);
  BOOST_TEST(f.at(2, 0) == red);
  frame.has_alpha = true;
  BOOST_TEST_REQUIRE(f.c.put_frame(0, r(0, 0, 1, 1), clip{}, frame, true).ok());
  BOOST_TEST(f.at(0, 0) == (0xFF000000u | red));
}

BOOST_AUTO_TEST_CASE(frame_is_scaled_to_its_destination_and_clipped) {
  canvas_fixture f(4, 1);
  const decoded_image frame = solid_image(2, 1, red);
  clip left_half;
  left_half.type = SPICE_CLIP_TYPE_RECTS;
  left_half.rects = {r(0, 0, 1, 2)};
  const auto damage = f.c.put_frame(0, r(0, 0, 1, 4), left_half, frame, true);
  BOOST_TEST_REQUIRE(damage.ok());
  BOOST_TEST((*damage == r(0, 0, 1, 2)));
  BOOST_TEST((f.picture() == std::vector<std::string>{"##.."}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(source_area_beyond_the_image_reads_as_transparent_black) {
  canvas_fixture f(2, 1, blue);
  const decoded_image source = solid_image(1, 1, red);
  BOOST_TEST_REQUIRE(f.c.copy(canvas_fixture::base(r(0, 0, 1, 2)), source, r(0, 0, 1, 2), SPICE_ROPD_OP_PUT, nullptr).ok());
  BOOST_TEST(f.at(0, 0) == red);
  BOOST_TEST(f.at(1, 0) == 0u);
}

BOOST_AUTO_TEST_CASE(drawings_with_geometry_at_the_ends_of_the_int32_range_stay_within_their_surface) {
  // A server controls every coordinate: boxes, clip rectangles, source areas,
  // pattern, mask and COPY_BITS positions are any int32. 50,000 drawings with
  // each coordinate at or near the ends of the range (fixed seed): every one
  // changes only pixels of its surface, and, under CI's ASan + UBSan job
  // (scripts/sanitize.sh ci), does no signed overflow (how
  // damage_region::add's int64 areas were found).
  static const std::int32_t ends[] = {INT_MIN, INT_MIN + 1, -65536, -17, -1, 0, 1, 3, 8, 15, 16, 17,
                                      65536, INT_MAX - 1, INT_MAX};
  std::mt19937 random(17);
  auto any = [&] { return ends[random() % (sizeof ends / sizeof ends[0])]; };
  auto any_rect = [&] { return rect{any(), any(), any(), any()}; };
  canvas c;
  for (std::uint32_t format : {SPICE_SURFACE_FMT_32_xRGB, SPICE_SURFACE_FMT_16_555}) {
    surface_create create;
    create.surface_id = format;
    create.width = create.height = 16;
    create.format = format;
    BOOST_TEST_REQUIRE(c.create_surface(create).ok());
  }
  const decoded_image small = solid_image(4, 4, red), whole = solid_image(16, 16, green);
  for (int i = 0; i < 50000; ++i) {
    display_base base;
    base.surface_id = (random() & 1) ? SPICE_SURFACE_FMT_32_xRGB : SPICE_SURFACE_FMT_16_555;
    base.box = any_rect();
    if (random() % 3 == 0) {
      base.clip.type = SPICE_CLIP_TYPE_RECTS;
      for (auto k = random() % 3; k < 3; ++k)
        base.clip.rects.push_back(any_rect());
    }
    paint brush;
    brush.type = (random() & 1) ? SPICE_BRUSH_TYPE_PATTERN : SPICE_BRUSH_TYPE_SOLID;
    brush.pattern = &small;
    brush.pattern_position = point{any(), any()};
    mask_image mask{&small, point{any(), any()}, (random() & 1) != 0};
    const mask_image* maybe_mask = (random() & 1) ? &mask : nullptr;
    const decoded_image& source = (random() & 1) ? small : whole;
    const rect area = any_rect();
    const auto rop = static_cast<std::uint16_t>(random());
    result<rect> damage = rect{};
    switch (random() % 9) {
      case 0: damage = c.fill(base, brush, rop, maybe_mask); break;
      case 1: damage = c.copy(base, source, area, rop, maybe_mask); break;
      case 2: damage = c.opaque(base, source, area, brush, rop, maybe_mask); break;
      case 3: damage = c.rop3(base, source, area, brush, static_cast<std::uint8_t>(rop), maybe_mask); break;
      case 4: damage = c.constant(base, constant_operation::invers, maybe_mask); break;
      case 5: damage = c.transparent(base, source, area, red); break;
      case 6: damage = c.alpha_blend(base, source, random() & 1, area, 128, random() & 1); break;
      case 7: damage = c.copy_bits(base, point{any(), any()}); break;
      default: damage = c.put_frame(base.surface_id, base.box, base.clip, source, random() & 1); break;
    }
    if (damage.ok() && !damage->empty() && !contains(r(0, 0, 16, 16), *damage))
      BOOST_FAIL("drawing " << i << " reports damage outside its 16x16 surface");
    damage_region region(2);
    const rect added[] = {any_rect(), any_rect(), any_rect(), any_rect()};
    for (const rect& piece : added)
      region.add(piece);
    const auto& held = region.rects();
    for (const rect& piece : added)
      if (held.size() > 2 || (!piece.empty() && std::none_of(held.begin(), held.end(), [&](const rect& h) {
                                return contains(h, piece);
                              })))
        BOOST_FAIL("damage region " << i << " lost a rectangle or holds more than 2");
  }
  BOOST_TEST(c.find(SPICE_SURFACE_FMT_32_xRGB)->pixels.size() == 256u);
}

BOOST_AUTO_TEST_SUITE_END()
