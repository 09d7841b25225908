// DRAW_COMPOSITE: the message (the optional mask and transforms the flags
// announce), the drawing (pixman's, in the reference canvas's formats), and
// malformed bodies whose errors name the message and field.
#include <boost/test/unit_test.hpp>

#include <spice/enums.h>

#include "captured_stream.hpp"
#include "check_contains.hpp"
#include "protocol/canvas.hpp"
#include "protocol/display_messages.hpp"
#include "protocol/display_pipeline.hpp"
#include "test_display_builders.hpp"

using namespace vigil::protocol;
using namespace vigil::test;

namespace {

constexpr std::uint32_t op_over = 3;  // pixman's PIXMAN_OP_OVER in bits 0-7

display_body& transform(display_body& body, std::uint32_t first) {
  for (std::uint32_t i = 0; i < 6; ++i)
    body.u32(first + i);
  return body;
}

rect r(std::int32_t top, std::int32_t left, std::int32_t bottom, std::int32_t right) {
  return make_rect(top, left, bottom, right);
}

decoded_image solid_image(std::uint32_t width, std::uint32_t height, std::uint32_t pixel, bool has_alpha) {
  decoded_image image;
  image.width = width;
  image.height = height;
  image.pixels.assign(std::size_t{width} * height, pixel);
  image.has_alpha = has_alpha;
  return image;
}

// A canvas with surface 0 (8x4, `format`) filled with `pixel`.
struct composite_fixture {
  canvas surfaces;
  explicit composite_fixture(std::uint32_t format = SPICE_SURFACE_FMT_32_xRGB, std::uint32_t pixel = 0x0000ffu) {
    add(0, 8, 4, format, pixel);
  }
  void add(std::uint32_t id, std::uint32_t width, std::uint32_t height, std::uint32_t format, std::uint32_t pixel) {
    surface_create create;
    create.surface_id = id;
    create.width = width;
    create.height = height;
    create.format = format;
    BOOST_TEST_REQUIRE(surfaces.create_surface(create).ok());
    auto& pixels = const_cast<surface*>(surfaces.find(id))->pixels;
    std::fill(pixels.begin(), pixels.end(), pixel);
  }
  std::uint32_t at(std::uint32_t x, std::uint32_t y, std::uint32_t id = 0) const {
    const surface& s = *surfaces.find(id);
    return s.pixels[y * s.width + x];
  }
};

draw_composite command(const rect& box, std::uint32_t flags) {
  draw_composite c;
  c.base.box = box;
  c.flags = flags;
  return c;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(display_composite)

BOOST_AUTO_TEST_CASE(composite_without_mask_or_transforms_is_flags_source_and_two_origins) {
  const bytes body = display_body{}
                       .base(0, make_rect(0, 0, 4, 4))
                       .u32(op_over)
                       .pointer("src")
                       .u16(static_cast<std::uint16_t>(-3))
                       .u16(7)
                       .u16(0)
                       .u16(0)
                       .place("src")
                       .descriptor(1, SPICE_IMAGE_TYPE_FROM_CACHE, 0, 4, 4)
                       .take();
  const auto parsed = parse_draw_composite(body);
  BOOST_TEST_REQUIRE(parsed.ok(), error_text(parsed));
  BOOST_TEST((parsed->flags & 0xffu) == op_over);
  BOOST_TEST_REQUIRE(parsed->source.has_value());
  BOOST_TEST(!parsed->mask.has_value());
  BOOST_TEST(!parsed->source_transform.has_value());
  BOOST_TEST(parsed->source_x == -3);
  BOOST_TEST(parsed->source_y == 7);
}

BOOST_AUTO_TEST_CASE(composite_reads_the_mask_and_both_transforms_the_flags_announce) {
  display_body body;
  body.base(0, make_rect(0, 0, 4, 4))
    .u32(op_over | SPICE_COMPOSITE_HAS_MASK | SPICE_COMPOSITE_HAS_SRC_TRANSFORM | SPICE_COMPOSITE_HAS_MASK_TRANSFORM)
    .pointer("src")
    .pointer("mask");
  transform(body, 0x10000);
  transform(body, 0x20000);
  const bytes bytes_ = body.u16(1)
                         .u16(2)
                         .u16(3)
                         .u16(4)
                         .place("src")
                         .descriptor(1, SPICE_IMAGE_TYPE_FROM_CACHE, 0, 4, 4)
                         .place("mask")
                         .descriptor(2, SPICE_IMAGE_TYPE_SURFACE, 0, 4, 4)
                         .u32(5)
                         .take();
  const auto parsed = parse_draw_composite(bytes_);
  BOOST_TEST_REQUIRE(parsed.ok(), error_text(parsed));
  BOOST_TEST_REQUIRE(parsed->mask.has_value());
  BOOST_TEST(parsed->mask->surface_id == 5u);
  BOOST_TEST_REQUIRE(parsed->source_transform.has_value());
  BOOST_TEST(parsed->source_transform->t00 == 0x10000u);
  BOOST_TEST(parsed->source_transform->t12 == 0x10005u);
  BOOST_TEST_REQUIRE(parsed->mask_transform.has_value());
  BOOST_TEST(parsed->mask_transform->t00 == 0x20000u);
  BOOST_TEST(parsed->mask_x == 3);
  BOOST_TEST(parsed->mask_y == 4);
}

BOOST_AUTO_TEST_CASE(malformed_composite_names_the_message_and_the_field) {
  // No source.
  auto parsed = parse_draw_composite(
    display_body{}.base(0, make_rect(0, 0, 4, 4)).u32(op_over).null_pointer().u32(0).u32(0).take());
  BOOST_TEST_REQUIRE(!parsed.ok());
  VIGIL_CHECK_CONTAINS(parsed.error().message, "DISPLAY_DRAW_COMPOSITE");
  VIGIL_CHECK_CONTAINS(parsed.error().message, "src_bitmap is a null pointer");
  // HAS_MASK with a null mask.
  parsed = parse_draw_composite(display_body{}
                                  .base(0, make_rect(0, 0, 4, 4))
                                  .u32(op_over | SPICE_COMPOSITE_HAS_MASK)
                                  .pointer("src")
                                  .null_pointer()
                                  .u32(0)
                                  .u32(0)
                                  .place("src")
                                  .descriptor(1, SPICE_IMAGE_TYPE_FROM_CACHE, 0, 4, 4)
                                  .take());
  BOOST_TEST_REQUIRE(!parsed.ok());
  VIGIL_CHECK_CONTAINS(parsed.error().message, "mask_bitmap is a null pointer");
  // A transform announced but cut short.
  parsed = parse_draw_composite(display_body{}
                                  .base(0, make_rect(0, 0, 4, 4))
                                  .u32(op_over | SPICE_COMPOSITE_HAS_SRC_TRANSFORM)
                                  .u32(0)
                                  .u32(1)
                                  .u32(2)
                                  .take());
  BOOST_TEST_REQUIRE(!parsed.ok());
  VIGIL_CHECK_CONTAINS(parsed.error().message, "DISPLAY_DRAW_COMPOSITE");
}

// pixman's OVER: each channel s + d * (255 - sa) / 255, the product rounded.
BOOST_AUTO_TEST_CASE(over_lays_a_premultiplied_argb_source_on_the_box_and_nothing_else) {
  composite_fixture f;
  const decoded_image source = solid_image(4, 2, 0x80400000u, true);
  composite_layer layer;
  layer.image = &source;
  const auto damage = f.surfaces.composite(command(r(1, 2, 3, 6), op_over), layer, nullptr);
  BOOST_TEST_REQUIRE(damage.ok(), error_text(damage));
  BOOST_TEST((*damage == r(1, 2, 3, 6)));
  BOOST_TEST((f.at(2, 1) & 0x00ffffffu) == 0x40007fu);
  BOOST_TEST((f.at(5, 2) & 0x00ffffffu) == 0x40007fu);
  BOOST_TEST(f.at(1, 1) == 0x0000ffu);
  BOOST_TEST(f.at(6, 2) == 0x0000ffu);
  BOOST_TEST(f.at(2, 0) == 0x0000ffu);
}

BOOST_AUTO_TEST_CASE(an_image_without_alpha_is_opaque_whatever_its_a_byte_says) {
  composite_fixture f;
  const decoded_image source = solid_image(2, 2, 0x00123456u, false);
  composite_layer layer;
  layer.image = &source;
  BOOST_TEST_REQUIRE(f.surfaces.composite(command(r(0, 0, 2, 2), op_over), layer, nullptr).ok());
  BOOST_TEST((f.at(1, 1) & 0x00ffffffu) == 0x123456u);
}

BOOST_AUTO_TEST_CASE(a_box_cut_by_the_surface_keeps_the_source_where_the_box_says) {
  composite_fixture f;
  decoded_image source = solid_image(4, 1, 0, false);
  source.pixels = {0x111111u, 0x222222u, 0x333333u, 0x444444u};
  composite_layer layer;
  layer.image = &source;
  // The box starts two pixels left of the surface: surface x 0 takes source x 2.
  BOOST_TEST_REQUIRE(f.surfaces.composite(command(r(0, -2, 1, 2), op_over), layer, nullptr).ok());
  BOOST_TEST((f.at(0, 0) & 0x00ffffffu) == 0x333333u);
  BOOST_TEST((f.at(1, 0) & 0x00ffffffu) == 0x444444u);
  BOOST_TEST(f.at(2, 0) == 0x0000ffu);
}

BOOST_AUTO_TEST_CASE(an_a8_surface_keeps_only_alpha_and_an_image_without_alpha_is_opaque_there) {
  composite_fixture f(SPICE_SURFACE_FMT_8_A, 0);
  const decoded_image with_alpha = solid_image(2, 1, 0x80ff0000u, true);
  const decoded_image without = solid_image(2, 1, 0x00ff0000u, false);
  composite_layer layer;
  layer.image = &with_alpha;
  const std::uint32_t op_src = 1;
  BOOST_TEST_REQUIRE(f.surfaces.composite(command(r(0, 0, 1, 2), op_src), layer, nullptr).ok());
  layer.image = &without;
  BOOST_TEST_REQUIRE(f.surfaces.composite(command(r(1, 0, 2, 2), op_src), layer, nullptr).ok());
  BOOST_TEST(f.at(0, 0) == 0x80000000u);
  BOOST_TEST(f.at(1, 1) == 0xff000000u);
  BOOST_TEST(f.at(2, 0) == 0u);
}

// The reference converts a bitmap to a 16-bit surface's own format, alpha
// and all: an ARGB image lands there opaque, its colours cut to 5/6 bits
// (and widened again, as the canvas holds 16-bit pixels).
BOOST_AUTO_TEST_CASE(on_a_16_bit_surface_an_argb_image_lands_opaque_in_its_five_and_six_bits) {
  composite_fixture f(SPICE_SURFACE_FMT_16_565, 0x0000ffu);
  const decoded_image source = solid_image(2, 1, 0x80400000u, true);
  composite_layer layer;
  layer.image = &source;
  BOOST_TEST_REQUIRE(f.surfaces.composite(command(r(0, 0, 1, 2), op_over), layer, nullptr).ok());
  BOOST_TEST(f.at(0, 0) == 0x420000u);
  BOOST_TEST(f.at(2, 0) == 0x0000ffu);
}

// A 1_A surface keeps one bit: alpha 0x80 and above sets it.
BOOST_AUTO_TEST_CASE(a_1_a_surface_keeps_the_top_bit_of_alpha) {
  composite_fixture f(SPICE_SURFACE_FMT_1_A, 0);
  decoded_image source = solid_image(2, 1, 0, true);
  source.pixels = {0x80000000u, 0x7f000000u};
  composite_layer layer;
  layer.image = &source;
  BOOST_TEST_REQUIRE(f.surfaces.composite(command(r(0, 0, 1, 2), 1), layer, nullptr).ok());
  BOOST_TEST(f.at(0, 0) == 0xff000000u);
  BOOST_TEST(f.at(1, 0) == 0u);
}

// spice-common keeps an 8BIT_A image as pixman a8, and converts it for a
// 32-bit surface as an image without alpha: x8r8g8b8, opaque black. So it
// covers the box black as a source and masks nothing as a mask; onto an A8
// surface its values stay.
BOOST_AUTO_TEST_CASE(an_8bit_a_image_is_opaque_black_on_32_bit_surfaces_and_its_values_on_a8) {
  decoded_image alpha = solid_image(2, 1, 0x40000000u, true);
  alpha.alpha_only = true;
  const decoded_image colour = solid_image(2, 1, 0x00ff8000u, false);
  composite_layer source, mask;
  for (std::uint32_t format : {SPICE_SURFACE_FMT_32_xRGB, SPICE_SURFACE_FMT_32_ARGB}) {
    composite_fixture f(format, 0xff0000ffu);
    source.image = &alpha;
    BOOST_TEST_REQUIRE(f.surfaces.composite(command(r(0, 0, 1, 2), op_over), source, nullptr).ok());
    BOOST_TEST((f.at(0, 0) & 0x00ffffffu) == 0u);
    source.image = &colour;
    mask.image = &alpha;
    BOOST_TEST_REQUIRE(
      f.surfaces.composite(command(r(0, 2, 1, 4), op_over | SPICE_COMPOSITE_HAS_MASK), source, &mask).ok());
    BOOST_TEST((f.at(2, 0) & 0x00ffffffu) == 0xff8000u);
    BOOST_TEST(f.at(4, 0) == 0xff0000ffu);
  }
  composite_fixture a8(SPICE_SURFACE_FMT_8_A, 0);
  source.image = &alpha;
  BOOST_TEST_REQUIRE(a8.surfaces.composite(command(r(0, 0, 1, 2), op_over), source, nullptr).ok());
  BOOST_TEST(a8.at(0, 0) == 0x40000000u);
}

// SOURCE_OPAQUE reads a 32_ARGB source surface without its alpha (its
// premultiplied colours land as they are); MASK_OPAQUE and DEST_OPAQUE
// change nothing, as in spice-common; SOURCE_OPAQUE on an A8 surface (which
// is undefined behaviour in spice-common) is ignored.
BOOST_AUTO_TEST_CASE(source_opaque_drops_an_argb_surface_s_alpha_and_the_other_opaque_flags_change_nothing) {
  composite_fixture f(SPICE_SURFACE_FMT_32_xRGB, 0x0000ffu);
  f.add(1, 8, 4, SPICE_SURFACE_FMT_32_ARGB, 0x40200000u);
  f.add(2, 8, 4, SPICE_SURFACE_FMT_8_A, 0x80000000u);
  composite_layer argb, a8;
  argb.from_surface = f.surfaces.find(1);
  a8.from_surface = f.surfaces.find(2);
  const std::uint32_t source_opaque = op_over | SPICE_COMPOSITE_SOURCE_OPAQUE;
  BOOST_TEST_REQUIRE(f.surfaces.composite(command(r(0, 0, 1, 1), source_opaque), argb, nullptr).ok());
  BOOST_TEST(f.at(0, 0) == 0x200000u);
  const std::uint32_t dest_opaque = op_over | SPICE_COMPOSITE_DEST_OPAQUE;
  BOOST_TEST_REQUIRE(f.surfaces.composite(command(r(0, 1, 1, 2), dest_opaque), argb, nullptr).ok());
  BOOST_TEST(f.at(1, 0) == 0x2000bfu);  // 0x20 over blue: 0xff * (255 - 0x40) / 255 stays
  const decoded_image white = solid_image(1, 1, 0x00ffffffu, false);
  composite_layer source;
  source.image = &white;
  const std::uint32_t mask_opaque = op_over | SPICE_COMPOSITE_HAS_MASK | SPICE_COMPOSITE_MASK_OPAQUE;
  BOOST_TEST_REQUIRE(f.surfaces.composite(command(r(0, 2, 1, 3), mask_opaque), source, &argb).ok());
  BOOST_TEST(f.at(2, 0) == 0x4040ffu);  // the mask's alpha 0x40 still weighs the white
  BOOST_TEST_REQUIRE(f.surfaces.composite(command(r(0, 3, 1, 4), source_opaque), a8, nullptr).ok());
  BOOST_TEST(f.at(3, 0) == 0x00007fu);  // black at alpha 0x80 over blue
}

BOOST_AUTO_TEST_CASE(an_a8_surface_masks_the_source_and_a_transform_scales_it) {
  composite_fixture f(SPICE_SURFACE_FMT_32_xRGB, 0);
  f.add(1, 8, 4, SPICE_SURFACE_FMT_8_A, 0x80000000u);
  decoded_image source = solid_image(2, 1, 0, false);
  source.pixels = {0xff0000u, 0x00ff00u};
  composite_layer layer, mask;
  layer.image = &source;
  mask.from_surface = f.surfaces.find(1);
  // Half scale (the transform maps box pixels to source pixels): each
  // source pixel covers two; the mask halves every channel.
  draw_composite c = command(r(0, 0, 1, 4), op_over | SPICE_COMPOSITE_HAS_MASK);
  c.source_transform = composite_transform{0x8000, 0, 0, 0, 0x8000, 0};
  BOOST_TEST_REQUIRE(f.surfaces.composite(c, layer, &mask).ok());
  BOOST_TEST((f.at(0, 0) & 0x00ffffffu) == 0x800000u);
  BOOST_TEST((f.at(1, 0) & 0x00ffffffu) == 0x800000u);
  BOOST_TEST((f.at(2, 0) & 0x00ffffffu) == 0x008000u);
  BOOST_TEST((f.at(3, 0) & 0x00ffffffu) == 0x008000u);
}

BOOST_AUTO_TEST_CASE(extreme_transforms_and_boxes_draw_without_overflow) {
  composite_fixture f;
  const decoded_image source = solid_image(3, 3, 0x80808080u, true);
  composite_layer layer;
  layer.image = &source;
  // Bilinear, repeating, a matrix of int32 extremes.
  draw_composite c = command(r(0, 0, 4, 8), op_over | 1u << 14 | 4u << 8);
  c.source_transform = composite_transform{0x7fffffffu, 0x80000000u, 0x7fffffffu, 0x80000000u, 0x7fffffffu, 1};
  c.source_x = INT16_MIN;
  c.source_y = INT16_MAX;
  BOOST_TEST(f.surfaces.composite(c, layer, nullptr).ok());
  // A box from INT32_MIN: the surface's first pixel is 2^31 into it.
  c.base.box = r(INT32_MIN, INT32_MIN, INT32_MAX, INT32_MAX);
  const auto refused = f.surfaces.composite(c, layer, nullptr);
  BOOST_TEST_REQUIRE(!refused.ok());
  VIGIL_CHECK_CONTAINS(refused.error().message, "bbox");
}

BOOST_AUTO_TEST_CASE(a_composite_pixman_cannot_do_names_the_message_and_the_field) {
  display_pipeline pipeline{display_settings{}};
  const bytes create = display_body{}.u32(0).u32(8).u32(4).u32(SPICE_SURFACE_FMT_32_xRGB).u32(1).take();
  BOOST_TEST_REQUIRE((pipeline.apply(SPICE_MSG_DISPLAY_SURFACE_CREATE, create).outcome == display_outcome::applied));
  auto composite_of = [](std::uint32_t flags, std::uint32_t source_surface) {
    return display_body{}
      .base(0, make_rect(0, 0, 4, 4))
      .u32(flags)
      .pointer("src")
      .u32(0)
      .u32(0)
      .place("src")
      .descriptor(1, SPICE_IMAGE_TYPE_SURFACE, 0, 8, 4)
      .u32(source_surface)
      .take();
  };
  auto step = pipeline.apply(SPICE_MSG_DISPLAY_DRAW_COMPOSITE, composite_of(op_over, 0));
  BOOST_TEST((step.outcome == display_outcome::applied), step.error);
  step = pipeline.apply(SPICE_MSG_DISPLAY_DRAW_COMPOSITE, composite_of(0x0e, 0));
  BOOST_TEST((step.outcome == display_outcome::skipped));
  VIGIL_CHECK_CONTAINS(step.error, "DISPLAY_DRAW_COMPOSITE");
  VIGIL_CHECK_CONTAINS(step.error, "flags: operator 14");
  step = pipeline.apply(SPICE_MSG_DISPLAY_DRAW_COMPOSITE, composite_of(op_over | 5u << 8, 0));
  VIGIL_CHECK_CONTAINS(step.error, "source filter 5");
  step = pipeline.apply(SPICE_MSG_DISPLAY_DRAW_COMPOSITE, composite_of(op_over, 9));
  BOOST_TEST((step.outcome == display_outcome::skipped));
  VIGIL_CHECK_CONTAINS(step.error, "DISPLAY_DRAW_COMPOSITE: src_bitmap");
  VIGIL_CHECK_CONTAINS(step.error, "surface 9");
}

BOOST_AUTO_TEST_SUITE_END()
