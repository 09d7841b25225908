// The display pipeline: messages in, surfaces, caches and streams updated,
// outcomes the channel acts on. Includes a whole captured QEMU session.
#include <boost/test/unit_test.hpp>

#include <spice/enums.h>
#include <spice/protocol.h>

#include <cmath>
#include <limits>
#include <tuple>
#include <vector>

#include "captured_stream.hpp"
#include "protocol/display_pipeline.hpp"
#include "test_display_builders.hpp"

using namespace vigil::protocol;
using namespace vigil::test;

namespace {

rect r(std::int32_t top, std::int32_t left, std::int32_t bottom, std::int32_t right) {
  return make_rect(top, left, bottom, right);
}

display_settings small_settings() {
  display_settings settings;
  settings.pixmap_cache_pixels = 1 << 20;
  settings.glz_window_pixels = 1 << 20;
  return settings;
}

bytes surface_create_body(std::uint32_t id, std::uint32_t width, std::uint32_t height, bool primary) {
  return display_body{}
    .u32(id)
    .u32(width)
    .u32(height)
    .u32(SPICE_SURFACE_FMT_32_xRGB)
    .u32(primary ? SPICE_SURFACE_FLAGS_PRIMARY : 0)
    .take();
}

bytes solid_fill_body(std::uint32_t surface_id, const rect& box, std::uint32_t color) {
  return display_body{}.base(surface_id, box).u8(SPICE_BRUSH_TYPE_SOLID).u32(color).u16(SPICE_ROPD_OP_PUT).no_mask().take();
}

bytes stream_create_body(std::uint32_t stream_id, std::uint8_t codec, const rect& dest) {
  return display_body{}
    .u32(0)
    .u32(stream_id)
    .u8(SPICE_STREAM_FLAGS_TOP_DOWN)
    .u8(codec)
    .u64(0)
    .u32(static_cast<std::uint32_t>(dest.width()))
    .u32(static_cast<std::uint32_t>(dest.height()))
    .u32(static_cast<std::uint32_t>(dest.width()))
    .u32(static_cast<std::uint32_t>(dest.height()))
    .rect(dest.top, dest.left, dest.bottom, dest.right)
    .u8(SPICE_CLIP_TYPE_NONE)
    .take();
}

bytes stream_data_body(std::uint32_t stream_id, const bytes& jpeg) {
  return display_body{}.u32(stream_id).u32(0).u32(static_cast<std::uint32_t>(jpeg.size())).raw(jpeg).take();
}

// A pipeline with a size x size primary (surface 0).
struct pipeline_fixture {
  display_pipeline pipeline{small_settings()};
  explicit pipeline_fixture(std::uint32_t size = 8) {
    BOOST_TEST_REQUIRE((pipeline.apply(SPICE_MSG_DISPLAY_SURFACE_CREATE, surface_create_body(0, size, size, true))
                          .outcome == display_outcome::applied));
  }
  std::uint32_t at(std::uint32_t surface_id, std::uint32_t x, std::uint32_t y) const {
    const surface& s = *pipeline.surfaces().find(surface_id);
    return s.pixels[y * s.width + x];
  }
};

double psnr(const std::vector<std::uint32_t>& a, const std::vector<std::uint32_t>& b) {
  double squared = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    for (int shift : {0, 8, 16}) {
      const double d = double((a[i] >> shift) & 0xff) - double((b[i] >> shift) & 0xff);
      squared += d * d;
    }
  const double mse = squared / (3.0 * a.size());
  return mse == 0 ? 99.0 : 10 * std::log10(255.0 * 255.0 / mse);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(display_pipeline_tests)

BOOST_AUTO_TEST_CASE(captured_qemu_session_draws_every_message_without_errors) {
  const auto frames = replay(read_capture("display.in.bin"), SPICE_CHANNEL_DISPLAY, 4096).frames;
  display_pipeline pipeline(small_settings());
  std::size_t unsupported = 0;
  for (const auto& f : frames) {
    if (f.type < SPICE_MSG_BASE_LAST)
      continue;  // common messages belong to channel_endpoint
    const auto step = pipeline.apply(f.type, f.body);
    BOOST_TEST((step.outcome != display_outcome::skipped && step.outcome != display_outcome::fatal),
               "type " << f.type << ": " << step.error);
    unsupported += step.outcome == display_outcome::unsupported;
  }
  BOOST_TEST(unsupported == 0u);
  const surface* primary = pipeline.surfaces().primary();
  BOOST_TEST_REQUIRE(primary != nullptr);
  BOOST_TEST(primary->width == 720u);
  BOOST_TEST(pipeline.counters().drawings == frames_of_type(frames, SPICE_MSG_DISPLAY_DRAW_COPY).size());
  BOOST_TEST(pipeline.monitors().size() == 1u);
  // SeaBIOS text: some pixels are lit, most are the black background.
  std::size_t lit = 0;
  for (std::uint32_t pixel : primary->pixels)
    lit += (pixel & 0x00ffffff) != 0;
  BOOST_TEST(lit > 100u);
  BOOST_TEST(lit < primary->pixels.size() / 4);
}

BOOST_AUTO_TEST_CASE(primary_creation_reports_the_whole_surface_replaced) {
  display_pipeline pipeline(small_settings());
  const auto step = pipeline.apply(SPICE_MSG_DISPLAY_SURFACE_CREATE, surface_create_body(0, 8, 4, true));
  BOOST_TEST(step.primary_replaced);
  BOOST_TEST((step.primary_damage == r(0, 0, 4, 8)));
}

BOOST_AUTO_TEST_CASE(drawing_on_the_primary_reports_its_damage) {
  pipeline_fixture f;
  const auto step = f.pipeline.apply(SPICE_MSG_DISPLAY_DRAW_FILL, solid_fill_body(0, r(1, 1, 3, 3), 0xff));
  BOOST_TEST((step.outcome == display_outcome::applied));
  BOOST_TEST((step.primary_damage == r(1, 1, 3, 3)));
  BOOST_TEST(f.at(0, 2, 2) == 0xffu);
}

bytes copy_bits_body(const rect& box, std::int32_t from_x, std::int32_t from_y, const std::vector<rect>& clip = {}) {
  display_body body;
  if (clip.empty())
    body.base(0, box);
  else
    body.base(0, box, clip);
  return body.point(from_x, from_y).take();
}

BOOST_AUTO_TEST_CASE(an_unclipped_copy_bits_on_the_primary_reports_a_move_a_clipped_one_only_damage) {
  pipeline_fixture f;
  f.pipeline.apply(SPICE_MSG_DISPLAY_DRAW_FILL, solid_fill_body(0, r(2, 0, 3, 8), 0x42));
  // Up one row: rows 1..7 come from rows 2..8.
  const auto scrolled = f.pipeline.apply(SPICE_MSG_DISPLAY_COPY_BITS, copy_bits_body(r(0, 0, 7, 8), 0, 1));
  BOOST_TEST_REQUIRE((scrolled.outcome == display_outcome::applied));
  BOOST_TEST_REQUIRE(scrolled.primary_move.has_value());
  BOOST_TEST((scrolled.primary_move->to == r(0, 0, 7, 8)));
  BOOST_TEST(scrolled.primary_move->dx == 0);
  BOOST_TEST(scrolled.primary_move->dy == 1);
  BOOST_TEST((scrolled.primary_damage == r(0, 0, 7, 8)));
  BOOST_TEST(f.at(0, 3, 1) == 0x42u);
  const auto clipped =
    f.pipeline.apply(SPICE_MSG_DISPLAY_COPY_BITS, copy_bits_body(r(0, 0, 7, 8), 0, 1, {r(0, 0, 2, 8)}));
  BOOST_TEST(!clipped.primary_move.has_value());
  BOOST_TEST((clipped.primary_damage == r(0, 0, 2, 8)));
  // A source partly outside the surface is drawn, but it is no move.
  const auto outside = f.pipeline.apply(SPICE_MSG_DISPLAY_COPY_BITS, copy_bits_body(r(0, 0, 8, 8), 0, 2));
  BOOST_TEST(!outside.primary_move.has_value());
  BOOST_TEST((outside.primary_damage == r(0, 0, 8, 8)));
}

BOOST_AUTO_TEST_CASE(a_copy_bits_from_the_ends_of_the_int32_range_is_drawn_but_is_no_move) {
  // The fuzzer's find: source and box positions whose difference is not an
  // int32 (found under UBSan as a signed overflow).
  pipeline_fixture f;
  const std::int32_t lowest = std::numeric_limits<std::int32_t>::min();
  const std::int32_t highest = std::numeric_limits<std::int32_t>::max();
  for (const auto& [box, x, y] : std::vector<std::tuple<rect, std::int32_t, std::int32_t>>{
         {r(0, 2, 8, 8), lowest, 0}, {r(2, 0, 8, 8), 0, lowest}, {r(0, lowest, 8, 8), highest, 0}}) {
    const auto step = f.pipeline.apply(SPICE_MSG_DISPLAY_COPY_BITS, copy_bits_body(box, x, y));
    BOOST_TEST((step.outcome == display_outcome::applied));
    BOOST_TEST(!step.primary_move.has_value());
  }
}

BOOST_AUTO_TEST_CASE(drawing_off_screen_reports_no_primary_damage) {
  pipeline_fixture f;
  BOOST_TEST_REQUIRE((f.pipeline.apply(SPICE_MSG_DISPLAY_SURFACE_CREATE, surface_create_body(5, 4, 4, false)).outcome ==
                      display_outcome::applied));
  const auto step = f.pipeline.apply(SPICE_MSG_DISPLAY_DRAW_FILL, solid_fill_body(5, r(0, 0, 4, 4), 0xff));
  BOOST_TEST((step.outcome == display_outcome::applied));
  BOOST_TEST(step.primary_damage.empty());
}

BOOST_AUTO_TEST_CASE(surface_image_copies_an_off_screen_surface_onto_the_primary) {
  pipeline_fixture f;
  f.pipeline.apply(SPICE_MSG_DISPLAY_SURFACE_CREATE, surface_create_body(5, 2, 2, false));
  f.pipeline.apply(SPICE_MSG_DISPLAY_DRAW_FILL, solid_fill_body(5, r(0, 0, 2, 2), 0x00abcdef));
  const bytes copy = display_body{}
                       .base(0, r(4, 4, 6, 6))
                       .pointer("image")
                       .rect(0, 0, 2, 2)
                       .u16(SPICE_ROPD_OP_PUT)
                       .u8(0)
                       .no_mask()
                       .place("image")
                       .descriptor(0, SPICE_IMAGE_TYPE_SURFACE, 0, 2, 2)
                       .u32(5)
                       .take();
  const auto step = f.pipeline.apply(SPICE_MSG_DISPLAY_DRAW_COPY, copy);
  BOOST_TEST_REQUIRE((step.outcome == display_outcome::applied), step.error);
  BOOST_TEST(f.at(0, 5, 5) == 0x00abcdefu);
}

BOOST_AUTO_TEST_CASE(unknown_message_type_is_unsupported_not_an_error) {
  pipeline_fixture f;
  const auto step = f.pipeline.apply(SPICE_MSG_END_DISPLAY, bytes{1, 2, 3});
  BOOST_TEST((step.outcome == display_outcome::unsupported));
  BOOST_TEST(f.pipeline.counters().skipped == 0u);
}

BOOST_AUTO_TEST_CASE(malformed_surface_create_is_fatal) {
  display_pipeline pipeline(small_settings());
  const auto step = pipeline.apply(SPICE_MSG_DISPLAY_SURFACE_CREATE, bytes{0, 0});
  BOOST_TEST((step.outcome == display_outcome::fatal));
  VIGIL_CHECK_CONTAINS(step.error, "DISPLAY_SURFACE_CREATE: field surface_id truncated");
}

BOOST_AUTO_TEST_CASE(oversized_surface_create_is_fatal) {
  display_pipeline pipeline(small_settings());
  const auto step = pipeline.apply(SPICE_MSG_DISPLAY_SURFACE_CREATE, surface_create_body(0, 70000, 10, true));
  BOOST_TEST((step.outcome == display_outcome::fatal));
  BOOST_TEST(step.error == "DISPLAY_SURFACE_CREATE: surface 0 size 70000x10 is empty or exceeds 16384 pixels a side");
}

BOOST_AUTO_TEST_CASE(drawing_on_a_missing_surface_is_skipped_and_counted) {
  pipeline_fixture f;
  const auto step = f.pipeline.apply(SPICE_MSG_DISPLAY_DRAW_FILL, solid_fill_body(9, r(0, 0, 1, 1), 0xff));
  BOOST_TEST((step.outcome == display_outcome::skipped));
  BOOST_TEST(step.error == "DISPLAY_DRAW_FILL: surface 9 does not exist");
  BOOST_TEST(f.pipeline.counters().skipped == 1u);
}

BOOST_AUTO_TEST_CASE(corrupt_image_data_skips_the_drawing_naming_message_and_field) {
  pipeline_fixture f;
  const bytes copy = display_body{}
                       .base(0, r(0, 0, 2, 2))
                       .pointer("image")
                       .rect(0, 0, 2, 2)
                       .u16(SPICE_ROPD_OP_PUT)
                       .u8(0)
                       .no_mask()
                       .place("image")
                       .descriptor(0x77, SPICE_IMAGE_TYPE_JPEG, 0, 2, 2)
                       .u32(4)
                       .raw({1, 2, 3, 4})
                       .take();
  const auto step = f.pipeline.apply(SPICE_MSG_DISPLAY_DRAW_COPY, copy);
  BOOST_TEST((step.outcome == display_outcome::skipped));
  VIGIL_CHECK_CONTAINS(step.error, "DISPLAY_DRAW_COPY: src_bitmap: JPEG image 0x77: ");
  BOOST_TEST(f.at(0, 0, 0) == 0u);
}

BOOST_AUTO_TEST_CASE(truncated_drawing_is_skipped_with_the_parse_error) {
  pipeline_fixture f;
  const auto step = f.pipeline.apply(SPICE_MSG_DISPLAY_DRAW_FILL, bytes{0, 0, 0, 0, 1});
  BOOST_TEST((step.outcome == display_outcome::skipped));
  VIGIL_CHECK_CONTAINS(step.error, "DISPLAY_DRAW_FILL: field base.box truncated");
}

BOOST_AUTO_TEST_CASE(reset_turns_the_primary_black) {
  pipeline_fixture f;
  f.pipeline.apply(SPICE_MSG_DISPLAY_DRAW_FILL, solid_fill_body(0, r(0, 0, 8, 8), 0x00ffffff));
  const auto step = f.pipeline.apply(SPICE_MSG_DISPLAY_RESET, bytes{});
  BOOST_TEST((step.primary_damage == r(0, 0, 8, 8)));
  BOOST_TEST(f.at(0, 3, 3) == 0u);
}

BOOST_AUTO_TEST_CASE(destroying_the_primary_reports_it_replaced) {
  pipeline_fixture f;
  const auto step = f.pipeline.apply(SPICE_MSG_DISPLAY_SURFACE_DESTROY, display_body{}.u32(0).take());
  BOOST_TEST(step.primary_replaced);
  BOOST_TEST(f.pipeline.surfaces().primary() == nullptr);
}

BOOST_AUTO_TEST_CASE(inval_list_forgets_a_cached_pixmap) {
  pipeline_fixture f;
  const bytes cached_copy = display_body{}
                              .base(0, r(0, 0, 1, 1))
                              .pointer("image")
                              .rect(0, 0, 1, 1)
                              .u16(SPICE_ROPD_OP_PUT)
                              .u8(0)
                              .no_mask()
                              .place("image")
                              .bitmap_image(50, SPICE_IMAGE_FLAGS_CACHE_ME, solid_image(1, 1, 0x10))
                              .take();
  BOOST_TEST_REQUIRE((f.pipeline.apply(SPICE_MSG_DISPLAY_DRAW_COPY, cached_copy).outcome == display_outcome::applied));
  BOOST_TEST(f.pipeline.images().pixmaps().size() == 1u);
  f.pipeline.apply(SPICE_MSG_DISPLAY_INVAL_LIST, display_body{}.u16(1).u8(SPICE_RES_TYPE_PIXMAP).u64(50).take());
  BOOST_TEST(f.pipeline.images().pixmaps().size() == 0u);
}

BOOST_AUTO_TEST_CASE(inval_all_pixmaps_empties_the_cache) {
  pipeline_fixture f;
  const bytes cached_copy = display_body{}
                              .base(0, r(0, 0, 1, 1))
                              .pointer("image")
                              .rect(0, 0, 1, 1)
                              .u16(SPICE_ROPD_OP_PUT)
                              .u8(0)
                              .no_mask()
                              .place("image")
                              .bitmap_image(50, SPICE_IMAGE_FLAGS_CACHE_ME, solid_image(1, 1, 0x10))
                              .take();
  f.pipeline.apply(SPICE_MSG_DISPLAY_DRAW_COPY, cached_copy);
  f.pipeline.apply(SPICE_MSG_DISPLAY_INVAL_ALL_PIXMAPS, bytes{0});
  BOOST_TEST(f.pipeline.images().pixmaps().size() == 0u);
}

BOOST_AUTO_TEST_CASE(mjpeg_stream_frame_is_drawn_into_its_destination) {
  pipeline_fixture f(64);
  const decoded_image picture = gradient_image(32, 32);  // smooth: JPEG keeps it well
  BOOST_TEST_REQUIRE((f.pipeline.apply(SPICE_MSG_DISPLAY_STREAM_CREATE,
                                       stream_create_body(3, SPICE_VIDEO_CODEC_TYPE_MJPEG, r(2, 2, 34, 34)))
                        .outcome == display_outcome::applied));
  const auto step = f.pipeline.apply(SPICE_MSG_DISPLAY_STREAM_DATA, stream_data_body(3, encode_jpeg(picture, 95)));
  BOOST_TEST_REQUIRE((step.outcome == display_outcome::applied), step.error);
  BOOST_TEST((step.primary_damage == r(2, 2, 34, 34)));
  BOOST_TEST(f.pipeline.counters().stream_frames == 1u);
  std::vector<std::uint32_t> drawn;
  for (std::uint32_t y = 2; y < 34; ++y)
    for (std::uint32_t x = 2; x < 34; ++x)
      drawn.push_back(f.at(0, x, y));
  BOOST_TEST(psnr(drawn, picture.pixels) > 30.0);
  BOOST_TEST(f.at(0, 0, 0) == 0u);
}

BOOST_AUTO_TEST_CASE(frame_for_an_unknown_stream_is_skipped) {
  pipeline_fixture f;
  const auto step = f.pipeline.apply(SPICE_MSG_DISPLAY_STREAM_DATA, stream_data_body(8, bytes{1}));
  BOOST_TEST((step.outcome == display_outcome::skipped));
  BOOST_TEST(step.error == "DISPLAY_STREAM_DATA: stream 8 does not exist");
}

BOOST_AUTO_TEST_CASE(frame_that_does_not_decode_is_skipped_naming_the_codec) {
  pipeline_fixture f;
  f.pipeline.apply(SPICE_MSG_DISPLAY_STREAM_CREATE, stream_create_body(3, SPICE_VIDEO_CODEC_TYPE_VP8, r(0, 0, 4, 4)));
  const auto step = f.pipeline.apply(SPICE_MSG_DISPLAY_STREAM_DATA, stream_data_body(3, bytes{1}));
  BOOST_TEST((step.outcome == display_outcome::skipped));
  BOOST_TEST(step.error.rfind("DISPLAY_STREAM_DATA: frame of stream 3: vp8: ", 0) == 0, step.error);
}

BOOST_AUTO_TEST_CASE(stream_destroy_all_ends_every_stream) {
  pipeline_fixture f;
  f.pipeline.apply(SPICE_MSG_DISPLAY_STREAM_CREATE, stream_create_body(1, SPICE_VIDEO_CODEC_TYPE_MJPEG, r(0, 0, 4, 4)));
  f.pipeline.apply(SPICE_MSG_DISPLAY_STREAM_CREATE, stream_create_body(2, SPICE_VIDEO_CODEC_TYPE_MJPEG, r(0, 0, 4, 4)));
  BOOST_TEST(f.pipeline.video_streams() == 2u);
  f.pipeline.apply(SPICE_MSG_DISPLAY_STREAM_DESTROY_ALL, bytes{});
  BOOST_TEST(f.pipeline.video_streams() == 0u);
}

BOOST_AUTO_TEST_CASE(stream_clip_limits_later_frames) {
  pipeline_fixture f;
  f.pipeline.apply(SPICE_MSG_DISPLAY_STREAM_CREATE, stream_create_body(1, SPICE_VIDEO_CODEC_TYPE_MJPEG, r(0, 0, 4, 4)));
  f.pipeline.apply(SPICE_MSG_DISPLAY_STREAM_CLIP,
                   display_body{}.u32(1).u8(SPICE_CLIP_TYPE_RECTS).u32(1).rect(0, 0, 1, 1).take());
  const auto step =
    f.pipeline.apply(SPICE_MSG_DISPLAY_STREAM_DATA, stream_data_body(1, encode_jpeg(solid_image(4, 4, 0x00ffffff), 95)));
  BOOST_TEST_REQUIRE((step.outcome == display_outcome::applied), step.error);
  BOOST_TEST((step.primary_damage == r(0, 0, 1, 1)));
  BOOST_TEST(f.at(0, 1, 1) == 0u);
}

BOOST_AUTO_TEST_CASE(sized_stream_frame_uses_its_own_destination) {
  pipeline_fixture f;
  f.pipeline.apply(SPICE_MSG_DISPLAY_STREAM_CREATE, stream_create_body(1, SPICE_VIDEO_CODEC_TYPE_MJPEG, r(0, 0, 4, 4)));
  const bytes jpeg = encode_jpeg(solid_image(2, 2, 0x00ffffff), 95);
  const bytes sized = display_body{}
                        .u32(1)
                        .u32(0)
                        .u32(2)
                        .u32(2)
                        .rect(6, 6, 8, 8)
                        .u32(static_cast<std::uint32_t>(jpeg.size()))
                        .raw(jpeg)
                        .take();
  const auto step = f.pipeline.apply(SPICE_MSG_DISPLAY_STREAM_DATA_SIZED, sized);
  BOOST_TEST_REQUIRE((step.outcome == display_outcome::applied), step.error);
  BOOST_TEST((step.primary_damage == r(6, 6, 8, 8)));
}

BOOST_AUTO_TEST_CASE(monitors_config_is_kept) {
  pipeline_fixture f;
  f.pipeline.apply(SPICE_MSG_DISPLAY_MONITORS_CONFIG,
                   display_body{}.u16(1).u16(4).u32(0).u32(0).u32(1024).u32(768).u32(0).u32(0).u32(0).take());
  BOOST_TEST_REQUIRE(f.pipeline.monitors().size() == 1u);
  BOOST_TEST(f.pipeline.monitors()[0].width == 1024u);
}

BOOST_AUTO_TEST_SUITE_END()
