// The client's primary surface against vigil-test-server's reference frames:
// bit-exact for every lossless image codec, PSNR for JPEG images and MJPEG
// video. Each test starts its own server on a free port, runs the client with
// --dump-primary until the scene is over, and compares.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <functional>

#include "content.hpp"
#include "scene_server.hpp"
#include "ppm_image.hpp"
#include "temp_directory.hpp"
#include "client_run.hpp"

using namespace vigil::test_support;
using namespace vigil::test_support;
using namespace std::chrono_literals;

namespace {

// The lossy tests' bound: well below what libjpeg gives at the server's
// quality (measured values are printed), far above a wrong picture (< 15 dB).
constexpr double min_psnr_db = 25.0;

struct scene_result {
  client_run client;
  std::optional<ppm_image> reference;  // when the scene completed
  std::optional<ppm_image> picture;  // the client's --dump-primary
};

void report(const client_run& run) {
  BOOST_TEST_MESSAGE("client: " << run.process.describe());
  if (!run.snapshot)
    return;
  for (const auto& channel : run.snapshot->value("channels", nlohmann::json::array()))
    if (channel.value("channel", "") == "display")
      BOOST_TEST_MESSAGE("display channel: " << channel.dump());
  if (run.snapshot->contains("renderer"))
    BOOST_TEST_MESSAGE("renderer: " << run.snapshot->at("renderer").dump());
}

constexpr auto scene_limit = 90s;  // a loaded 2-core machine: generous

// Runs `scene` with the server `options` and the client until the server has
// printed `progress_line`, then until what it sent has arrived (the display
// channel quiet for two heartbeat periods); `before_stop` (e.g. pausing the
// server) runs in between. The client must exit cleanly with its dump.
// The reference is final.ppm, which exists once the scene is complete.
scene_result run_scene(const std::vector<std::string>& options, const std::string& progress_line = "scene complete",
                       const std::function<void(scene_server&, background_client&)>& before_stop = {}) {
  vigil::test_support::temp_directory directory("display-scene");
  std::vector<std::string> server_options = options;
  server_options.insert(server_options.end(), {"--reference-dir", directory.path(), "--step-ms", "100"});
  scene_server server(server_options);
  const std::string dump = directory.file("client.ppm");
  background_client client({"--headless", "--duration", "600", "--dump-primary", dump, plain_uri(server.port())});
  BOOST_TEST_REQUIRE(server.wait_for_output(progress_line, scene_limit),
                     "the server did not print '" << progress_line << "'; output:\n"
                                                  << server.output() << "\nclient log:\n" << client.log());
  if (before_stop)
    before_stop(server, client);
  wait_until_display_quiet(client, scene_limit);
  scene_result out;
  out.client = client.stop();  // SIGTERM: the client writes its dump as it ends
  report(out.client);
  BOOST_TEST_REQUIRE(out.client.exit_code() == exit_codes::ok, out.client.context());
  std::string error;
  if (progress_line == "scene complete") {
    out.reference = read_ppm(directory.file("final.ppm"), error);
    BOOST_TEST_REQUIRE(out.reference.has_value(), error);
  }
  out.picture = read_ppm(dump, error);
  BOOST_TEST_REQUIRE(out.picture.has_value(), error << out.client.context());
  return out;
}

// The client's snapshot has a display channel and it reports no error.
void check_display_errors_empty(const client_run& run) {
  BOOST_TEST_REQUIRE(run.snapshot.has_value(), run.context());
  const nlohmann::json* display = run.channel("display");
  BOOST_TEST_REQUIRE(display != nullptr, "no display channel in the snapshot" << run.context());
  BOOST_TEST(display->at("errors").empty(), "display errors: " << display->at("errors").dump());
}

// The stream frames the client decoded and drew (the snapshot's display.video.frames_drawn).
int video_frames_decoded(const client_run& run) {
  const nlohmann::json* display = run.channel("display");
  BOOST_TEST_REQUIRE((display && display->contains("video")), "no video figures in the snapshot" << run.context());
  BOOST_TEST_MESSAGE("video: " << display->at("video").dump());
  return display->at("video").value("frames_drawn", 0);
}

void check_bit_exact(const std::vector<std::string>& options) {
  const scene_result result = run_scene(options);
  const image_comparison comparison = compare(*result.reference, *result.picture);
  BOOST_TEST_MESSAGE(comparison.describe(*result.reference));
  BOOST_TEST(comparison.same_size, comparison.describe(*result.reference));
  BOOST_TEST(comparison.mismatched_pixels == 0u, comparison.describe(*result.reference));
  check_display_errors_empty(result.client);
}

// As check_bit_exact, and spice-server's own rendering of the scene (its
// canvas is the reference client's) equals the reference as well: the
// reference is what SPICE means, not only what the test server thinks.
// Returns the server's output.
std::string check_bit_exact_as_spice_server_renders(const std::vector<std::string>& options) {
  std::string server_output;
  const scene_result result = run_scene(options, "scene complete",
                                        [&](scene_server& server, background_client&) { server_output = server.output(); });
  BOOST_TEST(server_output.find("reference check=match") != std::string::npos, server_output);
  const image_comparison comparison = compare(*result.reference, *result.picture);
  BOOST_TEST_MESSAGE(comparison.describe(*result.reference));
  BOOST_TEST(comparison.same_size, comparison.describe(*result.reference));
  BOOST_TEST(comparison.mismatched_pixels == 0u, comparison.describe(*result.reference));
  check_display_errors_empty(result.client);
  return server_output;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(scene_display, *boost::unit_test::label("server"))

BOOST_AUTO_TEST_CASE(text_over_lz_is_bit_exact) { check_bit_exact({"--scene", "text", "--compression", "lz"}); }

BOOST_AUTO_TEST_CASE(photo_over_lz_is_bit_exact) { check_bit_exact({"--scene", "photo", "--compression", "lz"}); }

BOOST_AUTO_TEST_CASE(photo_over_quic_is_bit_exact) {
  check_bit_exact({"--scene", "photo", "--compression", "quic", "--jpeg", "never"});
}

BOOST_AUTO_TEST_CASE(text_over_glz_is_bit_exact) { check_bit_exact({"--scene", "text", "--compression", "glz"}); }

BOOST_AUTO_TEST_CASE(text_over_zlib_glz_is_bit_exact) {
  check_bit_exact({"--scene", "text", "--compression", "glz", "--zlib-glz", "always"});
}

BOOST_AUTO_TEST_CASE(text_over_lz4_is_bit_exact) { check_bit_exact({"--scene", "text", "--compression", "lz4"}); }

BOOST_AUTO_TEST_CASE(photo_over_lz4_and_bitmaps_is_bit_exact) {
  check_bit_exact({"--scene", "photo", "--compression", "lz4"});
}

BOOST_AUTO_TEST_CASE(photo_uncompressed_is_bit_exact) { check_bit_exact({"--scene", "photo", "--compression", "off"}); }

BOOST_AUTO_TEST_CASE(photo_over_auto_glz_is_bit_exact) {
  check_bit_exact({"--scene", "photo", "--compression", "auto_glz", "--jpeg", "never"});
}

BOOST_AUTO_TEST_CASE(solid_fills_are_bit_exact) { check_bit_exact({"--scene", "solid"}); }

BOOST_AUTO_TEST_CASE(gradients_are_bit_exact) { check_bit_exact({"--scene", "gradient", "--jpeg", "never"}); }

BOOST_AUTO_TEST_CASE(scroll_with_copy_bits_is_bit_exact) { check_bit_exact({"--scene", "scroll"}); }

BOOST_AUTO_TEST_CASE(off_screen_surface_copies_are_bit_exact) {
  check_bit_exact({"--scene", "surfaces", "--jpeg", "never"});
}

BOOST_AUTO_TEST_CASE(rop3_with_every_kind_of_code_is_bit_exact) { check_bit_exact({"--scene", "rop3", "--jpeg", "never"}); }

BOOST_AUTO_TEST_CASE(text_of_one_and_four_bit_glyphs_is_bit_exact_as_spice_server_draws_it) {
  check_bit_exact_as_spice_server_renders({"--scene", "glyphs", "--jpeg", "never"});
}

// spice-server's canvas reads 8-bit glyph rows one off (glyph_scenes.cpp):
// the client against the reference only.
BOOST_AUTO_TEST_CASE(text_of_eight_bit_glyphs_is_bit_exact) {
  check_bit_exact({"--scene", "glyphs-a8", "--jpeg", "never"});
}

// The client advertises COMPOSITE and A8_SURFACE, so a guest driver sends
// them: spice-server hands the guest the display client's capabilities.
BOOST_AUTO_TEST_CASE(composite_of_alpha_images_is_bit_exact_as_spice_server_draws_it) {
  const std::string output =
    check_bit_exact_as_spice_server_renders({"--scene", "composite", "--jpeg", "never"});
  BOOST_TEST(output.find("client capabilities display=0 present=1 composite=1 a8-surface=1") != std::string::npos,
             output);
}

BOOST_AUTO_TEST_CASE(composite_through_a8_masks_with_transforms_and_blend_operators_is_bit_exact_as_spice_server_draws_it) {
  check_bit_exact_as_spice_server_renders({"--scene", "composite-masks", "--jpeg", "never"});
}

// 16_565, 16_555 and 1_A surfaces, 8BIT_A bitmaps onto 32-bit and 16-bit
// surfaces (opaque black there, as spice-common converts them), the
// SOURCE/MASK/DEST_OPAQUE flags, mask transforms and the fast/good/best
// filters (composite_scenes.cpp).
BOOST_AUTO_TEST_CASE(composite_onto_every_surface_format_with_a8_bitmaps_and_opaque_flags_is_bit_exact_as_spice_server_draws_it) {
  check_bit_exact_as_spice_server_renders({"--scene", "composite-formats", "--jpeg", "never"});
}

// DRAW_STROKE: zero-width lines in every octant, clipped by the surface
// and by the box, polylines closed and not, PUT/XOR/OR/AND, curves, pattern
// brushes, dashed lines at any angle with their joins (stroke_scenes.cpp).
BOOST_AUTO_TEST_CASE(strokes_of_straight_lines_are_bit_exact_as_spice_server_draws_them) {
  check_bit_exact_as_spice_server_renders({"--scene", "strokes", "--jpeg", "never"});
}

BOOST_AUTO_TEST_CASE(resized_primary_is_bit_exact) { check_bit_exact({"--scene", "resize", "--jpeg", "never"}); }

// The scene's frames 20-99 arrive as an MJPEG stream; when it ends the
// server redraws the area losslessly, and the client shows that exactly.
BOOST_AUTO_TEST_CASE(video_ends_bit_exact_after_the_mjpeg_stream) {
  const scene_result result = run_scene({"--scene", "video", "--streaming", "all", "--jpeg", "never"});
  const image_comparison comparison = compare(*result.reference, *result.picture);
  const int decoded = video_frames_decoded(result.client);
  BOOST_TEST_MESSAGE(comparison.describe(*result.reference) << "; " << decoded << " stream frames decoded");
  BOOST_TEST(decoded > 0, "no stream frame was decoded: the picture came from lossless draws only");
  BOOST_TEST(comparison.same_size, comparison.describe(*result.reference));
  BOOST_TEST(comparison.mismatched_pixels == 0u, comparison.describe(*result.reference));
  check_display_errors_empty(result.client);
}

BOOST_AUTO_TEST_CASE(photo_over_jpeg_is_close_to_the_reference) {
  const scene_result result = run_scene({"--scene", "photo", "--compression", "quic", "--jpeg", "always"});
  const image_comparison comparison = compare(*result.reference, *result.picture);
  BOOST_TEST_MESSAGE(comparison.describe(*result.reference));
  BOOST_TEST_REQUIRE(comparison.same_size, comparison.describe(*result.reference));
  BOOST_TEST(comparison.psnr_db > min_psnr_db, comparison.describe(*result.reference));
  BOOST_TEST(comparison.changed_psnr_db > min_psnr_db, comparison.describe(*result.reference));
  check_display_errors_empty(result.client);
}

// Freezes the server (SIGSTOP) while MJPEG frames are arriving (frames 20-99
// of the scene are streamed, 40 ms apart), lets what it sent arrive, and
// finds which of the scene's frames the client shows: it must be a streamed
// one (20 or later, lossy: finite PSNR), close to the scene's frame.
BOOST_AUTO_TEST_CASE(mjpeg_stream_frame_is_close_to_the_scene_frame) {
  const scene_result result = run_scene({"--scene", "video", "--streaming", "all", "--jpeg", "never"}, "video frame=30",
                                        [](scene_server& server, background_client&) { server.pause(); });
  const ppm_image& picture = *result.picture;
  const int left = (picture.width - 320) / 2, top = (picture.height - 240) / 2;
  const ppm_image shown = picture.crop(left, top, 320, 240);
  double best_psnr = 0;
  int best_frame = -1;
  for (int frame = 0; frame < 100; ++frame) {
    const auto expected_pixels = vigil::test_server::video_frame(320, 240, frame);
    ppm_image expected;
    expected.width = 320;
    expected.height = 240;
    for (std::uint32_t pixel : expected_pixels.pixels)
      expected.rgb.insert(expected.rgb.end(), {std::uint8_t(pixel >> 16), std::uint8_t(pixel >> 8), std::uint8_t(pixel)});
    const double value = psnr(expected, shown);
    if (value > best_psnr) {
      best_psnr = value;
      best_frame = frame;
    }
  }
  const int decoded = video_frames_decoded(result.client);
  BOOST_TEST_MESSAGE("the client shows video frame " << best_frame << " at PSNR " << best_psnr << " dB"
                                                     << (std::isinf(best_psnr) ? " (exact: a lossless frame)" : "")
                                                     << "; " << decoded << " stream frames decoded");
  BOOST_TEST(decoded > 0, "no stream frame was decoded");
  BOOST_TEST(best_frame >= 20, "frame " << best_frame << " was sent lossless, before the stream");
  BOOST_TEST(!std::isinf(best_psnr), "an exact frame: not what an MJPEG stream delivers");
  BOOST_TEST(best_psnr > min_psnr_db);
  check_display_errors_empty(result.client);
}

// The client advertises STREAM_REPORT, so spice-server activates reports on
// its MJPEG stream (every 5 frames or 1 s) and the client sends them: one
// "STREAM_REPORT" debug line each in the -v log.
BOOST_AUTO_TEST_CASE(video_stream_is_reported_to_the_server) {
  scene_server server({"--scene", "video", "--streaming", "all", "--jpeg", "never"});
  background_client client({"--headless", "-v", "--duration", "600", plain_uri(server.port())});
  BOOST_TEST_REQUIRE(client.wait_for_log("STREAM_REPORT", scene_limit, 2),
                     "fewer than 2 stream reports; server output:\n" << server.output() << "\nclient log:\n"
                                                                      << client.log());
  // The snapshot reports the display's video figures as of its last heartbeat.
  const auto has_video = [](const nlohmann::json& snapshot) {
    const nlohmann::json* display = snapshot_channel(snapshot, "display");
    return display && display->contains("video") && display->at("video").value("frames", 0) > 0;
  };
  const auto figures = client.wait_for_snapshot(has_video, scene_limit);
  BOOST_TEST_REQUIRE((figures && has_video(*figures)), "no video figures: " << client.log());
  const client_run run = client.stop();
  report(run);
  BOOST_TEST_REQUIRE(run.exit_code() == exit_codes::ok, run.context());
  const std::string& log = run.process.stderr_text;
  BOOST_TEST(log.find("reports activated") != std::string::npos, run.context());
  // A 320x240 MJPEG stream is decoded in the channel's handler, no decoder thread (actors/video_streams.hpp).
  BOOST_TEST(log.find("mjpeg 320x240, decoded on the display channel") != std::string::npos, run.context());
  std::size_t reports = 0;
  for (std::size_t at = log.find("STREAM_REPORT"); at != std::string::npos; at = log.find("STREAM_REPORT", at + 1))
    ++reports;
  BOOST_TEST_MESSAGE("the client sent " << reports << " stream reports; last: "
                                         << line_containing(log.substr(log.rfind("STREAM_REPORT")), "STREAM_REPORT"));
  BOOST_TEST(reports >= 2u, run.context());
  check_display_errors_empty(run);
  // The frames were timed against the server clock from main's INIT: their
  // delay (how early they came; ~400 ms on loopback, spice-server's headroom)
  // is what the reports carry.
  BOOST_TEST_REQUIRE(run.snapshot.has_value(), run.context());
  const nlohmann::json* display = run.channel("display");
  BOOST_TEST_REQUIRE((display && display->contains("video")), run.context());
  const auto& video = display->at("video");
  BOOST_TEST_MESSAGE("video frame timing: " << video.dump());
  BOOST_TEST(video.at("clock_synced").get<bool>());
  BOOST_TEST(video.at("frames").get<int>() > 0);
}

BOOST_AUTO_TEST_SUITE_END()
