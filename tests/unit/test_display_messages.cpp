// Display channel message parsing: captured QEMU messages and hand-made ones,
// including malformed bodies whose errors must name the message and field.
#include <boost/test/unit_test.hpp>

#include <spice/enums.h>
#include <spice/protocol.h>

#include "captured_stream.hpp"
#include "protocol/display_messages.hpp"
#include "test_display_builders.hpp"

using namespace vigil::protocol;
using namespace vigil::test;

namespace {

std::vector<frame> captured_display_frames() {
  return replay(read_capture("display.in.bin"), SPICE_CHANNEL_DISPLAY, 4096).frames;
}

frame first_of_type(std::uint16_t type) {
  const auto frames = frames_of_type(captured_display_frames(), type);
  BOOST_TEST_REQUIRE(!frames.empty(), "no frame of type " << type << " in display.in.bin");
  return frames.front();
}

rect r(std::int32_t top, std::int32_t left, std::int32_t bottom, std::int32_t right) {
  return make_rect(top, left, bottom, right);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(display_messages)

BOOST_AUTO_TEST_CASE(captured_surface_create_is_a_720x400_xrgb_primary) {
  const auto parsed = parse_surface_create(first_of_type(SPICE_MSG_DISPLAY_SURFACE_CREATE).body);
  BOOST_TEST_REQUIRE(parsed.ok(), error_text(parsed));
  BOOST_TEST(parsed->surface_id == 0u);
  BOOST_TEST(parsed->width == 720u);
  BOOST_TEST(parsed->height == 400u);
  BOOST_TEST(parsed->format == unsigned{SPICE_SURFACE_FMT_32_xRGB});
  BOOST_TEST(parsed->flags == unsigned{SPICE_SURFACE_FLAGS_PRIMARY});
}

BOOST_AUTO_TEST_CASE(captured_first_draw_copy_is_the_whole_screen_as_lz_rgb) {
  const frame copy = first_of_type(SPICE_MSG_DISPLAY_DRAW_COPY);
  const auto parsed = parse_draw_copy(copy.body);
  BOOST_TEST_REQUIRE(parsed.ok(), error_text(parsed));
  BOOST_TEST(parsed->base.surface_id == 0u);
  BOOST_TEST((parsed->base.box == r(0, 0, 400, 720)));
  BOOST_TEST(parsed->base.clip.type == SPICE_CLIP_TYPE_NONE);
  BOOST_TEST_REQUIRE(parsed->source.has_value());
  BOOST_TEST(parsed->source->descriptor.type == SPICE_IMAGE_TYPE_LZ_RGB);
  BOOST_TEST(parsed->source->descriptor.width == 720u);
  BOOST_TEST(parsed->source->descriptor.height == 400u);
  BOOST_TEST((parsed->source_area == r(0, 0, 400, 720)));
  BOOST_TEST(parsed->rop == SPICE_ROPD_OP_PUT);
  BOOST_TEST(!parsed->mask.bitmap.has_value());
  // The LZ payload runs to the end of the body.
  BOOST_TEST(parsed->source->payload.data + parsed->source->payload.size == copy.body.data() + copy.body.size());
}

BOOST_AUTO_TEST_CASE(captured_cursor_blink_is_a_glz_copy_of_a_9x2_area) {
  const auto copies = frames_of_type(captured_display_frames(), SPICE_MSG_DISPLAY_DRAW_COPY);
  BOOST_TEST_REQUIRE(copies.size() >= 2u);
  const auto parsed = parse_draw_copy(copies[1].body);
  BOOST_TEST_REQUIRE(parsed.ok(), error_text(parsed));
  BOOST_TEST((parsed->base.box == r(157, 0, 159, 9)));
  BOOST_TEST_REQUIRE(parsed->source.has_value());
  BOOST_TEST(parsed->source->descriptor.type == SPICE_IMAGE_TYPE_GLZ_RGB);
  BOOST_TEST(parsed->source->descriptor.width == 9u);
  BOOST_TEST(parsed->source->descriptor.height == 2u);
}

BOOST_AUTO_TEST_CASE(captured_monitors_config_has_one_720x400_head) {
  const auto parsed = parse_monitors_config(first_of_type(SPICE_MSG_DISPLAY_MONITORS_CONFIG).body);
  BOOST_TEST_REQUIRE(parsed.ok(), error_text(parsed));
  BOOST_TEST(parsed->max_allowed == 1u);
  BOOST_TEST_REQUIRE(parsed->heads.size() == 1u);
  BOOST_TEST(parsed->heads[0].width == 720u);
  BOOST_TEST(parsed->heads[0].height == 400u);
}

BOOST_AUTO_TEST_CASE(every_captured_display_message_of_a_known_layout_parses) {
  for (const auto& f : captured_display_frames()) {
    switch (f.type) {
      case SPICE_MSG_DISPLAY_DRAW_COPY: BOOST_TEST(parse_draw_copy(f.body).ok(), error_text(parse_draw_copy(f.body))); break;
      case SPICE_MSG_DISPLAY_SURFACE_CREATE: BOOST_TEST(parse_surface_create(f.body).ok()); break;
      case SPICE_MSG_DISPLAY_MONITORS_CONFIG: BOOST_TEST(parse_monitors_config(f.body).ok()); break;
      default: break;
    }
  }
}

BOOST_AUTO_TEST_CASE(truncated_surface_create_names_type_and_field) {
  const auto parsed = parse_surface_create(display_body{}.u32(0).u32(720).u32(400).take());
  BOOST_TEST_REQUIRE(!parsed.ok());
  BOOST_TEST(parsed.error().message ==
             "DISPLAY_SURFACE_CREATE: field format truncated (need 4 bytes at offset 12, body is 12 bytes)");
}

BOOST_AUTO_TEST_CASE(fill_with_solid_brush_reads_colour_rop_and_no_mask) {
  const bytes body = display_body{}
                       .base(0, r(1, 2, 3, 4))
                       .u8(SPICE_BRUSH_TYPE_SOLID)
                       .u32(0x00ff8000)
                       .u16(SPICE_ROPD_OP_PUT)
                       .no_mask()
                       .take();
  const auto parsed = parse_draw_fill(body);
  BOOST_TEST_REQUIRE(parsed.ok(), error_text(parsed));
  BOOST_TEST((parsed->base.box == r(1, 2, 3, 4)));
  BOOST_TEST(parsed->brush.type == SPICE_BRUSH_TYPE_SOLID);
  BOOST_TEST(parsed->brush.color == 0x00ff8000u);
  BOOST_TEST(parsed->rop == SPICE_ROPD_OP_PUT);
  BOOST_TEST(!parsed->mask.bitmap.has_value());
}

BOOST_AUTO_TEST_CASE(clip_rects_are_read_inline_after_the_box) {
  const bytes body = display_body{}
                       .base(3, r(0, 0, 10, 10), {r(0, 0, 5, 5), r(5, 5, 10, 10)})
                       .u8(SPICE_BRUSH_TYPE_NONE)
                       .u16(SPICE_ROPD_OP_INVERS)
                       .no_mask()
                       .take();
  const auto parsed = parse_draw_fill(body);
  BOOST_TEST_REQUIRE(parsed.ok(), error_text(parsed));
  BOOST_TEST(parsed->base.surface_id == 3u);
  BOOST_TEST(parsed->base.clip.type == SPICE_CLIP_TYPE_RECTS);
  BOOST_TEST_REQUIRE(parsed->base.clip.rects.size() == 2u);
  BOOST_TEST((parsed->base.clip.rects[1] == r(5, 5, 10, 10)));
}

BOOST_AUTO_TEST_CASE(clip_rect_count_beyond_the_body_is_an_error_before_allocating) {
  const bytes body = display_body{}.u32(0).rect(0, 0, 1, 1).u8(SPICE_CLIP_TYPE_RECTS).u32(4000).take();
  const auto parsed = parse_draw_fill(body);
  BOOST_TEST_REQUIRE(!parsed.ok());
  VIGIL_CHECK_CONTAINS(parsed.error().message, "DISPLAY_DRAW_FILL: clip.num_rects 4000 exceeds body");
}

// Security review M6: a stream's clip used to be stored with up to 4M
// rectangles (64 MiB) and checked only when a frame was drawn.
BOOST_AUTO_TEST_CASE(more_clip_rects_than_the_limit_are_refused_even_when_they_fit_the_body) {
  display_body with_clip;
  with_clip.u32(0).rect(0, 0, 1, 1).u8(SPICE_CLIP_TYPE_RECTS).u32(max_clip_rects + 1);
  for (std::size_t i = 0; i <= max_clip_rects; ++i)
    with_clip.rect(0, 0, 1, 1);
  const auto parsed = parse_draw_fill(with_clip.take());
  BOOST_TEST_REQUIRE(!parsed.ok());
  VIGIL_CHECK_CONTAINS(parsed.error().message, "field clip.num_rects is 4097, more than the limit of 4096");
}

BOOST_AUTO_TEST_CASE(unknown_clip_type_names_the_field) {
  const bytes body = display_body{}.u32(0).rect(0, 0, 1, 1).u8(7).take();
  const auto parsed = parse_copy_bits(body);
  BOOST_TEST_REQUIRE(!parsed.ok());
  BOOST_TEST(parsed.error().message == "DISPLAY_COPY_BITS: field clip.type is 7, neither NONE (0) nor RECTS (1)");
}

BOOST_AUTO_TEST_CASE(pattern_brush_points_at_an_image_and_a_position) {
  const bytes body = display_body{}
                       .base(0, r(0, 0, 8, 8))
                       .u8(SPICE_BRUSH_TYPE_PATTERN)
                       .pointer("pattern")
                       .point(3, 4)
                       .u16(SPICE_ROPD_OP_PUT)
                       .no_mask()
                       .place("pattern")
                       .bitmap_image(77, 0, solid_image(2, 2, 0x123456))
                       .take();
  const auto parsed = parse_draw_fill(body);
  BOOST_TEST_REQUIRE(parsed.ok(), error_text(parsed));
  BOOST_TEST_REQUIRE(parsed->brush.pattern.has_value());
  BOOST_TEST(parsed->brush.pattern->descriptor.id == 77u);
  BOOST_TEST(parsed->brush.pattern_position.x == 3);
  BOOST_TEST(parsed->brush.pattern_position.y == 4);
}

BOOST_AUTO_TEST_CASE(null_pattern_pointer_is_an_error) {
  const bytes body = display_body{}
                       .base(0, r(0, 0, 8, 8))
                       .u8(SPICE_BRUSH_TYPE_PATTERN)
                       .null_pointer()
                       .point(0, 0)
                       .u16(SPICE_ROPD_OP_PUT)
                       .no_mask()
                       .take();
  const auto parsed = parse_draw_fill(body);
  BOOST_TEST_REQUIRE(!parsed.ok());
  BOOST_TEST(parsed.error().message == "DISPLAY_DRAW_FILL: field brush.pattern is a null pointer");
}

BOOST_AUTO_TEST_CASE(unknown_brush_type_names_the_field) {
  const bytes body = display_body{}.base(0, r(0, 0, 1, 1)).u8(9).u16(0).no_mask().take();
  const auto parsed = parse_draw_fill(body);
  BOOST_TEST_REQUIRE(!parsed.ok());
  BOOST_TEST(parsed.error().message == "DISPLAY_DRAW_FILL: field brush.type is 9, not NONE, SOLID or PATTERN");
}

BOOST_AUTO_TEST_CASE(mask_reads_flags_position_and_bitmap) {
  const bytes body = display_body{}
                       .base(0, r(0, 0, 2, 8))
                       .mask(SPICE_MASK_FLAGS_INVERS, 1, 0, "mask")
                       .place("mask")
                       .mask_image(5, 0, {"10101010", "01010101"})
                       .take();
  const auto parsed = parse_draw_invers(body);
  BOOST_TEST_REQUIRE(parsed.ok(), error_text(parsed));
  BOOST_TEST(parsed->mask.flags == SPICE_MASK_FLAGS_INVERS);
  BOOST_TEST(parsed->mask.position.x == 1);
  BOOST_TEST_REQUIRE(parsed->mask.bitmap.has_value());
  BOOST_TEST_REQUIRE(parsed->mask.bitmap->bitmap.has_value());
  BOOST_TEST(parsed->mask.bitmap->bitmap->format == SPICE_BITMAP_FMT_1BIT_BE);
  BOOST_TEST(parsed->mask.bitmap->bitmap->rows.size == 2u);
}

BOOST_AUTO_TEST_CASE(image_offset_past_the_body_names_the_pointer) {
  const bytes body = display_body{}
                       .base(0, r(0, 0, 1, 1))
                       .u32(5000)
                       .rect(0, 0, 1, 1)
                       .u16(SPICE_ROPD_OP_PUT)
                       .u8(0)
                       .no_mask()
                       .take();
  const auto parsed = parse_draw_copy(body);
  BOOST_TEST_REQUIRE(!parsed.ok());
  VIGIL_CHECK_CONTAINS(parsed.error().message, "DISPLAY_DRAW_COPY: src_bitmap offset 5000 points past the body");
}

BOOST_AUTO_TEST_CASE(unknown_image_type_names_the_field) {
  const bytes body = display_body{}
                       .base(0, r(0, 0, 1, 1))
                       .pointer("image")
                       .rect(0, 0, 1, 1)
                       .u16(SPICE_ROPD_OP_PUT)
                       .u8(0)
                       .no_mask()
                       .place("image")
                       .descriptor(1, 42, 0, 1, 1)
                       .take();
  const auto parsed = parse_draw_copy(body);
  BOOST_TEST_REQUIRE(!parsed.ok());
  BOOST_TEST(parsed.error().message ==
             "DISPLAY_DRAW_COPY: field src_bitmap.descriptor.type is 42, not a known image type");
}

BOOST_AUTO_TEST_CASE(bitmap_rows_beyond_the_body_are_an_error) {
  const bytes body = display_body{}
                       .base(0, r(0, 0, 1, 1))
                       .pointer("image")
                       .rect(0, 0, 1, 1)
                       .u16(SPICE_ROPD_OP_PUT)
                       .u8(0)
                       .no_mask()
                       .place("image")
                       .descriptor(1, SPICE_IMAGE_TYPE_BITMAP, 0, 100, 100)
                       .u8(SPICE_BITMAP_FMT_32BIT)
                       .u8(0)
                       .u32(100)
                       .u32(100)
                       .u32(400)
                       .null_pointer()
                       .take();
  const auto parsed = parse_draw_copy(body);
  BOOST_TEST_REQUIRE(!parsed.ok());
  VIGIL_CHECK_CONTAINS(parsed.error().message, "DISPLAY_DRAW_COPY: src_bitmap.bitmap.data 100 exceeds body");
}

BOOST_AUTO_TEST_CASE(bitmap_palette_pointer_is_followed) {
  const bytes body = display_body{}
                       .base(0, r(0, 0, 1, 2))
                       .pointer("image")
                       .rect(0, 0, 1, 2)
                       .u16(SPICE_ROPD_OP_PUT)
                       .u8(0)
                       .no_mask()
                       .place("image")
                       .descriptor(1, SPICE_IMAGE_TYPE_BITMAP, 0, 2, 1)
                       .u8(SPICE_BITMAP_FMT_8BIT)
                       .u8(SPICE_BITMAP_FLAGS_PAL_CACHE_ME)
                       .u32(2)
                       .u32(1)
                       .u32(4)
                       .pointer("palette")
                       .raw({0, 1, 0, 0})
                       .place("palette")
                       .u64(99)
                       .u16(2)
                       .u32(0x00ff0000)
                       .u32(0x0000ff00)
                       .take();
  const auto parsed = parse_draw_copy(body);
  BOOST_TEST_REQUIRE(parsed.ok(), error_text(parsed));
  const auto& bitmap = *parsed->source->bitmap;
  BOOST_TEST(bitmap.format == SPICE_BITMAP_FMT_8BIT);
  BOOST_TEST_REQUIRE(bitmap.palette.inline_palette.has_value());
  BOOST_TEST(bitmap.palette.inline_palette->unique == 99u);
  BOOST_TEST(bitmap.palette.inline_palette->entries == (std::vector<std::uint32_t>{0x00ff0000, 0x0000ff00}),
             boost::test_tools::per_element());
  BOOST_TEST(bitmap.rows.size == 4u);
}

BOOST_AUTO_TEST_CASE(bitmap_palette_from_cache_is_an_id_in_place_of_the_pointer) {
  const bytes body = display_body{}
                       .base(0, r(0, 0, 1, 1))
                       .pointer("image")
                       .rect(0, 0, 1, 1)
                       .u16(SPICE_ROPD_OP_PUT)
                       .u8(0)
                       .no_mask()
                       .place("image")
                       .descriptor(1, SPICE_IMAGE_TYPE_BITMAP, 0, 1, 1)
                       .u8(SPICE_BITMAP_FMT_8BIT)
                       .u8(SPICE_BITMAP_FLAGS_PAL_FROM_CACHE)
                       .u32(1)
                       .u32(1)
                       .u32(1)
                       .u64(0x1122334455667788)
                       .u8(0)
                       .take();
  const auto parsed = parse_draw_copy(body);
  BOOST_TEST_REQUIRE(parsed.ok(), error_text(parsed));
  BOOST_TEST(parsed->source->bitmap->palette.from_cache);
  BOOST_TEST(parsed->source->bitmap->palette.cache_id == 0x1122334455667788u);
  BOOST_TEST(parsed->source->bitmap->rows.size == 1u);
}

BOOST_AUTO_TEST_CASE(lz_plt_without_a_palette_is_an_error) {
  const bytes body = display_body{}
                       .base(0, r(0, 0, 1, 1))
                       .pointer("image")
                       .rect(0, 0, 1, 1)
                       .u16(SPICE_ROPD_OP_PUT)
                       .u8(0)
                       .no_mask()
                       .place("image")
                       .descriptor(1, SPICE_IMAGE_TYPE_LZ_PLT, 0, 1, 1)
                       .u8(0)
                       .u32(0)
                       .null_pointer()
                       .take();
  const auto parsed = parse_draw_copy(body);
  BOOST_TEST_REQUIRE(!parsed.ok());
  BOOST_TEST(parsed.error().message == "DISPLAY_DRAW_COPY: field src_bitmap.lz_plt.palette is a null pointer");
}

BOOST_AUTO_TEST_CASE(zlib_glz_payload_keeps_its_header_for_the_decoder) {
  const bytes body = display_body{}
                       .base(0, r(0, 0, 1, 1))
                       .pointer("image")
                       .rect(0, 0, 1, 1)
                       .u16(SPICE_ROPD_OP_PUT)
                       .u8(0)
                       .no_mask()
                       .place("image")
                       .descriptor(1, SPICE_IMAGE_TYPE_ZLIB_GLZ_RGB, 0, 1, 1)
                       .u32(100)
                       .u32(3)
                       .raw({1, 2, 3})
                       .take();
  const auto parsed = parse_draw_copy(body);
  BOOST_TEST_REQUIRE(parsed.ok(), error_text(parsed));
  BOOST_TEST(parsed->source->payload.size == 11u);
  BOOST_TEST(parsed->source->payload.data[0] == 100);
}

BOOST_AUTO_TEST_CASE(jpeg_alpha_payload_keeps_its_header_for_the_decoder) {
  const bytes body = display_body{}
                       .base(0, r(0, 0, 1, 1))
                       .pointer("image")
                       .rect(0, 0, 1, 1)
                       .u16(SPICE_ROPD_OP_PUT)
                       .u8(0)
                       .no_mask()
                       .place("image")
                       .descriptor(1, SPICE_IMAGE_TYPE_JPEG_ALPHA, 0, 1, 1)
                       .u8(1)
                       .u32(2)
                       .u32(4)
                       .raw({9, 9, 9, 9})
                       .take();
  const auto parsed = parse_draw_copy(body);
  BOOST_TEST_REQUIRE(parsed.ok(), error_text(parsed));
  BOOST_TEST(parsed->source->payload.size == 13u);
}

BOOST_AUTO_TEST_CASE(surface_image_names_its_surface) {
  const bytes body = display_body{}
                       .base(0, r(0, 0, 1, 1))
                       .pointer("image")
                       .rect(0, 0, 1, 1)
                       .u16(SPICE_ROPD_OP_PUT)
                       .u8(0)
                       .no_mask()
                       .place("image")
                       .descriptor(0, SPICE_IMAGE_TYPE_SURFACE, 0, 0, 0)
                       .u32(7)
                       .take();
  const auto parsed = parse_draw_blend(body);
  BOOST_TEST_REQUIRE(parsed.ok(), error_text(parsed));
  BOOST_TEST(parsed->source->surface_id == 7u);
}

BOOST_AUTO_TEST_CASE(opaque_has_source_then_brush_then_rop_and_scale_mode) {
  const bytes body = display_body{}
                       .base(0, r(0, 0, 1, 1))
                       .pointer("image")
                       .rect(0, 0, 1, 1)
                       .u8(SPICE_BRUSH_TYPE_SOLID)
                       .u32(0xabcdef)
                       .u16(SPICE_ROPD_OP_AND)
                       .u8(SPICE_IMAGE_SCALE_MODE_NEAREST)
                       .no_mask()
                       .place("image")
                       .descriptor(1, SPICE_IMAGE_TYPE_FROM_CACHE, 0, 1, 1)
                       .take();
  const auto parsed = parse_draw_opaque(body);
  BOOST_TEST_REQUIRE(parsed.ok(), error_text(parsed));
  BOOST_TEST(parsed->brush.color == 0xabcdefu);
  BOOST_TEST(parsed->rop == SPICE_ROPD_OP_AND);
  BOOST_TEST(parsed->scale_mode == SPICE_IMAGE_SCALE_MODE_NEAREST);
  BOOST_TEST(parsed->source->descriptor.type == SPICE_IMAGE_TYPE_FROM_CACHE);
}

BOOST_AUTO_TEST_CASE(rop3_has_source_then_brush_then_a_one_byte_rop_and_scale_mode) {
  const bytes body = display_body{}
                       .base(0, r(0, 0, 1, 1))
                       .pointer("image")
                       .rect(0, 0, 1, 1)
                       .u8(SPICE_BRUSH_TYPE_SOLID)
                       .u32(0x123456)
                       .u8(0xb8)
                       .u8(SPICE_IMAGE_SCALE_MODE_NEAREST)
                       .no_mask()
                       .place("image")
                       .descriptor(1, SPICE_IMAGE_TYPE_FROM_CACHE, 0, 1, 1)
                       .take();
  const auto parsed = parse_draw_rop3(body);
  BOOST_TEST_REQUIRE(parsed.ok(), error_text(parsed));
  BOOST_TEST(parsed->brush.color == 0x123456u);
  BOOST_TEST(parsed->rop3 == 0xb8u);
  BOOST_TEST(parsed->scale_mode == SPICE_IMAGE_SCALE_MODE_NEAREST);
  BOOST_TEST(parsed->source->descriptor.type == SPICE_IMAGE_TYPE_FROM_CACHE);
  VIGIL_CHECK_CONTAINS(parse_draw_rop3(bytes(body.begin(), body.begin() + 40)).error().message, "DISPLAY_DRAW_ROP3");
}

BOOST_AUTO_TEST_CASE(transparent_reads_both_colours_after_the_source_area) {
  const bytes body = display_body{}
                       .base(0, r(0, 0, 1, 1))
                       .null_pointer()
                       .rect(0, 0, 1, 1)
                       .u32(0x112233)
                       .u32(0x445566)
                       .take();
  const auto parsed = parse_draw_transparent(body);
  BOOST_TEST_REQUIRE(parsed.ok(), error_text(parsed));
  BOOST_TEST(!parsed->source.has_value());
  BOOST_TEST(parsed->source_color == 0x112233u);
  BOOST_TEST(parsed->true_color == 0x445566u);
}

BOOST_AUTO_TEST_CASE(alpha_blend_reads_flags_and_alpha_before_the_source) {
  const bytes body = display_body{}
                       .base(0, r(0, 0, 1, 1))
                       .u8(SPICE_ALPHA_FLAGS_DEST_HAS_ALPHA)
                       .u8(128)
                       .null_pointer()
                       .rect(0, 0, 1, 1)
                       .take();
  const auto parsed = parse_draw_alpha_blend(body);
  BOOST_TEST_REQUIRE(parsed.ok(), error_text(parsed));
  BOOST_TEST(parsed->alpha_flags == SPICE_ALPHA_FLAGS_DEST_HAS_ALPHA);
  BOOST_TEST(parsed->alpha == 128);
}

BOOST_AUTO_TEST_CASE(copy_bits_reads_the_source_position) {
  const auto parsed = parse_copy_bits(display_body{}.base(0, r(10, 10, 20, 20)).point(5, 6).take());
  BOOST_TEST_REQUIRE(parsed.ok(), error_text(parsed));
  BOOST_TEST(parsed->source_position.x == 5);
  BOOST_TEST(parsed->source_position.y == 6);
}

BOOST_AUTO_TEST_CASE(blackness_whiteness_and_invers_share_the_masked_area_layout) {
  const bytes body = display_body{}.base(2, r(0, 0, 4, 4)).no_mask().take();
  BOOST_TEST(parse_draw_blackness(body).ok());
  BOOST_TEST(parse_draw_whiteness(body).ok());
  BOOST_TEST(parse_draw_invers(body).ok());
}

BOOST_AUTO_TEST_CASE(inval_list_reads_type_and_id_per_resource) {
  const auto parsed =
    parse_inval_list(display_body{}.u16(2).u8(SPICE_RES_TYPE_PIXMAP).u64(10).u8(SPICE_RES_TYPE_PIXMAP).u64(11).take());
  BOOST_TEST_REQUIRE(parsed.ok(), error_text(parsed));
  BOOST_TEST_REQUIRE(parsed->resources.size() == 2u);
  BOOST_TEST(parsed->resources[1].id == 11u);
}

BOOST_AUTO_TEST_CASE(inval_list_count_beyond_the_body_is_an_error) {
  const auto parsed = parse_inval_list(display_body{}.u16(3).u8(1).u64(1).take());
  BOOST_TEST_REQUIRE(!parsed.ok());
  VIGIL_CHECK_CONTAINS(parsed.error().message, "DISPLAY_INVAL_LIST: count 3 exceeds body");
}

BOOST_AUTO_TEST_CASE(inval_all_pixmaps_reads_the_wait_list) {
  const auto parsed = parse_inval_all_pixmaps(display_body{}.u8(1).u8(2).u8(0).u64(1234).take());
  BOOST_TEST_REQUIRE(parsed.ok(), error_text(parsed));
  BOOST_TEST_REQUIRE(parsed->items.size() == 1u);
  BOOST_TEST(parsed->items[0].message_serial == 1234u);
}

BOOST_AUTO_TEST_CASE(inval_palette_is_one_u64_id) {
  const auto parsed = parse_inval_palette(display_body{}.u64(0xdeadbeef).take());
  BOOST_TEST_REQUIRE(parsed.ok(), error_text(parsed));
  BOOST_TEST(parsed->id == 0xdeadbeefu);
}

BOOST_AUTO_TEST_CASE(stream_create_reads_sizes_destination_and_clip) {
  const bytes body = display_body{}
                       .u32(0)
                       .u32(12)
                       .u8(SPICE_STREAM_FLAGS_TOP_DOWN)
                       .u8(SPICE_VIDEO_CODEC_TYPE_MJPEG)
                       .u64(5)
                       .u32(320)
                       .u32(240)
                       .u32(640)
                       .u32(480)
                       .rect(10, 20, 490, 660)
                       .u8(SPICE_CLIP_TYPE_NONE)
                       .take();
  const auto parsed = parse_stream_create(body);
  BOOST_TEST_REQUIRE(parsed.ok(), error_text(parsed));
  BOOST_TEST(parsed->stream_id == 12u);
  BOOST_TEST(parsed->codec == SPICE_VIDEO_CODEC_TYPE_MJPEG);
  BOOST_TEST(parsed->stream_width == 320u);
  BOOST_TEST(parsed->source_height == 480u);
  BOOST_TEST((parsed->dest == r(10, 20, 490, 660)));
}

BOOST_AUTO_TEST_CASE(stream_data_frame_is_data_size_bytes) {
  const auto parsed = parse_stream_data(display_body{}.u32(12).u32(1000).u32(3).raw({0xff, 0xd8, 0xff}).take());
  BOOST_TEST_REQUIRE(parsed.ok(), error_text(parsed));
  BOOST_TEST(parsed->stream_id == 12u);
  BOOST_TEST(parsed->multi_media_time == 1000u);
  BOOST_TEST(parsed->frame.size == 3u);
}

BOOST_AUTO_TEST_CASE(stream_data_size_beyond_the_body_is_an_error) {
  const auto parsed = parse_stream_data(display_body{}.u32(12).u32(1000).u32(30).raw({0xff}).take());
  BOOST_TEST_REQUIRE(!parsed.ok());
  BOOST_TEST(parsed.error().message == "DISPLAY_STREAM_DATA: field data truncated (need 30 bytes at offset 12, "
                                       "body is 13 bytes)");
}

BOOST_AUTO_TEST_CASE(stream_data_sized_carries_its_own_size_and_destination) {
  const auto parsed =
    parse_stream_data_sized(display_body{}.u32(1).u32(2).u32(64).u32(48).rect(0, 0, 48, 64).u32(1).u8(7).take());
  BOOST_TEST_REQUIRE(parsed.ok(), error_text(parsed));
  BOOST_TEST(parsed->width == 64u);
  BOOST_TEST((parsed->dest == r(0, 0, 48, 64)));
  BOOST_TEST(parsed->frame.size == 1u);
}

BOOST_AUTO_TEST_CASE(stream_clip_and_destroy_name_the_stream) {
  const auto clip = parse_stream_clip(display_body{}.u32(4).u8(SPICE_CLIP_TYPE_RECTS).u32(1).rect(0, 0, 1, 1).take());
  BOOST_TEST_REQUIRE(clip.ok(), error_text(clip));
  BOOST_TEST(clip->stream_id == 4u);
  BOOST_TEST(clip->clip.rects.size() == 1u);
  const auto destroy = parse_stream_destroy(display_body{}.u32(4).take());
  BOOST_TEST_REQUIRE(destroy.ok(), error_text(destroy));
  BOOST_TEST(destroy->stream_id == 4u);
}

BOOST_AUTO_TEST_CASE(stream_report_is_eight_u32_fields) {
  stream_report report;
  report.stream_id = 1;
  report.unique_id = 2;
  report.num_frames = 30;
  report.last_frame_delay = -5;
  const bytes expected = display_body{}.u32(1).u32(2).u32(0).u32(0).u32(30).u32(0).i32(-5).u32(0xffffffff).take();
  BOOST_TEST(build_stream_report(report) == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(preferred_compression_is_one_byte) {
  BOOST_TEST(build_preferred_compression(SPICE_IMAGE_COMPRESSION_LZ4) == bytes{SPICE_IMAGE_COMPRESSION_LZ4},
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(preferred_video_codec_type_is_count_then_codecs) {
  BOOST_TEST(build_preferred_video_codec_type({SPICE_VIDEO_CODEC_TYPE_MJPEG}) ==
               (bytes{1, SPICE_VIDEO_CODEC_TYPE_MJPEG}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
