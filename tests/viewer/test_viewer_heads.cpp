// Several monitors in the window under Xvfb: the test server's `heads` scene
// (one display channel, two heads side by side) with its emulated vdagent.
// Resizing the window sends a monitors config with both heads, each with its
// size and position, and the guest's new heads come back to the client.
#include <boost/test/unit_test.hpp>

#include "client_run.hpp"
#include "scene_server.hpp"
#include "temp_directory.hpp"
#include "waiting.hpp"
#include "x_display.hpp"

using namespace std::chrono_literals;
using namespace vigil::test_support;

namespace {

constexpr auto connect_limit = 60s;
constexpr auto event_limit = 30s;

}  // namespace

BOOST_AUTO_TEST_SUITE(viewer_heads)

BOOST_AUTO_TEST_CASE(resizing_the_window_sends_a_monitors_config_with_both_heads) {
  temp_directory work("vigil-viewer-heads");
  virtual_display display(work);
  scene_server server({"--scene", "heads", "--size", "1280x480", "--agent", "on", "--step-ms", "100"});
  background_client client({"--duration", "600", plain_uri(server.port())});
  BOOST_REQUIRE(!server.wait_for_line("agent client-capabilities", connect_limit).empty());
  BOOST_REQUIRE(server.wait_for_output("scene complete", connect_limit));
  // The client has the guest's two heads before the window is resized.
  const auto two_heads = [](const nlohmann::json& snapshot) {
    const auto channels = snapshot.is_object() ? snapshot.find("channels") : snapshot.end();
    if (channels == snapshot.end() || !channels->is_array())
      return false;
    for (const auto& channel : *channels)
      if (channel.value("channel", "") == "display" && channel.value("id", -1) == 0)
        return channel.contains("heads") && channel["heads"].size() == 2u;
    return false;
  };
  auto before = client.wait_for_snapshot(two_heads, event_limit);
  BOOST_TEST_REQUIRE((before && two_heads(*before)), client.log());
  const std::string window = wait_for_window("Vigil", connect_limit);
  BOOST_TEST_REQUIRE(!window.empty(), "no Vigil window was mapped");
  xdotool({"windowsize", window, "1000", "300"});
  const std::string config = server.wait_for_line("agent monitors-config", event_limit);
  std::printf("window resized to 1000x300: the guest's agent saw '%s'\n", config.c_str());
  BOOST_TEST(config == "agent monitors-config count=2 size=500x300 heads=0:500x300+0+0,1:500x300+500+0");
  // The guest follows: one 1000x300 primary carrying both heads.
  BOOST_TEST(!server.wait_for_line("heads display=0 count=2 head=0:500x300+0+0 head=1:500x300+500+0", event_limit)
                .empty(),
             server.output());
  const auto main_reports_both = [](const nlohmann::json& snapshot) {
    const auto channels = snapshot.is_object() ? snapshot.find("channels") : snapshot.end();
    if (channels == snapshot.end() || !channels->is_array())
      return false;
    for (const auto& channel : *channels)
      if (channel.value("channel", "") == "main" && channel.contains("agent"))
        return channel["agent"].value("last_monitors_config", "") == "500x300+0+0,500x300+500+0";
    return false;
  };
  auto reported = client.wait_for_snapshot(main_reports_both, event_limit);
  BOOST_TEST((reported && main_reports_both(*reported)), client.log());
  auto run = client.stop();
  BOOST_TEST_REQUIRE(run.exit_code() == exit_codes::ok, run.context());
  BOOST_TEST(server.lines("agent monitors-config").size() == 1u);  // debounced, and not echoed back
}

BOOST_AUTO_TEST_SUITE_END()
