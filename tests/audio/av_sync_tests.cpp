// A/V sync end to end: vigil --headless against vigil-test-server's av-sync
// scene, which every 2 s draws a white marker frame into a video stream and
// puts a click on the playback channel in the same moment (so spice-server
// stamps both with the same mm_time; it prints `av marker mm_time=T`). The
// client's --debug-media-trace gives when it presented each stream picture
// and when each loud stretch of audio was heard (local monotonic time); for
// every marker the two presentations must be within 40 ms (headless: the
// sink's own clock). In the window, playing into a PulseAudio null sink, the
// heard time rests on the output latency OpenAL measures.
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "check_contains.hpp"
#include "client_run.hpp"
#include "pulse_daemon.hpp"
#include "scene_server.hpp"
#include "temp_directory.hpp"
#include "waiting.hpp"
#include "x_display.hpp"

using namespace vigil::test_support;
using namespace std::chrono_literals;

namespace {

constexpr std::int64_t max_skew_us = 40000;
constexpr std::size_t markers_wanted = 3;

struct trace_line {
  std::string kind;  // video | audio
  std::int64_t local_us = 0;
  std::int64_t mm_time = 0;
  int luma = -1;
};

std::int64_t field(const std::string& line, const std::string& name) {
  const auto at = line.find(" " + name + "=");
  return at == std::string::npos ? -1 : std::atoll(line.c_str() + at + name.size() + 2);
}

std::vector<trace_line> read_trace(const std::string& path) {
  std::vector<trace_line> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    trace_line entry;
    entry.kind = line.substr(0, line.find(' '));
    entry.local_us = field(line, "local_us");
    entry.mm_time = field(line, "mm_time");
    entry.luma = static_cast<int>(field(line, "luma"));
    out.push_back(entry);
  }
  return out;
}

struct marker_pair {
  std::int64_t mm_time = 0;
  std::int64_t video_us = 0;
  std::int64_t audio_us = 0;
};

// Each server marker whose white frame and click both appear in the trace
// (the stamps of the frame and the click are within a few ms of the marker's).
std::vector<marker_pair> matched_markers(const scene_server& server, const std::string& trace_path) {
  const auto trace = read_trace(trace_path);
  std::vector<marker_pair> pairs;
  for (const auto& line : server.lines("av marker")) {
    const std::int64_t marker = field(line, "mm_time");
    marker_pair pair{marker, -1, -1};
    for (const auto& entry : trace) {
      if (std::llabs(entry.mm_time - marker) > 30)
        continue;
      if (entry.kind == "video" && entry.luma > 200 && pair.video_us < 0)
        pair.video_us = entry.local_us;
      if (entry.kind == "audio" && pair.audio_us < 0)
        pair.audio_us = entry.local_us;
    }
    if (pair.video_us >= 0 && pair.audio_us >= 0)
      pairs.push_back(pair);
  }
  return pairs;
}

// Waits until `markers_wanted` markers were seen both as a frame and a click
// (or the client ended); fails the test with what was seen otherwise.
std::vector<marker_pair> wait_for_markers(const scene_server& server, background_client& client,
                                          const std::string& trace) {
  std::vector<marker_pair> pairs;
  const bool enough = wait_until(
    [&] {
      pairs = matched_markers(server, trace);
      return pairs.size() >= markers_wanted || !client.is_running();
    },
    90s, 250ms);
  BOOST_TEST_REQUIRE((enough && pairs.size() >= markers_wanted),
                     pairs.size() << " of " << markers_wanted << " markers seen both as a frame and a click; server "
                                  << server.lines("av marker").size() << " markers\n"
                                  << client.log());
  return pairs;
}

void check_skews(const std::vector<marker_pair>& pairs) {
  for (const auto& pair : pairs) {
    const std::int64_t skew = pair.video_us - pair.audio_us;
    BOOST_TEST_MESSAGE("marker mm_time " << pair.mm_time << ": frame presented " << skew / 1000.0
                                         << " ms after the click was heard");
    BOOST_TEST(std::llabs(skew) <= max_skew_us, "marker mm_time " << pair.mm_time << ": skew " << skew << " us");
  }
}

// PulseAudio's view of the client's stream: "Buffer Latency" plus "Sink
// Latency" of `pactl list sink-inputs` (microseconds), or -1.
std::int64_t pulse_stream_latency_us(const std::string& sink_inputs) {
  auto usec = [&](const std::string& name) -> std::int64_t {
    const auto at = sink_inputs.find(name + ": ");
    return at == std::string::npos ? -1 : std::atoll(sink_inputs.c_str() + at + name.size() + 2);
  };
  const std::int64_t buffer = usec("Buffer Latency"), sink = usec("Sink Latency");
  return buffer < 0 || sink < 0 ? -1 : buffer + sink;
}

}  // namespace

BOOST_AUTO_TEST_CASE(marker_frame_and_click_at_one_mm_time_are_presented_within_40_ms,
                     *boost::unit_test::label("server") * boost::unit_test::label("video")) {
  temp_directory directory("av-sync");
  const std::string trace = directory.file("media.trace");
  scene_server server({"--scene", "av-sync", "--playback-tone", "1000"});
  background_client client({"--headless", "--debug-media-trace", trace, plain_uri(server.port())});
  const auto pairs = wait_for_markers(server, client, trace);
  const client_run run = client.stop();
  check_skews(pairs);
  // The snapshot says how: video followed the audio clock, and its skew is there.
  BOOST_TEST_REQUIRE(run.snapshot.has_value(), run.context());
  const nlohmann::json* display = run.channel("display");
  BOOST_TEST_REQUIRE(display != nullptr, run.context());
  BOOST_TEST_MESSAGE("display video: " << display->at("video").dump());
  BOOST_TEST(display->at("video").at("presented").get<std::uint64_t>() > 0u);
  const auto& streams = display->at("video_streams");
  BOOST_TEST_REQUIRE(!streams.empty(), run.context());
  BOOST_TEST_MESSAGE("stream: " << streams[0].dump());
  BOOST_TEST(!streams[0].at("av_skew_ms").is_null());
  BOOST_TEST(run.snapshot->at("audio").at("latency_source").get<std::string>() == "sink clock");
}

// The window on a real software sound card: a private PulseAudio daemon's
// null sink (pulse_daemon.hpp), which OpenAL Soft plays into with a real
// clock and a real latency. The window's audio device measures its output
// latency (AL_SOFT_source_latency: OpenAL's queue and PulseAudio's latency
// past it), the snapshot says so, PulseAudio agrees on the part past the
// queue; the trace shows the marker frame and the click heard as the media
// clock puts them.
BOOST_AUTO_TEST_CASE(window_on_a_pulseaudio_null_sink_measures_its_output_latency,
                     *boost::unit_test::label("server") * boost::unit_test::label("video") *
                       boost::unit_test::label("viewer")) {
  temp_directory directory("av-sync-window");
  const std::string trace = directory.file("media.trace");
  virtual_display display(directory);
  pulse_daemon pulse("load-module module-null-sink sink_name=card rate=48000 channels=2\nset-default-sink card\n");
  scene_server server({"--scene", "av-sync", "--playback-tone", "1000"});
  background_client client({"--debug-media-trace", trace, plain_uri(server.port())});
  const auto pairs = wait_for_markers(server, client, trace);
  // While the tone plays: the latency as the client measures it, and as
  // PulseAudio sees the client's stream.
  const auto snapshot = client.snapshot_now();
  const std::string sink_inputs = pulse.pactl({"list", "sink-inputs"});
  const client_run run = client.stop();
  // Opening OpenAL on PulseAudio holds the sink while the server's audio
  // queues: the jitter buffer starts full (capacity, not target), and the
  // first marker is heard late. Once that depth has stood for 2 s the buffer
  // drops it (standing_frames_dropped), and the last marker is within 40 ms.
  for (const auto& pair : pairs)
    BOOST_TEST_MESSAGE("window marker mm_time " << pair.mm_time << ": frame presented "
                                                << (pair.video_us - pair.audio_us) / 1000.0
                                                << " ms after the click was heard");
  BOOST_TEST_REQUIRE(!pairs.empty());
  BOOST_TEST(std::llabs(pairs.back().video_us - pairs.back().audio_us) <= 40000,
             "the last marker's frame and click are "
                 << (pairs.back().video_us - pairs.back().audio_us) / 1000.0 << " ms apart");
  BOOST_TEST_REQUIRE((snapshot && snapshot->contains("audio")), run.context());
  const auto& audio = snapshot->at("audio");
  BOOST_TEST_MESSAGE("window audio: " << audio.dump());
  if (const auto* display = snapshot_channel(*snapshot, "display"))
    BOOST_TEST_MESSAGE("window video: " << display->at("video").dump());
  BOOST_TEST_MESSAGE("client log: " << line_containing(run.process.stderr_text, "output latency "));
  BOOST_TEST(audio.at("device").get<std::string>() == "sfml");
  BOOST_TEST(audio.at("device_error").get<std::string>() == "");
  VIGIL_CHECK_CONTAINS(audio.at("latency_source").get<std::string>(), "measured");
  // The fixed estimate knows nothing past OpenAL's queue; PulseAudio adds
  // its stream buffer and the sink's latency there.
  const auto device_ms = audio.at("device_latency_ms").get<std::int64_t>();
  const auto output_ms = audio.at("output_latency_ms").get<std::int64_t>();
  BOOST_TEST(device_ms > 0);
  BOOST_TEST(output_ms > 0);
  BOOST_TEST(output_ms < 1000);
  const std::int64_t pulse_us = pulse_stream_latency_us(sink_inputs);
  BOOST_TEST_MESSAGE("PulseAudio: the client's stream latency " << pulse_us / 1000.0 << " ms\n" << sink_inputs);
  BOOST_TEST_REQUIRE(pulse_us >= 0, "no latency in pactl list sink-inputs:\n" << sink_inputs << pulse.log());
  BOOST_TEST(std::llabs(device_ms * 1000 - pulse_us) <= 50000,
             "OpenAL says " << device_ms << " ms past its queue, PulseAudio " << pulse_us / 1000.0 << " ms");
  BOOST_TEST(run.channel("display") != nullptr, run.context());
  BOOST_TEST(pairs.size() >= markers_wanted);
}
