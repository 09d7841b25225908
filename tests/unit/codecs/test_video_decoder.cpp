// Video stream decoding through libavcodec (protocol/codecs/video_decoder.hpp):
// for every codec, bitstreams from libavcodec's own encoders (x264, libvpx,
// x265) of the known scene decode to the source frames within 30 dB PSNR;
// a corrupted frame mid-stream costs pictures until the next key frame, not
// the decoder; garbage is an error, never a crash.
#include <boost/test/unit_test.hpp>

#include <spice/enums.h>

#include <algorithm>

#include "protocol/codecs/video_decoder.hpp"
#include "video_test_encoder.hpp"

namespace {

using namespace vigil::protocol;
using vigil::test::encode_video;
using vigil::test::encoder_settings;
using vigil::test::known_scene_frame;
using vigil::test::rgb_psnr;

constexpr double required_psnr_db = 30.0;

std::vector<std::vector<std::uint32_t>> scene(const encoder_settings& settings, int count) {
  std::vector<std::vector<std::uint32_t>> frames;
  for (int n = 0; n < count; ++n)
    frames.push_back(known_scene_frame(settings.width, settings.height, n));
  return frames;
}

std::vector<std::uint32_t> rgb_only(const decoded_image& image) {
  std::vector<std::uint32_t> out(image.pixels.size());
  std::transform(image.pixels.begin(), image.pixels.end(), out.begin(), [](std::uint32_t p) { return p & 0xffffff; });
  return out;
}

std::unique_ptr<video_decoder> make_decoder(std::uint8_t codec) {
  auto decoder = video_decoder::create(codec, video_decoder_options{});
  BOOST_REQUIRE_MESSAGE(decoder.ok(), (decoder.ok() ? std::string() : decoder.error().message));
  return std::move(*decoder);
}

void check_codec_round_trip(std::uint8_t codec, bool chroma_444 = false) {
  encoder_settings settings;
  settings.chroma_444 = chroma_444;
  const auto frames = scene(settings, 24);
  const auto packets = encode_video(codec, settings, frames);
  auto decoder = make_decoder(codec);
  BOOST_TEST(decoder->codec() == codec);
  decoded_image picture;
  double worst = 99;
  for (std::size_t n = 0; n < packets.size(); ++n) {
    auto decoded = decoder->decode(packets[n].data(), packets[n].size(), picture);
    BOOST_REQUIRE_MESSAGE(decoded.ok(), video_codec_name(codec) << " frame " << n << ": "
                                                               << (decoded.ok() ? "" : decoded.error().message));
    BOOST_REQUIRE_MESSAGE(*decoded, video_codec_name(codec) << " frame " << n << " produced no picture");
    BOOST_REQUIRE_EQUAL(picture.width, 320u);
    BOOST_REQUIRE_EQUAL(picture.height, 240u);
    worst = std::min(worst, rgb_psnr(rgb_only(picture), frames[n]));
  }
  BOOST_TEST_MESSAGE(video_codec_name(codec) << ": worst frame " << worst << " dB");
  BOOST_TEST(worst >= required_psnr_db);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(video_decoder_tests)

BOOST_AUTO_TEST_CASE(codec_names_round_trip) {
  for (std::uint8_t codec = SPICE_VIDEO_CODEC_TYPE_MJPEG; codec < SPICE_VIDEO_CODEC_TYPE_ENUM_END; ++codec)
    BOOST_TEST((video_codec_from_name(video_codec_name(codec)) == std::optional<std::uint8_t>(codec)));
  BOOST_TEST((video_codec_from_name("HEVC") == std::optional<std::uint8_t>(SPICE_VIDEO_CODEC_TYPE_H265)));
  BOOST_TEST((video_codec_from_name("H264") == std::optional<std::uint8_t>(SPICE_VIDEO_CODEC_TYPE_H264)));
  BOOST_TEST(!video_codec_from_name("av1"));
  BOOST_TEST(video_codec_name(9) == "codec-9");
}

BOOST_AUTO_TEST_CASE(debians_libavcodec_decodes_every_spice_codec) {
  const std::vector<std::uint8_t> expected{SPICE_VIDEO_CODEC_TYPE_MJPEG, SPICE_VIDEO_CODEC_TYPE_VP8,
                                           SPICE_VIDEO_CODEC_TYPE_H264, SPICE_VIDEO_CODEC_TYPE_VP9,
                                           SPICE_VIDEO_CODEC_TYPE_H265};
  BOOST_TEST(decodable_video_codecs() == expected, boost::test_tools::per_element());
  BOOST_TEST(!can_decode_video(0));
  BOOST_TEST(!can_decode_video(SPICE_VIDEO_CODEC_TYPE_ENUM_END));
}

BOOST_AUTO_TEST_CASE(unknown_codec_is_refused_by_name) {
  auto decoder = video_decoder::create(42, video_decoder_options{});
  BOOST_REQUIRE(!decoder.ok());
  BOOST_TEST(decoder.error().message == "unknown video codec 42");
}

BOOST_AUTO_TEST_CASE(h264_frames_match_the_source) { check_codec_round_trip(SPICE_VIDEO_CODEC_TYPE_H264); }
BOOST_AUTO_TEST_CASE(h264_444_frames_match_the_source) {  // spice-server's GStreamer x264enc sends 4:4:4
  check_codec_round_trip(SPICE_VIDEO_CODEC_TYPE_H264, true);
}
BOOST_AUTO_TEST_CASE(vp8_frames_match_the_source) { check_codec_round_trip(SPICE_VIDEO_CODEC_TYPE_VP8); }
BOOST_AUTO_TEST_CASE(vp9_frames_match_the_source) { check_codec_round_trip(SPICE_VIDEO_CODEC_TYPE_VP9); }
BOOST_AUTO_TEST_CASE(h265_frames_match_the_source) { check_codec_round_trip(SPICE_VIDEO_CODEC_TYPE_H265); }

BOOST_AUTO_TEST_CASE(software_backend_without_a_device) {
  BOOST_TEST(make_decoder(SPICE_VIDEO_CODEC_TYPE_H264)->backend() == "software");
}

BOOST_AUTO_TEST_CASE(a_corrupt_frame_costs_pictures_until_the_next_key_frame) {
  for (std::uint8_t codec : {SPICE_VIDEO_CODEC_TYPE_H264, SPICE_VIDEO_CODEC_TYPE_VP8, SPICE_VIDEO_CODEC_TYPE_VP9,
                             SPICE_VIDEO_CODEC_TYPE_H265}) {
    encoder_settings settings;
    settings.key_frame_interval = 10;
    const auto frames = scene(settings, 30);
    auto packets = encode_video(codec, settings, frames);
    // Frame 13 (inter-coded) loses its middle: bytes replaced by noise.
    auto& broken = packets[13];
    for (std::size_t i = broken.size() / 4; i < broken.size(); ++i)
      broken[i] = static_cast<std::uint8_t>(i * 131 + 7);
    auto decoder = make_decoder(codec);
    decoded_image picture;
    for (std::size_t n = 0; n < packets.size(); ++n) {
      auto decoded = decoder->decode(packets[n].data(), packets[n].size(), picture);  // errors allowed
      if (n >= 20) {  // the key frame at 20 repairs the stream
        BOOST_REQUIRE_MESSAGE(decoded.ok() && *decoded, video_codec_name(codec) << " frame " << n);
        BOOST_TEST(rgb_psnr(rgb_only(picture), frames[n]) >= required_psnr_db,
                   video_codec_name(codec) << " frame " << n);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(garbage_is_an_error_naming_the_codec) {
  for (std::uint8_t codec : {SPICE_VIDEO_CODEC_TYPE_MJPEG, SPICE_VIDEO_CODEC_TYPE_H264, SPICE_VIDEO_CODEC_TYPE_VP8,
                             SPICE_VIDEO_CODEC_TYPE_VP9, SPICE_VIDEO_CODEC_TYPE_H265}) {
    auto decoder = make_decoder(codec);
    decoded_image picture;
    std::vector<std::uint8_t> garbage(1000);
    for (std::size_t i = 0; i < garbage.size(); ++i)
      garbage[i] = static_cast<std::uint8_t>(i * 37 + 11);
    bool any_error = false;
    for (int round = 0; round < 3; ++round) {
      auto decoded = decoder->decode(garbage.data(), garbage.size(), picture);
      if (!decoded.ok()) {
        any_error = true;
        BOOST_TEST(decoded.error().message.rfind(video_codec_name(codec), 0) == 0, decoded.error().message);
      }
    }
    BOOST_TEST(any_error, video_codec_name(codec) << " accepted garbage silently");
    auto empty = decoder->decode(garbage.data(), 0, picture);
    BOOST_TEST(!empty.ok());
  }
}

BOOST_AUTO_TEST_CASE(a_frame_larger_than_the_stream_allows_is_refused) {
  encoder_settings settings;
  const auto packets = encode_video(SPICE_VIDEO_CODEC_TYPE_H264, settings, scene(settings, 1));
  video_decoder_options options;
  options.max_pixels = 160 * 120;
  auto decoder = video_decoder::create(SPICE_VIDEO_CODEC_TYPE_H264, options);
  BOOST_REQUIRE(decoder.ok());
  decoded_image picture;
  auto decoded = (*decoder)->decode(packets[0].data(), packets[0].size(), picture);
  BOOST_REQUIRE(!decoded.ok());
  BOOST_TEST(decoded.error().message == "h264: picture 320x240 is larger than the stream allows");
}

BOOST_AUTO_TEST_SUITE_END()
