// A/V sync end to end: vigil --headless against vigil-test-server's av-sync
// scene, which every 2 s draws a white marker frame into a video stream and
// puts a click on the playback channel in the same moment (so spice-server
// stamps both with the same mm_time; it prints `av marker mm_time=T`). The
// client's --debug-media-trace gives when it presented each stream picture
// and when each loud stretch of audio was heard (local monotonic time); for
// every marker the two presentations must be within 40 ms.
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "client_run.hpp"
#include "scene_server.hpp"
#include "temp_directory.hpp"
#include "waiting.hpp"

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

}  // namespace

BOOST_AUTO_TEST_CASE(marker_frame_and_click_at_one_mm_time_are_presented_within_40_ms,
                     *boost::unit_test::label("server") * boost::unit_test::label("video")) {
  temp_directory directory("av-sync");
  const std::string trace = directory.file("media.trace");
  scene_server server({"--scene", "av-sync", "--playback-tone", "1000"});
  background_client client({"--headless", "--debug-media-trace", trace, plain_uri(server.port())});
  std::vector<marker_pair> pairs;
  const bool enough = wait_until(
    [&] {
      pairs = matched_markers(server, trace);
      return pairs.size() >= markers_wanted || !client.is_running();
    },
    90s, 250ms);
  const client_run run = client.stop();
  BOOST_TEST_REQUIRE((enough && pairs.size() >= markers_wanted),
                     pairs.size() << " of " << markers_wanted << " markers seen both as a frame and a click; server "
                                  << server.lines("av marker").size() << " markers\n"
                                  << run.context());
  for (const auto& pair : pairs) {
    const std::int64_t skew = pair.video_us - pair.audio_us;
    BOOST_TEST_MESSAGE("marker mm_time " << pair.mm_time << ": frame presented " << skew / 1000.0
                                         << " ms after the click was heard");
    BOOST_TEST(std::llabs(skew) <= max_skew_us, "marker mm_time " << pair.mm_time << ": skew " << skew << " us");
  }
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
}
