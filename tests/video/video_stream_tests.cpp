// Video streams end to end: vigil-test-server's libspice-server encodes the
// video-loop scene with its own GStreamer encoders, one codec forced per test
// (spice_server_set_video_codecs); the client, stopped mid-stream, shows one
// of the scene's frames, found among all 100, at PSNR >= 30 dB. A proxy that
// corrupts frames mid-stream makes the decoder fail: the stream recovers and
// the session carries on. The display preferences reach the server. A
// guest streaming agent's H.265 stream is decoded on its own display channel.
// The codec probe (vigil --probe-video-codecs) names what Debian's libavcodec
// decodes.
#include <boost/test/unit_test.hpp>

#include <cmath>

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

// The display channel's first video stream in a snapshot, or null.
const nlohmann::json* first_stream(const nlohmann::json& snapshot) {
  const auto channels = snapshot.find("channels");
  if (channels == snapshot.end())
    return nullptr;
  for (const auto& channel : *channels)
    if (channel.value("channel", "") == "display" && channel.contains("video_streams") &&
        !channel.at("video_streams").empty())
      return &channel.at("video_streams").front();
  return nullptr;
}

struct stream_run {
  client_run client;
  std::optional<ppm_image> picture;
  int last_server_frame = -1;  // the last `video frame=N` the server printed before the client stopped
  const nlohmann::json* stream() const { return client.snapshot ? first_stream(*client.snapshot) : nullptr; }
};

int last_video_frame(const scene_server& server) {
  const auto lines = server.lines("video frame=");
  return lines.empty() ? -1 : std::stoi(lines.back().substr(std::string("video frame=").size()));
}

// How many frames `shown` (0..99) is behind the server's latest frame of the loop.
int frames_behind(int last_server_frame, int shown) { return ((last_server_frame - shown) % 100 + 100) % 100; }

// The video-loop scene with `server_options`; the client (through the proxy
// `proxy_for` makes for the server's port, if any) runs until `done(stream
// entry of its snapshot, server)` holds, then is stopped: its --dump-primary
// is the picture at that moment. Waits, never sleeps: a loaded machine only
// takes longer.
template <class Done, class ProxyMaker>
stream_run run_stream(const std::vector<std::string>& server_options, const std::vector<std::string>& client_options,
                      Done&& done, ProxyMaker&& proxy_for) {
  temp_directory directory("video-stream");
  std::vector<std::string> options{"--scene", "video-loop", "--streaming", "all", "--jpeg", "never"};
  options.insert(options.end(), server_options.begin(), server_options.end());
  scene_server server(options);
  auto proxy = proxy_for(server.port());
  const std::uint16_t port = proxy ? proxy->port() : server.port();
  const std::string dump = directory.file("client.ppm");
  std::vector<std::string> arguments{"--headless", "--dump-primary", dump};
  arguments.insert(arguments.end(), client_options.begin(), client_options.end());
  arguments.push_back(plain_uri(port));
  background_client client(arguments);
  // Any log line means main() has set its signal handlers: SIGUSR1 asks for a snapshot from then on.
  BOOST_TEST_REQUIRE(client.wait_for_log("connecting to", std::chrono::seconds(60)), client.log());
  const auto last = client.wait_for_snapshot(
    [&](const nlohmann::json& snapshot) {
      const nlohmann::json* stream = first_stream(snapshot);
      return stream && done(*stream, server);
    },
    std::chrono::seconds(120));
  stream_run out;
  out.last_server_frame = last_video_frame(server);
  out.client = client.finish(std::chrono::milliseconds(0));
  BOOST_TEST_MESSAGE("client: " << out.client.process.describe());
  if (const nlohmann::json* stream = out.stream())
    BOOST_TEST_MESSAGE("stream: " << stream->dump());
  const nlohmann::json* stream = last ? first_stream(*last) : nullptr;
  BOOST_TEST_REQUIRE((stream && done(*stream, server)),
                     "the stream never got there; last snapshot: " << (last ? last->dump() : "none")
                                                                   << out.client.context() << "\nserver:\n"
                                                                   << server.output());
  std::string error;
  out.picture = read_ppm(dump, error);
  BOOST_TEST_REQUIRE(out.picture.has_value(), error << out.client.context());
  return out;
}

template <class Done>
stream_run run_stream(const std::vector<std::string>& server_options, const std::vector<std::string>& client_options,
                      Done&& done) {
  return run_stream(server_options, client_options, std::forward<Done>(done),
                    [](std::uint16_t) { return std::shared_ptr<stream_corrupting_proxy>(); });
}

// Ended on request (SIGTERM), the session up, the display channel never
// restarted and without errors.
void check_session_unaffected(const client_run& run) {
  BOOST_TEST_REQUIRE(run.exit_code() == exit_codes::ok, run.context());
  check_snapshot_matches_exit(run);
  BOOST_TEST(run.snapshot->at("session").at("state").get<std::string>() == "up");
  for (const auto& name : {"main", "display"}) {
    const nlohmann::json* channel = run.channel(name);
    BOOST_TEST_REQUIRE(channel != nullptr, "channel " << name << " missing from the snapshot");
    BOOST_TEST(channel->at("state").get<std::string>() == "up", "channel " << name);
    BOOST_TEST(channel->at("restarts").get<int>() == 0, "channel " << name);
    BOOST_TEST(channel->at("errors").empty(), "channel " << name << " errors: " << channel->at("errors").dump());
  }
}

int presented(const nlohmann::json& stream) { return stream.at("presented").get<int>(); }

void check_codec_stream(const std::string& server_codec, const std::string& codec) {
  // A second of pictures.
  const stream_run run = run_stream({"--video-codecs", server_codec}, {},
                                    [](const nlohmann::json& stream, const scene_server&) { return presented(stream) >= 25; });
  check_session_unaffected(run.client);
  const nlohmann::json* stream = run.stream();
  BOOST_TEST_REQUIRE(stream != nullptr, "no video stream in the snapshot" << run.client.context());
  BOOST_TEST(stream->at("codec").get<std::string>() == codec);
  BOOST_TEST(stream->at("decode_errors").get<int>() == 0, stream->dump());
  const frame_match match = closest_scene_frame(*run.picture);
  BOOST_TEST_MESSAGE(codec << ": the client shows scene frame " << match.frame << " at " << match.psnr_db
                           << " dB; the server's last frame was " << run.last_server_frame);
  BOOST_TEST(match.psnr_db >= required_psnr_db);
  // A live picture, not one that froze: within 2 s of the server's frames.
  BOOST_TEST(frames_behind(run.last_server_frame, match.frame) <= 50);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(video_streams)

BOOST_AUTO_TEST_CASE(h264_stream_shows_the_scene_frames) { check_codec_stream("gstreamer:h264", "h264"); }
BOOST_AUTO_TEST_CASE(vp8_stream_shows_the_scene_frames) { check_codec_stream("gstreamer:vp8", "vp8"); }
BOOST_AUTO_TEST_CASE(vp9_stream_shows_the_scene_frames) { check_codec_stream("gstreamer:vp9", "vp9"); }

// A guest streaming agent (spice-streaming-agent's protocol, played by the
// test server's --stream-device) sends H.265 frames it encoded itself;
// spice-server forwards them on a display channel of its own (display:1)
// without encoding anything, which is the only way a client gets H.265 from
// spice-server 0.15.1. The client decodes them there, with the session's
// other channels untouched.
BOOST_AUTO_TEST_CASE(a_streaming_agents_h265_stream_is_decoded_on_its_own_display_channel) {
  scene_server server({"--scene", "solid", "--size", "640x480", "--step-ms", "66", "--stream-device", "h265",
                       "--stream-size", "320x240"});
  background_client client({"--headless", plain_uri(server.port())});
  BOOST_TEST_REQUIRE(client.wait_for_log("connecting to", 60s), client.log());
  const auto agent_stream = [](const nlohmann::json& snapshot) -> const nlohmann::json* {
    for (const auto& channel : snapshot.at("channels"))
      if (channel.value("channel", "") == "display" && channel.value("id", -1) == 1 &&
          channel.contains("video_streams") && !channel.at("video_streams").empty())
        return &channel.at("video_streams").front();
    return nullptr;
  };
  const auto last = client.wait_for_snapshot(
    [&](const nlohmann::json& snapshot) {
      const nlohmann::json* stream = agent_stream(snapshot);
      return stream && stream->at("decoded").get<int>() >= 25;
    },
    120s);
  const client_run run = client.finish(std::chrono::milliseconds(0));
  const nlohmann::json* stream = last ? agent_stream(*last) : nullptr;
  BOOST_TEST_REQUIRE(stream != nullptr, "no stream on display:1; last snapshot: "
                                          << (last ? last->dump() : "none") << run.context() << "\nserver:\n"
                                          << server.output());
  BOOST_TEST_MESSAGE("display:1 stream: " << stream->dump());
  BOOST_TEST(stream->at("codec").get<std::string>() == "h265");
  BOOST_TEST(stream->at("width").get<int>() == 320);
  BOOST_TEST(stream->at("height").get<int>() == 240);
  BOOST_TEST(stream->at("decode_errors").get<int>() == 0, stream->dump());
  BOOST_TEST(stream->at("decoded").get<int>() >= 25);
  BOOST_TEST(!server.wait_for_line("stream-device start", 1s).empty(), server.output());
  check_session_unaffected(run);
  const nlohmann::json* agent_display = run.channel("display", 1);
  BOOST_TEST_REQUIRE(agent_display != nullptr, run.context());
  BOOST_TEST(agent_display->at("restarts").get<int>() == 0);
  BOOST_TEST(agent_display->at("errors").empty(), agent_display->at("errors").dump());
}

// Five frames in a row arrive as garbage (the SPICE messages stay intact):
// libavcodec fails on each, the third failure in a row is the fault
// decoder_failed and the stream's decoder is replaced. The fresh decoder
// waits for a VP8 key frame, which may be seconds away; after three more
// frames without a picture the client gives the stream up and tells
// spice-server it cannot play it, and the server sends the area as lossless
// images: a second later the picture is exactly the server's. The channel and
// the session never notice.
BOOST_AUTO_TEST_CASE(corrupt_frames_restart_the_decoder_and_the_stream_recovers) {
  temp_directory directory("video-fault");
  const std::string config = write_config(directory, "[video]\ndecoder_error_limit = 3\n");
  std::shared_ptr<stream_corrupting_proxy> corrupter;
  int frames_at_fault = -1;
  const stream_run run = run_stream(
    {"--video-codecs", "gstreamer:vp8"}, {"--config", config},
    [&frames_at_fault](const nlohmann::json& stream, const scene_server& server) {
      if (stream.at("decoder_restarts").get<int>() == 0)
        return false;
      if (frames_at_fault < 0)
        frames_at_fault = last_video_frame(server);
      return last_video_frame(server) >= frames_at_fault + 25;  // one more second of the scene
    },
    [&corrupter](std::uint16_t upstream) {
      corrupter = std::make_shared<stream_corrupting_proxy>(upstream, 20, 24);
      return corrupter;
    });
  check_session_unaffected(run.client);
  BOOST_TEST(corrupter->stream_frames_corrupted() == 5u);
  const nlohmann::json* stream = run.stream();
  BOOST_TEST_REQUIRE(stream != nullptr, run.client.context());
  BOOST_TEST(stream->at("decode_errors").get<int>() >= 3, stream->dump());
  BOOST_TEST(stream->at("last_fault").get<std::string>().rfind("decoder_failed: ", 0) == 0, stream->dump());
  const std::string& log = run.client.process.stderr_text;
  BOOST_TEST(log.find("fault display:0 stream") != std::string::npos, run.client.context());
  BOOST_TEST(log.find("decoder_failed: 3 frames in a row did not decode") != std::string::npos, run.client.context());
  const frame_match match = closest_scene_frame(*run.picture);
  BOOST_TEST_MESSAGE("after the fault the client shows scene frame "
                     << match.frame << " at " << match.psnr_db << " dB; the server's last frame was "
                     << run.last_server_frame);
  BOOST_TEST(frames_behind(run.last_server_frame, match.frame) <= 50);
  if (stream->at("backend").get<std::string>() == "none (given up)")
    BOOST_TEST(std::isinf(match.psnr_db), "the area should come as lossless images now");
  else  // a key frame came first and the fresh decoder took over
    BOOST_TEST(match.psnr_db >= required_psnr_db);
}

// The server prefers H.264 (its list comes first); the client's
// --video-codecs vp9,h264 makes it switch the stream to VP9 once the
// preference arrives (after the first complete picture, not at DISPLAY_INIT).
BOOST_AUTO_TEST_CASE(codec_preference_makes_the_server_switch_codec) {
  const stream_run run = run_stream(
    {"--video-codecs", "gstreamer:h264;gstreamer:vp9"}, {"--video-codecs", "vp9,h264", "-v"},
    [](const nlohmann::json& stream, const scene_server&) {
      return stream.at("codec").get<std::string>() == "vp9" && presented(stream) >= 5;
    });
  check_session_unaffected(run.client);
  BOOST_TEST(run.client.process.stderr_text.find("preferred video codecs sent: vp9,h264") != std::string::npos,
             run.client.context());
}

BOOST_AUTO_TEST_SUITE_END()

// What the display channel offers beyond MJPEG comes from this probe, run in
// a child process at start (ui/video_codec_probe.hpp). Debian's libavcodec
// decodes all four natively.
BOOST_AUTO_TEST_CASE(the_codec_probe_names_the_codecs_the_installed_libavcodec_decodes) {
  const client_run run = run_vigil({"--probe-video-codecs"}, 30s);
  BOOST_TEST_CONTEXT(run.context()) {
    BOOST_TEST(run.exit_code() == 0);
    BOOST_TEST(run.process.stdout_text == "codec vp8\ncodec h264\ncodec vp9\ncodec h265\nend\n");
  }
}
