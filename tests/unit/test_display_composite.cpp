// DRAW_COMPOSITE's message: the optional mask and transforms the flags
// announce, and malformed bodies whose errors name the message and field.
#include <boost/test/unit_test.hpp>

#include <spice/enums.h>

#include "captured_stream.hpp"
#include "check_contains.hpp"
#include "protocol/display_messages.hpp"
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

BOOST_AUTO_TEST_SUITE_END()
