// The window's title as remote-viewer makes it (-t, %d), and kiosk mode: full
// screen, no hotkeys but the configured ones, no menu, and with --kiosk-quit
// on-disconnect an exit when the session is lost.
#include <boost/test/unit_test.hpp>

#include "client_run.hpp"
#include "scene_server.hpp"
#include "temp_directory.hpp"
#include "waiting.hpp"
#include "x_display.hpp"

using namespace std::chrono_literals;
using namespace vigil::test_support;

BOOST_AUTO_TEST_CASE(the_title_names_the_monitor_where_it_says_percent_d) {
  temp_directory work("vigil-window-title");
  virtual_display display(work);
  scene_server server({"--scene", "solid"});
  auto with_number = std::make_unique<background_client>(
    std::vector<std::string>{"--duration", "20", "-t", "Test VM:%d", plain_uri(server.port())});
  BOOST_TEST(!wait_for_window("^Test VM:1 - Vigil", 60s).empty(), with_number->log());
  with_number.reset();
  background_client without({"--duration", "20", "-t", "Console", plain_uri(server.port())});
  BOOST_TEST(!wait_for_window("^Console \\(1\\) - Vigil", 60s).empty(), without.log());
}

BOOST_AUTO_TEST_CASE(kiosk_mode_is_full_screen_keeps_only_configured_hotkeys_and_quits_on_disconnect) {
  temp_directory work("vigil-window-kiosk");
  virtual_display display(work);
  scene_server server({"--scene", "solid", "--size", "800x600"});
  background_client client({"--duration", "60", "-k", "--kiosk-quit", "on-disconnect", "--hotkeys",
                            "health=ctrl+alt+h", plain_uri(server.port())});
  auto window = wait_for_window("Vigil", 60s);
  BOOST_REQUIRE(!window.empty());
  BOOST_REQUIRE(client.wait_for_log("[inputs:0] keyboard modifiers", 60s));
  auto geometry = xdotool({"getwindowgeometry", window});
  BOOST_TEST(geometry.find("Geometry: 1024x768") != std::string::npos, geometry);
  xdotool({"windowfocus", "--sync", window});
  BOOST_REQUIRE(client.wait_for_log("keyboard grabbed", 20s));
  xdotool({"key", "F11", "ctrl+alt+m", "ctrl+alt+h"});
  // F11 and Ctrl+Alt+M (no full-screen toggle, no menu) reach the guest; Ctrl+Alt+H was configured.
  BOOST_TEST(!server.wait_for_line("input key-down scancode=0x57", 20s).empty());
  BOOST_TEST(!server.wait_for_line("input key-down scancode=0x32", 20s).empty());
  BOOST_TEST(client.wait_for_log("hotkey Ctrl+Alt+H: health", 20s));
  BOOST_TEST(lines_with(client.log(), "hotkey").size() == 1u);  // health only
  auto lost = std::chrono::steady_clock::now();
  server.stop();
  auto run = client.finish(20s);
  std::printf("kiosk: %s; the server went away and vigil ended after %.1f s: %s\n", geometry.c_str(),
              seconds_since(lost), run.process.describe().c_str());
  BOOST_TEST(run.exit_code() == vigil::exit_codes::session_lost);
  BOOST_TEST(!run.process.timed_out);
}
