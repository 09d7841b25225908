// vigil-test-server: Debian's libspice-server behind a scripted QXL device, so
// tests know exactly what a SPICE client must show. See README.md for the
// options and the stdout line protocol.
#include <spice.h>
#include <spice/enums.h>
#include <sys/stat.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

#include "agent_device.hpp"
#include "stream_device.hpp"
#include "webdav_port.hpp"
#include "agent_test_text.hpp"
#include "event_loop.hpp"
#include "input_devices.hpp"
#include "playback_tone.hpp"
#include "qxl_display.hpp"
#include "record_listener.hpp"
#include "scene_player.hpp"
#include "scenes.hpp"
#include "stdout_lines.hpp"

namespace {

using namespace vigil::test_server;

constexpr int exit_usage = 64;
constexpr int exit_failure = 1;

struct options {
  int port = 0;
  int tls_port = 0;
  std::string addr = "127.0.0.1";
  std::string x509_dir;
  std::optional<std::string> password;
  std::string scene = "demo";
  int width = 1024;
  int height = 768;
  SpiceImageCompression compression = SPICE_IMAGE_COMPRESSION_AUTO_GLZ;
  spice_wan_compression_t jpeg = SPICE_WAN_COMPRESSION_AUTO;
  spice_wan_compression_t zlib_glz = SPICE_WAN_COMPRESSION_AUTO;
  int streaming = SPICE_STREAM_VIDEO_FILTER;
  std::string reference_dir;
  int step_ms = 250;
  agent_options agent;
  std::string video_codecs;  // spice_server_set_video_codecs; "": spice-server's default
  std::string webdav_socket;  // set: a webdav port whose guest side is this Unix socket
  stream_device_options stream;  // --stream-device: a streaming agent's pre-encoded frames
  record_options record;
  int tone_hz = 0;  // 0: no playback channel
  int tone_volume = -1;
  int tone_mute = 0;
  bool tablet = true;       // --mouse client (default): client mouse mode is offered
  bool timestamps = false;  // --timestamps on: input lines say when they arrived
};

void print_usage(std::FILE* to) {
  std::fprintf(to,
               "usage: vigil-test-server --port P [--addr 127.0.0.1] [--tls-port T --x509-dir DIR]\n"
               "         [--password PW] [--scene NAME] [--size WxH] [--compression MODE] [--jpeg MODE]\n"
               "         [--zlib-glz MODE] [--streaming MODE] [--reference-dir DIR] [--step-ms N]\n"
               "         [--agent on|off] [--agent-clipboard TEXT] [--agent-clipboard-bytes N] [--agent-clipboard-file F]\n"
               "         [--agent-clipboard-type N] [--agent-selection S] [--agent-lineend E] [--agent-file-xfer R]\n"
               "         [--playback-tone HZ [--playback-volume V] [--playback-mute 0|1]]\n"
               "         [--mouse client|server] [--timestamps on|off]\n"
               "         [--video-codecs LIST] [--webdav-socket PATH] [--stream-device CODEC [--stream-size WxH]]\n"
               "         [--record on [--record-stop-after S] [--record-volume V] [--record-mute 0|1]]\n"
               "  --scene        %s (default demo)\n"
               "  --size         primary surface, default 1024x768 (640x480 .. 4096x4096)\n"
               "  --compression  off|auto_glz|auto_lz|quic|glz|lz|lz4 (default auto_glz)\n"
               "  --jpeg         auto|never|always (default auto)\n"
               "  --zlib-glz     auto|never|always (default auto)\n"
               "  --streaming    off|all|filter (default filter)\n"
               "  --reference-dir DIR  write DIR/step-NNN.ppm after each step and DIR/final.ppm\n"
               "  --step-ms N    pause between the steps of the static scenes (default 250)\n"
               "  --agent on     an emulated vdagent (clipboard, monitors config)\n"
               "  --agent-clipboard TEXT   the guest grabs its clipboard with TEXT (implies --agent on)\n"
               "  --agent-clipboard-bytes N   ... with N bytes of numbered lines instead\n"
               "  --agent-clipboard-file F    ... with the bytes of file F instead\n"
               "  --agent-clipboard-type N    ... of vdagent clipboard type N (1 text, 2 PNG, 3 BMP)\n"
               "  --agent-selection clipboard|primary   ... in that selection\n"
               "  --agent-lineend lf|crlf     the agent announces the guest's line ends\n"
               "  --agent-file-xfer accept|error|no-space|locked|disabled|stall   how files are answered\n"
               "  --playback-tone HZ  a playback channel playing a HZ sine (48 kHz stereo)\n"
               "  --playback-volume V  PLAYBACK_VOLUME 0..65535 for both channels (default: none sent)\n"
               "  --playback-mute 0|1  PLAYBACK_MUTE state (default 0)\n"
               "  --mouse server  no tablet: the session stays in server mouse mode (cursor moves are sent)\n"
               "  --timestamps on  input lines end with t=SECONDS (CLOCK_MONOTONIC)\n"
               "  --video-codecs LIST  spice_server_set_video_codecs, e.g. gstreamer:h264 (encoders the\n"
               "                 server may use for streams, in order; default: spice-server's)\n"
               "  --webdav-socket PATH  a webdav channel; the test plays spice-webdavd on this Unix socket\n"
               "  --stream-device vp8|h264|vp9|h265  a streaming agent (display channel 1): the known\n"
               "                 scene encoded once by libavcodec, one frame every --step-ms\n"
               "  --stream-size WxH  its frames' size, 16x16 .. 4096x4096 (default 1920x1080)\n"
               "  --record on    a record channel that records once a client's channel is there\n"
               "                 and prints the received audio's frequency every second\n"
               "  --record-stop-after S  RECORD_STOP after S seconds of audio\n"
               "  --record-volume V   RECORD_VOLUME 1..65535 for both channels (default: none sent)\n"
               "  --record-mute 0|1   RECORD_MUTE (default 0)\n"
               "The x509 directory holds ca-cert.pem, server-cert.pem and server-key.pem.\n",
               scene_names());
}

template <typename Value>
bool lookup(const std::map<std::string, Value>& table, const std::string& key, Value& out) {
  const auto found = table.find(key);
  if (found == table.end())
    return false;
  out = found->second;
  return true;
}

bool parse_int(const std::string& text, int low, int high, int& out) {
  char* end = nullptr;
  errno = 0;
  const long value = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno != 0 || value < low || value > high)
    return false;
  out = static_cast<int>(value);
  return true;
}

bool parse_size(const std::string& text, int& width, int& height, int min_width = 640, int min_height = 480) {
  const auto x = text.find('x');
  return x != std::string::npos && parse_int(text.substr(0, x), min_width, 4096, width) &&
         parse_int(text.substr(x + 1), min_height, 4096, height);
}

// Returns an error message, or nothing when `opts` is complete and valid.
std::optional<std::string> parse_options(int argc, char** argv, options& opts) {
  const std::map<std::string, SpiceImageCompression> compressions = {
    {"off", SPICE_IMAGE_COMPRESSION_OFF}, {"auto_glz", SPICE_IMAGE_COMPRESSION_AUTO_GLZ},
    {"auto_lz", SPICE_IMAGE_COMPRESSION_AUTO_LZ}, {"quic", SPICE_IMAGE_COMPRESSION_QUIC},
    {"glz", SPICE_IMAGE_COMPRESSION_GLZ}, {"lz", SPICE_IMAGE_COMPRESSION_LZ}, {"lz4", SPICE_IMAGE_COMPRESSION_LZ4}};
  const std::map<std::string, spice_wan_compression_t> wan_modes = {
    {"auto", SPICE_WAN_COMPRESSION_AUTO}, {"never", SPICE_WAN_COMPRESSION_NEVER},
    {"always", SPICE_WAN_COMPRESSION_ALWAYS}};
  const std::map<std::string, int> streaming_modes = {
    {"off", SPICE_STREAM_VIDEO_OFF}, {"all", SPICE_STREAM_VIDEO_ALL}, {"filter", SPICE_STREAM_VIDEO_FILTER}};

  for (int i = 1; i < argc; ++i) {
    const std::string name = argv[i];
    if (i + 1 >= argc)
      return "option " + name + " needs a value";
    const std::string value = argv[++i];
    bool ok = true;
    if (name == "--port")
      ok = parse_int(value, 1, 65535, opts.port);
    else if (name == "--tls-port")
      ok = parse_int(value, 1, 65535, opts.tls_port);
    else if (name == "--addr")
      opts.addr = value;
    else if (name == "--x509-dir")
      opts.x509_dir = value;
    else if (name == "--password")
      opts.password = value;
    else if (name == "--scene")
      opts.scene = value;
    else if (name == "--size")
      ok = parse_size(value, opts.width, opts.height);
    else if (name == "--compression")
      ok = lookup(compressions, value, opts.compression);
    else if (name == "--jpeg")
      ok = lookup(wan_modes, value, opts.jpeg);
    else if (name == "--zlib-glz")
      ok = lookup(wan_modes, value, opts.zlib_glz);
    else if (name == "--streaming")
      ok = lookup(streaming_modes, value, opts.streaming);
    else if (name == "--reference-dir")
      opts.reference_dir = value;
    else if (name == "--step-ms")
      ok = parse_int(value, 1, 60000, opts.step_ms);
    else if (name == "--record") {
      ok = value == "on" || value == "off";
      opts.record.enabled = value == "on";
    } else if (name == "--record-stop-after")
      ok = parse_int(value, 1, 3600, opts.record.stop_after_s);
    else if (name == "--record-volume") {
      int volume = 0;
      ok = parse_int(value, 1, 65535, volume);
      opts.record.volume = static_cast<std::uint16_t>(volume);
    } else if (name == "--record-mute") {
      int mute = 0;
      ok = parse_int(value, 0, 1, mute);
      opts.record.mute = mute != 0;
    } else if (name == "--video-codecs") {
      ok = !value.empty();
      opts.video_codecs = value;
    } else if (name == "--playback-tone")
      ok = parse_int(value, 20, 20000, opts.tone_hz);
    else if (name == "--playback-volume")
      ok = parse_int(value, 0, 65535, opts.tone_volume);
    else if (name == "--webdav-socket")
      opts.webdav_socket = value;
    else if (name == "--stream-device") {
      const std::map<std::string, std::uint8_t> codecs = {{"vp8", SPICE_VIDEO_CODEC_TYPE_VP8},
                                                          {"h264", SPICE_VIDEO_CODEC_TYPE_H264},
                                                          {"vp9", SPICE_VIDEO_CODEC_TYPE_VP9},
                                                          {"h265", SPICE_VIDEO_CODEC_TYPE_H265}};
      ok = lookup(codecs, value, opts.stream.codec);
    } else if (name == "--stream-size")
      ok = parse_size(value, opts.stream.width, opts.stream.height, 16, 16);
    else if (name == "--playback-mute")
      ok = parse_int(value, 0, 1, opts.tone_mute);
    else if (name == "--mouse") {
      ok = value == "client" || value == "server";
      opts.tablet = value == "client";
    } else if (name == "--timestamps") {
      ok = value == "on" || value == "off";
      opts.timestamps = value == "on";
    } else if (name == "--agent") {
      ok = value == "on" || value == "off";
      opts.agent.enabled = value == "on";
    } else if (name == "--agent-clipboard") {
      ok = !value.empty();
      opts.agent.clipboard_text = value;
      opts.agent.enabled = true;
    } else if (name == "--agent-clipboard-file") {
      // The guest's clipboard holds this file's bytes (an image with --agent-clipboard-type).
      std::ifstream in(value, std::ios::binary);
      opts.agent.clipboard_text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      ok = in.good() || in.eof();
      opts.agent.enabled = true;
    } else if (name == "--agent-clipboard-type") {
      int type = 0;
      ok = parse_int(value, 1, 6, type);
      opts.agent.clipboard_type = static_cast<std::uint32_t>(type);
    } else if (name == "--agent-selection") {
      ok = value == "clipboard" || value == "primary";
      opts.agent.selection = value == "primary" ? 1 : 0;
    } else if (name == "--agent-lineend") {
      ok = value == "lf" || value == "crlf";
      opts.agent.lineend_crlf = value == "crlf";
    } else if (name == "--agent-file-xfer") {
      static const std::pair<const char*, std::uint32_t> results[] = {
        {"accept", 0}, {"error", 2}, {"no-space", 4}, {"locked", 5}, {"disabled", 7}, {"stall", 0}};
      ok = false;
      for (const auto& [word, result] : results)
        if (value == word) {
          ok = true;
          opts.agent.file_xfer_result = result;
        }
      opts.agent.file_xfer_stall = value == "stall";
      opts.agent.enabled = true;
    } else if (name == "--agent-clipboard-bytes") {
      int count = 0;
      ok = parse_int(value, 1, 1 << 20, count);
      opts.agent.clipboard_text = vigil::test_support::numbered_text(static_cast<std::size_t>(count));
      opts.agent.enabled = ok;
    } else
      return "unknown option " + name;
    if (!ok)
      return "bad value '" + value + "' for " + name;
  }
  if (opts.port == 0 && opts.tls_port == 0)
    return "give --port or --tls-port";
  if (opts.tls_port != 0 && opts.x509_dir.empty())
    return "--tls-port needs --x509-dir";
  if (!opts.record.enabled && (opts.record.stop_after_s != 0 || opts.record.volume != 0 || opts.record.mute))
    return "--record-stop-after, --record-volume and --record-mute need --record on";
  if (opts.tone_hz == 0 && (opts.tone_volume >= 0 || opts.tone_mute != 0))
    return "--playback-volume and --playback-mute need --playback-tone";
  if (!make_scene(opts.scene, std::chrono::milliseconds(opts.step_ms)))
    return "unknown scene '" + opts.scene + "'";
  if (!opts.reference_dir.empty() && ::mkdir(opts.reference_dir.c_str(), 0755) != 0 && errno != EEXIST)
    return "cannot create --reference-dir " + opts.reference_dir + ": " + std::strerror(errno);
  return std::nullopt;
}

void configure(SpiceServer* server, const options& opts) {
  if (opts.port != 0)
    spice_server_set_port(server, opts.port);
  spice_server_set_addr(server, opts.addr.c_str(), 0);
  if (opts.tls_port != 0) {
    const std::string ca = opts.x509_dir + "/ca-cert.pem";
    const std::string cert = opts.x509_dir + "/server-cert.pem";
    const std::string key = opts.x509_dir + "/server-key.pem";
    spice_server_set_tls(server, opts.tls_port, ca.c_str(), cert.c_str(), key.c_str(), nullptr, nullptr, nullptr);
  }
  if (opts.password)
    spice_server_set_ticket(server, opts.password->c_str(), 0, 0, 0);
  else
    spice_server_set_noauth(server);
  spice_server_set_image_compression(server, opts.compression);
  spice_server_set_jpeg_compression(server, opts.jpeg);
  spice_server_set_zlib_glz_compression(server, opts.zlib_glz);
  spice_server_set_streaming_video(server, opts.streaming);
  // Returns 0 even for an encoder whose GStreamer plugin is missing
  // (test-targets.md): a stream then falls back to the next codec or none.
  if (!opts.video_codecs.empty() && spice_server_set_video_codecs(server, opts.video_codecs.c_str()) != 0)
    throw std::runtime_error("spice_server_set_video_codecs refused '" + opts.video_codecs + "'");
  spice_server_set_name(server, "vigil-test-server");
  static const uint8_t uuid[16] = {0x76, 0x69, 0x67, 0x69, 0x6c, 0x2d, 0x74, 0x65,
                                   0x73, 0x74, 0x2d, 0x73, 0x72, 0x76, 0x00, 0x01};
  spice_server_set_uuid(server, uuid);
}

// spice_server_destroy before the devices it uses go away.
struct server_owner {
  SpiceServer* server;
  ~server_owner() { spice_server_destroy(server); }
};

int run(const options& opts) {
  event_loop loop;  // first: blocks SIGTERM/SIGINT before spice-server starts threads
  SpiceServer* server = spice_server_new();
  qxl_display display(server, opts.width, opts.height);
  std::optional<qxl_display> second_display;  // display channel 1, for the scenes with two
  if (scene_needs_two_displays(opts.scene))
    second_display.emplace(server, opts.width, opts.height, 1);
  input_devices inputs(loop, opts.timestamps);
  agent_device agent(loop, display, opts.agent);
  tone_options tone;
  tone.frequency_hz = opts.tone_hz;
  if (opts.tone_volume >= 0)
    tone.volume = static_cast<std::uint16_t>(opts.tone_volume);
  tone.mute = opts.tone_mute != 0;
  tone.clicks_only = opts.scene == "av-sync";
  std::optional<playback_tone> playback;
  if (opts.tone_hz != 0)
    playback.emplace(loop, tone);
  std::optional<webdav_port> webdav;
  if (!opts.webdav_socket.empty())
    webdav.emplace(loop, opts.webdav_socket);
  std::optional<stream_device> streaming_agent;
  if (opts.stream.codec != 0) {
    stream_device_options stream = opts.stream;
    stream.step_ms = opts.step_ms;
    streaming_agent.emplace(loop, stream);
  }
  std::optional<record_listener> record;
  if (opts.record.enabled)
    record.emplace(loop, opts.record);
  server_owner owner{server};
  configure(server, opts);
  if (spice_server_init(server, loop.spice_core()) != 0) {
    std::fprintf(stderr,
                 "vigil-test-server: spice_server_init failed for %s port %d tls-port %d "
                 "(port in use, or unusable certificates in --x509-dir; spice-server's warning is above)\n",
                 opts.addr.c_str(), opts.port, opts.tls_port);
    return exit_failure;
  }
  display.attach();
  if (second_display)
    second_display->attach();
  inputs.attach(server, opts.tablet);
  if (opts.agent.enabled)
    agent.attach(server);
  if (playback)
    playback->attach(server);
  if (webdav)
    webdav->attach(server);
  if (streaming_agent)
    streaming_agent->attach(server);
  if (record)
    record->attach(server);
  auto played = opts.scene == "av-sync" ? make_av_sync_scene([&playback] {
    if (playback)
      playback->click();
  })
                                         : make_scene(opts.scene, std::chrono::milliseconds(opts.step_ms),
                                                      second_display ? &*second_display : nullptr);
  scene_player player(loop, display, opts.scene, std::move(played), opts.reference_dir);
  loop.on_channel_event = [&player, &record](int event, const SpiceChannelEventInfo& info) {
    player.on_channel_event(event, info);
    if (record)
      record->on_channel_event(event, info);
  };
  print_line("listening port=%d tls-port=%d", opts.port, opts.tls_port);
  const int stop_signal = loop.run();
  print_line("exiting signal=%s", stop_signal == SIGINT ? "INT" : "TERM");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0)) {
    print_usage(stdout);
    return 0;
  }
  options opts;
  if (const auto problem = parse_options(argc, argv, opts)) {
    std::fprintf(stderr, "vigil-test-server: %s\n", problem->c_str());
    print_usage(stderr);
    return exit_usage;
  }
  try {
    return run(opts);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "vigil-test-server: %s\n", error.what());
    return exit_failure;
  }
}
