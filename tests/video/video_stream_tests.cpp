// Video streams end to end: vigil-test-server's libspice-server encodes the
// video-loop scene with its own GStreamer encoders, one codec forced per test
// (spice_server_set_video_codecs); the client, stopped mid-stream, shows one
// of the scene's frames, found among all 100, at PSNR >= 30 dB. A proxy that
// corrupts frames mid-stream makes the decoder fail: the stream recovers and
// the session carries on. The display preferences reach the server.
#include <boost/test/unit_test.hpp>

#include <fstream>

#include "client_run.hpp"
#include "content.hpp"
#include "ppm_image.hpp"
#include "scene_server.hpp"
#include "stream_corrupting_proxy.hpp"
#include "temp_directory.hpp"

using namespace vigil::test_support;
using vigil::video_test::stream_corrupting_proxy;
using namespace std::chrono_literals;

namespace {

constexpr double required_psnr_db = 30.0;

struct frame_match {
  int frame = -1;
  double psnr_db = 0;
};

// The scene frame (0..99) the client's 320x240 stream area is closest to.
frame_match closest_scene_frame(const ppm_image& screen) {
  const ppm_image shown = screen.crop((screen.width - 320) / 2, (screen.height - 240) / 2, 320, 240);
  frame_match best;
  for (int frame = 0; frame < 100; ++frame) {
    const auto pixels = vigil::test_server::video_frame(320, 240, frame).pixels;
    ppm_image expected;
    expected.width = 320;
    expected.height = 240;
    for (std::uint32_t pixel : pixels)
      expected.rgb.insert(expected.rgb.end(), {std::uint8_t(pixel >> 16), std::uint8_t(pixel >> 8), std::uint8_t(pixel)});
    const double value = psnr(expected, shown);
    if (value > best.psnr_db)
      best = frame_match{frame, value};
  }
  return best;
}

// The display channel's first video stream in the snapshot, or null.
const nlohmann::json* first_stream(const client_run& run) {
  if (!run.snapshot)
    return nullptr;
  const nlohmann::json* display = run.channel("display");
  if (!display || !display->contains("video_streams") || display->at("video_streams").empty())
    return nullptr;
  return &display->at("video_streams").front();
}

struct stream_run {
  client_run client;
  std::optional<ppm_image> picture;
  int last_server_frame = -1;  // the last `video frame=N` the server printed
};

int last_video_frame(const std::string& output) {
  const std::string marker = "video frame=";
  const auto at = output.rfind(marker);
  return at == std::string::npos ? -1 : std::stoi(output.substr(at + marker.size()));
}

// How many frames `shown` (0..99) is behind the server's latest frame of the loop.
int frames_behind(int last_server_frame, int shown) { return ((last_server_frame - shown) % 100 + 100) % 100; }

// The video-loop scene with `server_options`, the client (via `port_of` the
// server port: a proxy may stand between) for `duration_s` with `client_options`.
template <class ProxyMaker>
stream_run run_stream(const std::vector<std::string>& server_options, const std::vector<std::string>& client_options,
                      int duration_s, ProxyMaker&& proxy_for) {
  temp_directory directory("video-stream");
  std::vector<std::string> options{"--scene", "video-loop", "--streaming", "all", "--jpeg", "never"};
  options.insert(options.end(), server_options.begin(), server_options.end());
  scene_server server(options);
  auto proxy = proxy_for(server.port());
  const std::uint16_t port = proxy ? proxy->port() : server.port();
  const std::string dump = directory.file("client.ppm");
  std::vector<std::string> arguments{"--headless", "--duration", std::to_string(duration_s), "--dump-primary", dump};
  arguments.insert(arguments.end(), client_options.begin(), client_options.end());
  arguments.push_back(plain_uri(port));
  stream_run out;
  out.client = run_vigil(arguments, std::chrono::seconds(duration_s + 30));
  BOOST_TEST_MESSAGE("client: " << out.client.process.describe());
  if (const nlohmann::json* stream = first_stream(out.client))
    BOOST_TEST_MESSAGE("stream: " << stream->dump());
  std::string error;
  out.picture = read_ppm(dump, error);
  BOOST_TEST_REQUIRE(out.picture.has_value(), error << out.client.context() << "\nserver:\n" << server.output());
  out.last_server_frame = last_video_frame(server.output());
  return out;
}

stream_run run_stream(const std::vector<std::string>& server_options, const std::vector<std::string>& client_options,
                      int duration_s) {
  return run_stream(server_options, client_options, duration_s,
                    [](std::uint16_t) { return std::shared_ptr<stream_corrupting_proxy>(); });
}

void check_codec_stream(const std::string& server_codec, const std::string& codec) {
  const stream_run run = run_stream({"--video-codecs", server_codec}, {}, 5);
  check_session_stayed_up(run.client, 5, {"main", "display"});
  const nlohmann::json* stream = first_stream(run.client);
  BOOST_TEST_REQUIRE(stream != nullptr, "no video stream in the snapshot" << run.client.context());
  BOOST_TEST(stream->at("codec").get<std::string>() == codec);
  BOOST_TEST(stream->at("presented").get<int>() >= 10, stream->dump());
  BOOST_TEST(stream->at("decode_errors").get<int>() == 0, stream->dump());
  const frame_match match = closest_scene_frame(*run.picture);
  BOOST_TEST_MESSAGE(codec << ": the client shows scene frame " << match.frame << " at " << match.psnr_db
                           << " dB; the server's last frame was " << run.last_server_frame);
  BOOST_TEST(match.psnr_db >= required_psnr_db);
  // Not a picture that froze long ago: within 1 s (plus spice-server's 400 ms headroom) of the server.
  BOOST_TEST(frames_behind(run.last_server_frame, match.frame) <= 35);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(video_streams)

BOOST_AUTO_TEST_CASE(h264_stream_shows_the_scene_frames) { check_codec_stream("gstreamer:h264", "h264"); }
BOOST_AUTO_TEST_CASE(vp8_stream_shows_the_scene_frames) { check_codec_stream("gstreamer:vp8", "vp8"); }
BOOST_AUTO_TEST_CASE(vp9_stream_shows_the_scene_frames) { check_codec_stream("gstreamer:vp9", "vp9"); }

// Five frames in a row arrive as garbage (the SPICE messages stay intact):
// libavcodec fails on each, the third failure in a row is the fault
// decoder_failed and the stream's decoder is replaced. The fresh decoder
// waits for a VP8 key frame (vp8enc sends one every 128 frames, ~5 s); after
// three more frames without a picture the client gives the stream up, tells
// spice-server it cannot play it, and the server sends the area as images:
// the picture is right again within a second. The channel and the session
// never notice.
BOOST_AUTO_TEST_CASE(corrupt_frames_restart_the_decoder_and_the_stream_recovers) {
  temp_directory directory("video-fault");
  const std::string config = write_config(directory, "[video]\ndecoder_error_limit = 3\n");
  std::shared_ptr<stream_corrupting_proxy> corrupter;
  const stream_run run = run_stream({"--video-codecs", "gstreamer:vp8"}, {"--config", config}, 8,
                                    [&corrupter](std::uint16_t upstream) {
                                      corrupter = std::make_shared<stream_corrupting_proxy>(upstream, 20, 24);
                                      return corrupter;
                                    });
  check_session_stayed_up(run.client, 8, {"main", "display", "inputs", "cursor"});
  const nlohmann::json* display = run.client.channel("display");
  BOOST_TEST_REQUIRE(display != nullptr);
  BOOST_TEST(display->at("restarts").get<int>() == 0);
  const nlohmann::json* stream = first_stream(run.client);
  BOOST_TEST_REQUIRE(stream != nullptr, run.client.context());
  BOOST_TEST(corrupter->stream_frames_corrupted() == 5u);
  BOOST_TEST(stream->at("decode_errors").get<int>() >= 3, stream->dump());
  BOOST_TEST(stream->at("decoder_restarts").get<int>() >= 1, stream->dump());
  BOOST_TEST(stream->at("last_fault").get<std::string>().rfind("decoder_failed: ", 0) == 0, stream->dump());
  const std::string& log = run.client.process.stderr_text;
  BOOST_TEST(log.find("fault display:0 stream") != std::string::npos, run.client.context());
  BOOST_TEST(log.find("decoder_failed: 3 frames in a row did not decode") != std::string::npos, run.client.context());
  const frame_match match = closest_scene_frame(*run.picture);
  BOOST_TEST_MESSAGE("after the fault the client shows scene frame "
                     << match.frame << " at " << match.psnr_db << " dB; the server's last frame was "
                     << run.last_server_frame);
  BOOST_TEST(match.psnr_db >= required_psnr_db);
  BOOST_TEST(frames_behind(run.last_server_frame, match.frame) <= 35);
}

// The server prefers H.264 (its list comes first); the client's
// --video-codecs vp9,h264 makes it switch the stream to VP9 once the
// preference arrives (after the first complete picture, not at DISPLAY_INIT).
BOOST_AUTO_TEST_CASE(codec_preference_makes_the_server_switch_codec) {
  const stream_run run = run_stream({"--video-codecs", "gstreamer:h264;gstreamer:vp9"},
                                    {"--video-codecs", "vp9,h264", "-v"}, 6);
  check_session_stayed_up(run.client, 6, {"main", "display"});
  BOOST_TEST(run.client.process.stderr_text.find("preferred video codecs sent: vp9,h264") != std::string::npos,
             run.client.context());
  const nlohmann::json* stream = first_stream(run.client);
  BOOST_TEST_REQUIRE(stream != nullptr, run.client.context());
  BOOST_TEST(stream->at("codec").get<std::string>() == "vp9", stream->dump());
}

BOOST_AUTO_TEST_SUITE_END()
