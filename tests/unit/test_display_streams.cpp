// Video streams in the display pipeline as the display channel uses it
// (decode_streams_inline false): frames handed out with their stream and
// time, pictures put back under the stream's clip as it is then, stream
// starts and ends reported; an H.265 stream (libavcodec-encoded: spice-server
// has no H.265 encoder) decoded through the pipeline end to end; and the
// display preference messages.
#include <boost/test/unit_test.hpp>

#include <spice/enums.h>
#include <spice/protocol.h>

#include "protocol/display_messages.hpp"
#include "protocol/display_pipeline.hpp"
#include "protocol/display_preferences.hpp"
#include "test_display_builders.hpp"
#include "video_test_encoder.hpp"

using namespace vigil::protocol;
using namespace vigil::test;

namespace {

rect r(std::int32_t top, std::int32_t left, std::int32_t bottom, std::int32_t right) {
  return make_rect(top, left, bottom, right);
}

bytes surface_create_body(std::uint32_t id, std::uint32_t width, std::uint32_t height, bool primary) {
  return display_body{}.u32(id).u32(width).u32(height).u32(SPICE_SURFACE_FMT_32_xRGB)
    .u32(primary ? SPICE_SURFACE_FLAGS_PRIMARY : 0).take();
}

bytes stream_create_body(std::uint32_t surface_id, std::uint32_t stream_id, std::uint8_t codec, std::uint32_t width,
                         std::uint32_t height, const rect& dest) {
  return display_body{}.u32(surface_id).u32(stream_id).u8(SPICE_STREAM_FLAGS_TOP_DOWN).u8(codec).u64(0)
    .u32(width).u32(height).u32(width).u32(height)
    .rect(dest.top, dest.left, dest.bottom, dest.right).u8(SPICE_CLIP_TYPE_NONE).take();
}

bytes stream_data_body(std::uint32_t stream_id, std::uint32_t mm_time, const bytes& frame) {
  return display_body{}.u32(stream_id).u32(mm_time).u32(static_cast<std::uint32_t>(frame.size())).raw(frame).take();
}

display_settings settings(bool inline_decoding) {
  display_settings out;
  out.pixmap_cache_pixels = 1 << 20;
  out.glz_window_pixels = 1 << 20;
  out.decode_streams_inline = inline_decoding;
  return out;
}

struct stream_fixture {
  display_pipeline pipeline;
  explicit stream_fixture(bool inline_decoding, std::uint32_t width = 64, std::uint32_t height = 64)
      : pipeline(settings(inline_decoding)) {
    BOOST_TEST_REQUIRE((pipeline.apply(SPICE_MSG_DISPLAY_SURFACE_CREATE, surface_create_body(0, width, height, true))
                          .outcome == display_outcome::applied));
  }
  std::uint32_t at(std::uint32_t x, std::uint32_t y) const {
    const surface* primary = pipeline.surfaces().primary();
    return primary->pixels[std::size_t{y} * primary->width + x];
  }
};

decoded_image solid(std::uint32_t width, std::uint32_t height, std::uint32_t colour) {
  decoded_image picture;
  picture.width = width;
  picture.height = height;
  picture.pixels.assign(std::size_t{width} * height, colour);
  return picture;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(display_streams)

BOOST_AUTO_TEST_CASE(stream_create_reports_the_stream_its_decoder_needs) {
  stream_fixture f(false);
  const auto step = f.pipeline.apply(SPICE_MSG_DISPLAY_STREAM_CREATE,
                                     stream_create_body(0, 7, SPICE_VIDEO_CODEC_TYPE_H264, 320, 240, r(0, 0, 8, 8)));
  BOOST_TEST_REQUIRE(step.stream_began.has_value());
  BOOST_TEST(step.stream_began->stream_id == 7u);
  BOOST_TEST(step.stream_began->codec == SPICE_VIDEO_CODEC_TYPE_H264);
  BOOST_TEST(step.stream_began->width == 320u);
  BOOST_TEST(step.stream_began->height == 240u);
}

BOOST_AUTO_TEST_CASE(frames_are_handed_out_with_their_stream_and_time) {
  stream_fixture f(false);
  f.pipeline.apply(SPICE_MSG_DISPLAY_STREAM_CREATE, stream_create_body(0, 7, SPICE_VIDEO_CODEC_TYPE_VP8, 8, 8, r(0, 0, 8, 8)));
  const bytes body = stream_data_body(7, 123456, bytes{1, 2, 3});
  const auto step = f.pipeline.apply(SPICE_MSG_DISPLAY_STREAM_DATA, body);
  BOOST_TEST((step.outcome == display_outcome::applied));
  BOOST_TEST(step.primary_damage.empty());
  BOOST_TEST_REQUIRE(step.stream_frame.has_value());
  BOOST_TEST(step.stream_frame->stream_id == 7u);
  BOOST_TEST(step.stream_frame->mm_time == 123456u);
  BOOST_TEST(bytes(step.stream_frame->data.data, step.stream_frame->data.data + step.stream_frame->data.size) ==
             (bytes{1, 2, 3}), boost::test_tools::per_element());
  BOOST_TEST(!step.stream_frame->sized_dest.has_value());
}

BOOST_AUTO_TEST_CASE(sized_frames_carry_their_destination) {
  stream_fixture f(false);
  f.pipeline.apply(SPICE_MSG_DISPLAY_STREAM_CREATE, stream_create_body(0, 1, SPICE_VIDEO_CODEC_TYPE_VP8, 8, 8, r(0, 0, 8, 8)));
  const bytes sized = display_body{}.u32(1).u32(5).u32(4).u32(4).rect(10, 10, 14, 14).u32(2).raw(bytes{9, 9}).take();
  const auto step = f.pipeline.apply(SPICE_MSG_DISPLAY_STREAM_DATA_SIZED, sized);
  BOOST_TEST_REQUIRE(step.stream_frame.has_value());
  BOOST_TEST_REQUIRE(step.stream_frame->sized_dest.has_value());
  BOOST_TEST((*step.stream_frame->sized_dest == r(10, 10, 14, 14)));
}

BOOST_AUTO_TEST_CASE(a_picture_put_back_is_clipped_by_the_clip_at_that_time) {
  stream_fixture f(false);
  f.pipeline.apply(SPICE_MSG_DISPLAY_STREAM_CREATE, stream_create_body(0, 1, SPICE_VIDEO_CODEC_TYPE_H264, 8, 8, r(0, 0, 8, 8)));
  f.pipeline.apply(SPICE_MSG_DISPLAY_STREAM_DATA, stream_data_body(1, 0, bytes{0}));
  // The server narrows the stream (it drew over part of it) before the picture is back.
  f.pipeline.apply(SPICE_MSG_DISPLAY_STREAM_CLIP,
                   display_body{}.u32(1).u8(SPICE_CLIP_TYPE_RECTS).u32(1).rect(0, 0, 4, 8).take());
  const auto step = f.pipeline.put_stream_picture(1, solid(8, 8, 0x00ff0000), std::nullopt);
  BOOST_TEST_REQUIRE((step.outcome == display_outcome::applied), step.error);
  BOOST_TEST((step.primary_damage == r(0, 0, 4, 8)));
  BOOST_TEST(f.at(3, 3) == 0x00ff0000u);
  BOOST_TEST(f.at(3, 4) == 0u);
  BOOST_TEST(f.pipeline.counters().stream_frames == 1u);
}

BOOST_AUTO_TEST_CASE(a_picture_of_an_ended_stream_is_not_drawn) {
  stream_fixture f(false);
  f.pipeline.apply(SPICE_MSG_DISPLAY_STREAM_CREATE, stream_create_body(0, 1, SPICE_VIDEO_CODEC_TYPE_H264, 8, 8, r(0, 0, 8, 8)));
  const auto destroyed = f.pipeline.apply(SPICE_MSG_DISPLAY_STREAM_DESTROY, display_body{}.u32(1).take());
  BOOST_TEST(destroyed.streams_ended == (std::vector<std::uint32_t>{1}), boost::test_tools::per_element());
  const auto step = f.pipeline.put_stream_picture(1, solid(8, 8, 0x00ff0000), std::nullopt);
  BOOST_TEST((step.outcome == display_outcome::applied));
  BOOST_TEST(step.primary_damage.empty());
  BOOST_TEST(f.at(0, 0) == 0u);
}

BOOST_AUTO_TEST_CASE(destroy_all_and_surface_destroy_end_their_streams) {
  stream_fixture f(false);
  BOOST_TEST_REQUIRE((f.pipeline.apply(SPICE_MSG_DISPLAY_SURFACE_CREATE, surface_create_body(2, 16, 16, false))
                        .outcome == display_outcome::applied));
  f.pipeline.apply(SPICE_MSG_DISPLAY_STREAM_CREATE, stream_create_body(0, 1, SPICE_VIDEO_CODEC_TYPE_H264, 8, 8, r(0, 0, 8, 8)));
  f.pipeline.apply(SPICE_MSG_DISPLAY_STREAM_CREATE, stream_create_body(2, 4, SPICE_VIDEO_CODEC_TYPE_H264, 8, 8, r(0, 0, 8, 8)));
  f.pipeline.apply(SPICE_MSG_DISPLAY_STREAM_CREATE, stream_create_body(0, 5, SPICE_VIDEO_CODEC_TYPE_VP9, 8, 8, r(0, 0, 8, 8)));
  const auto surface_gone = f.pipeline.apply(SPICE_MSG_DISPLAY_SURFACE_DESTROY, display_body{}.u32(2).take());
  BOOST_TEST(surface_gone.streams_ended == (std::vector<std::uint32_t>{4}), boost::test_tools::per_element());
  const auto all_gone = f.pipeline.apply(SPICE_MSG_DISPLAY_STREAM_DESTROY_ALL, bytes{});
  BOOST_TEST(all_gone.streams_ended == (std::vector<std::uint32_t>{1, 5}), boost::test_tools::per_element());
  BOOST_TEST(f.pipeline.video_streams() == 0u);
}

BOOST_AUTO_TEST_CASE(h265_stream_decodes_through_the_pipeline) {
  encoder_settings video;
  video.width = 64;
  video.height = 48;
  std::vector<std::vector<std::uint32_t>> frames;
  for (int n = 0; n < 6; ++n)
    frames.push_back(known_scene_frame(video.width, video.height, n));
  const auto packets = encode_video(SPICE_VIDEO_CODEC_TYPE_H265, video, frames);
  stream_fixture f(true, 80, 60);
  f.pipeline.apply(SPICE_MSG_DISPLAY_STREAM_CREATE,
                   stream_create_body(0, 2, SPICE_VIDEO_CODEC_TYPE_H265, 64, 48, r(4, 8, 52, 72)));
  for (std::size_t n = 0; n < packets.size(); ++n) {
    const auto step = f.pipeline.apply(SPICE_MSG_DISPLAY_STREAM_DATA, stream_data_body(2, 0, packets[n]));
    BOOST_TEST_REQUIRE((step.outcome == display_outcome::applied), step.error);
    BOOST_TEST((step.primary_damage == r(4, 8, 52, 72)));
    std::vector<std::uint32_t> shown;
    for (std::uint32_t y = 4; y < 52; ++y)
      for (std::uint32_t x = 8; x < 72; ++x)
        shown.push_back(f.at(x, y) & 0xffffff);
    BOOST_TEST(rgb_psnr(shown, frames[n]) >= 30.0, "frame " << n);
  }
}

BOOST_AUTO_TEST_CASE(preferred_compression_round_trips) {
  BOOST_TEST(*parse_preferred_compression(build_preferred_compression(SPICE_IMAGE_COMPRESSION_LZ4)) ==
             SPICE_IMAGE_COMPRESSION_LZ4);
  BOOST_TEST(parse_preferred_compression(bytes{}).error().message ==
             "DISPLAY_PREFERRED_COMPRESSION: field image_compression truncated (need 1 bytes at offset 0, body is 0 bytes)");
}

BOOST_AUTO_TEST_CASE(preferred_video_codec_type_lists_codecs_in_order) {
  const bytes body = build_preferred_video_codec_type({SPICE_VIDEO_CODEC_TYPE_H264, SPICE_VIDEO_CODEC_TYPE_VP9});
  BOOST_TEST(body == (bytes{2, SPICE_VIDEO_CODEC_TYPE_H264, SPICE_VIDEO_CODEC_TYPE_VP9}),
             boost::test_tools::per_element());
  auto parsed = parse_preferred_video_codec_type(body);
  BOOST_TEST_REQUIRE(parsed.ok());
  BOOST_TEST(*parsed == (std::vector<std::uint8_t>{3, 4}), boost::test_tools::per_element());
  BOOST_TEST(!parse_preferred_video_codec_type(bytes{3, 1}).ok());
}

BOOST_AUTO_TEST_CASE(compression_names_follow_remote_viewer) {
  BOOST_TEST(*image_compression_from_name("auto-glz") == SPICE_IMAGE_COMPRESSION_AUTO_GLZ);
  BOOST_TEST(*image_compression_from_name("auto_lz") == SPICE_IMAGE_COMPRESSION_AUTO_LZ);
  BOOST_TEST(*image_compression_from_name("off") == SPICE_IMAGE_COMPRESSION_OFF);
  BOOST_TEST(!image_compression_from_name("jpeg"));
  BOOST_TEST(image_compression_name(SPICE_IMAGE_COMPRESSION_LZ4) == "lz4");
}

BOOST_AUTO_TEST_CASE(codec_lists_are_parsed_in_order_and_checked) {
  auto codecs = parse_video_codec_list("h264,VP9,hevc");
  BOOST_TEST_REQUIRE(codecs.ok());
  BOOST_TEST(*codecs == (std::vector<std::uint8_t>{SPICE_VIDEO_CODEC_TYPE_H264, SPICE_VIDEO_CODEC_TYPE_VP9,
                                                   SPICE_VIDEO_CODEC_TYPE_H265}),
             boost::test_tools::per_element());
  BOOST_TEST(parse_video_codec_list("h264,av1").error().message ==
             "unknown video codec 'av1' (known: mjpeg, vp8, h264, vp9, h265)");
  BOOST_TEST(parse_video_codec_list("vp8,vp8").error().message == "video codec 'vp8' is listed twice");
  BOOST_TEST(!parse_video_codec_list("").ok());
  BOOST_TEST(*video_codec_capability(SPICE_VIDEO_CODEC_TYPE_H265) == unsigned{SPICE_DISPLAY_CAP_CODEC_H265});
}

BOOST_AUTO_TEST_SUITE_END()
