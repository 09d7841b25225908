// Several monitors, headless: vigil-test-server's `heads` scene (one display
// channel whose primary surface carries two heads, placed by the guest
// driver's monitors config) and `displays` scene (two display channels). The
// client's dumps, cut at the heads the client itself reports in its health
// snapshot, must equal each head's reference (head-N.ppm) pixel for pixel.
#include <boost/test/unit_test.hpp>

#include "client_run.hpp"
#include "ppm_image.hpp"
#include "scene_server.hpp"
#include "temp_directory.hpp"

using namespace vigil::test_support;
using namespace std::chrono_literals;

namespace {

constexpr auto scene_limit = 90s;  // a loaded 2-core machine: generous

const nlohmann::json* display_channel(const nlohmann::json& snapshot, int id) {
  const auto channels = snapshot.is_object() ? snapshot.find("channels") : snapshot.end();
  if (channels == snapshot.end() || !channels->is_array())
    return nullptr;
  for (const auto& channel : *channels)  // by reference: the result points into the snapshot
    if (channel.value("channel", "") == "display" && channel.value("id", -1) == id)
      return &channel;
  return nullptr;
}

// Every display channel up to `displays` has had nothing from the server for
// two heartbeat periods: what the scene drew has arrived.
bool displays_quiet(const nlohmann::json& snapshot, int displays) {
  for (int id = 0; id < displays; ++id) {
    const nlohmann::json* display = display_channel(snapshot, id);
    if (!display || display->value("state", "") != "up" || display->value("messages_in", 0) == 0 ||
        display->value("last_activity_age_ms", 0) < 2000)
      return false;
  }
  return true;
}

struct heads_run {
  temp_directory directory{"display-heads"};
  client_run client;
};

// Plays `scene` (lossless LZ) until complete and the client's display
// channels are quiet, then stops the client, which writes client.ppm
// (display:0) and client-display-N.ppm.
void run_heads_scene(heads_run& run, const std::string& scene, const std::string& size, int displays) {
  scene_server server({"--scene", scene, "--size", size, "--compression", "lz", "--reference-dir",
                       run.directory.path(), "--step-ms", "100"});
  background_client client(
    {"--headless", "--duration", "600", "--dump-primary", run.directory.file("client.ppm"), plain_uri(server.port())});
  BOOST_TEST_REQUIRE(server.wait_for_output("scene complete", scene_limit),
                     "the scene did not complete; server:\n" << server.output() << "\nclient log:\n" << client.log());
  const auto last = client.wait_for_snapshot([&](const nlohmann::json& s) { return displays_quiet(s, displays); },
                                             scene_limit);
  BOOST_TEST_REQUIRE((last && displays_quiet(*last, displays)),
                     "the display channels never went quiet; last: " << (last ? last->dump() : "none"));
  run.client = client.stop();
  BOOST_TEST_REQUIRE(run.client.exit_code() == exit_codes::ok, run.client.context());
  BOOST_TEST_REQUIRE(run.client.snapshot.has_value(), run.client.context());
  BOOST_TEST(server.output().find("reference check=match") != std::string::npos, server.output());
}

ppm_image read_or_fail(const std::string& path) {
  std::string error;
  auto image = read_ppm(path, error);
  BOOST_TEST_REQUIRE(image.has_value(), error);
  return *image;
}

void check_equal(const ppm_image& expected, const ppm_image& actual, const std::string& what) {
  const image_comparison comparison = compare(expected, actual);
  BOOST_TEST_MESSAGE(what << ": " << comparison.describe(expected));
  BOOST_TEST(comparison.same_size, what << ": " << comparison.describe(expected));
  BOOST_TEST(comparison.mismatched_pixels == 0u, what << ": " << comparison.describe(expected));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(head_display, *boost::unit_test::label("server"))

// One display channel, two 640x480 heads side by side on a 1280x480 primary.
BOOST_AUTO_TEST_CASE(two_heads_on_one_channel_equal_their_references) {
  heads_run run;
  run_heads_scene(run, "heads", "1280x480", 1);
  const nlohmann::json* display = run.client.channel("display", 0);
  BOOST_TEST_REQUIRE(display != nullptr, run.client.context());
  BOOST_TEST_MESSAGE("display:0 heads: " << display->value("heads", nlohmann::json::array()).dump());
  const auto heads = display->value("heads", nlohmann::json::array());
  BOOST_TEST_REQUIRE(heads.size() == 2u, "the client reports heads " << heads.dump());
  const ppm_image picture = read_or_fail(run.directory.file("client.ppm"));
  for (std::size_t i = 0; i < heads.size(); ++i) {
    const auto& head = heads[i];
    BOOST_TEST(head.value("id", -1) == static_cast<int>(i));
    const ppm_image shown =
      picture.crop(head.value("x", 0), head.value("y", 0), head.value("width", 0), head.value("height", 0));
    check_equal(read_or_fail(run.directory.file("head-" + std::to_string(i) + ".ppm")), shown,
                "head " + std::to_string(i));
  }
  BOOST_TEST(display->at("errors").empty(), display->at("errors").dump());
}

// Two QXL devices: display:0 and display:1, one 640x480 head each.
BOOST_AUTO_TEST_CASE(two_display_channels_equal_their_references) {
  heads_run run;
  run_heads_scene(run, "displays", "640x480", 2);
  check_equal(read_or_fail(run.directory.file("head-0.ppm")), read_or_fail(run.directory.file("client.ppm")),
              "display:0");
  check_equal(read_or_fail(run.directory.file("head-1.ppm")),
              read_or_fail(run.directory.file("client-display-1.ppm")), "display:1");
  for (int id = 0; id < 2; ++id) {
    const nlohmann::json* display = run.client.channel("display", id);
    BOOST_TEST_REQUIRE(display != nullptr, run.client.context());
    BOOST_TEST(display->at("errors").empty(), "display:" << id << " errors: " << display->at("errors").dump());
  }
}

BOOST_AUTO_TEST_SUITE_END()
