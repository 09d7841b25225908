// What vigil makes of its codec probe's output (ui/video_codec_probe.hpp);
// tests/video runs the real probe.
#include <boost/test/unit_test.hpp>

#include <spice/enums.h>

#include "actors/video_settings.hpp"
#include "ui/video_codec_probe.hpp"

using vigil::read_probe_output;

BOOST_AUTO_TEST_CASE(the_codecs_a_probe_names_follow_mjpeg_in_its_order) {
  const auto probed = read_probe_output("codec h264\ncodec vp9\nend\n");
  const std::vector<std::uint8_t> expected{SPICE_VIDEO_CODEC_TYPE_MJPEG, SPICE_VIDEO_CODEC_TYPE_H264,
                                           SPICE_VIDEO_CODEC_TYPE_VP9};
  BOOST_TEST(probed.codecs == expected, boost::test_tools::per_element());
  BOOST_TEST(probed.problem.empty());
}

BOOST_AUTO_TEST_CASE(names_the_plugin_is_not_made_for_and_repeats_are_ignored) {
  const auto probed = read_probe_output("codec mjpeg\ncodec av1\ncodec vp8\ncodec vp8\ngarbage\nend\n");
  const std::vector<std::uint8_t> expected{SPICE_VIDEO_CODEC_TYPE_MJPEG, SPICE_VIDEO_CODEC_TYPE_VP8};
  BOOST_TEST(probed.codecs == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_probe_that_went_wrong_leaves_only_mjpeg_and_says_why) {
  const auto failed = read_probe_output("codec h264\nerror the video plugin libvigil_libav.so is not installed\n");
  BOOST_TEST(failed.codecs == std::vector<std::uint8_t>{SPICE_VIDEO_CODEC_TYPE_MJPEG}, boost::test_tools::per_element());
  BOOST_TEST(failed.problem == "the video plugin libvigil_libav.so is not installed");

  const auto cut = read_probe_output("codec h264\ncodec vp9\n");
  BOOST_TEST(cut.codecs.size() == 1u);
  BOOST_TEST(cut.problem == "the codec probe's answer was cut short");

  const auto none = read_probe_output("end\n");
  BOOST_TEST(none.codecs.size() == 1u);
  BOOST_TEST(none.problem.find("decodes none") != std::string::npos);
}

// The display channel offers (and prefers) only what the probe found.
BOOST_AUTO_TEST_CASE(only_probed_codecs_are_offered_to_the_server) {
  vigil::video_settings settings;
  settings.installed_codecs = std::vector<std::uint8_t>{SPICE_VIDEO_CODEC_TYPE_MJPEG, SPICE_VIDEO_CODEC_TYPE_VP9};
  BOOST_TEST(vigil::offered_video_codecs(settings) == *settings.installed_codecs, boost::test_tools::per_element());

  settings.codecs = {SPICE_VIDEO_CODEC_TYPE_H264, SPICE_VIDEO_CODEC_TYPE_VP9, SPICE_VIDEO_CODEC_TYPE_MJPEG};
  const std::vector<std::uint8_t> preferred{SPICE_VIDEO_CODEC_TYPE_VP9, SPICE_VIDEO_CODEC_TYPE_MJPEG};
  BOOST_TEST(vigil::offered_video_codecs(settings) == preferred, boost::test_tools::per_element());

  settings.installed_codecs.reset();  // not probed: every codec this build is made for
  BOOST_TEST(vigil::offered_video_codecs(settings).size() == 3u);
}
