// The window's title as remote-viewer makes it (-t, %d), and kiosk mode: full
// screen, no hotkeys but the configured ones, no menu, and with --kiosk-quit
// on-disconnect an exit when the session is lost.
#include <boost/test/unit_test.hpp>

#include "window_test_support.hpp"

using namespace std::chrono_literals;
using namespace vigil::window_tests;

BOOST_AUTO_TEST_CASE(the_title_names_the_monitor_where_it_says_percent_d) {
  temp_directory work("vigil-window-title");
  virtual_display display(work);
  scene_server server(work, {"--scene", "solid"});
  background_client with_number(work, {"--duration", "20", "-t", "Test VM:%d", server.uri()});
  BOOST_TEST(!wait_for_window("^Test VM:1 - Vigil$", 20s).empty(), with_number.log());
  with_number.stop();
  background_client without(work, {"--duration", "20", "-t", "Console", server.uri()});
  BOOST_TEST(!wait_for_window("^Console \\(1\\) - Vigil$", 20s).empty(), without.log());
}

BOOST_AUTO_TEST_CASE(kiosk_mode_is_full_screen_keeps_only_configured_hotkeys_and_quits_on_disconnect) {
  temp_directory work("vigil-window-kiosk");
  virtual_display display(work);
  scene_server server(work, {"--scene", "solid", "--size", "800x600"});
  background_client client(work, {"--duration", "60", "-k", "--kiosk-quit", "on-disconnect", "--hotkeys",
                                  "health=ctrl+alt+h", server.uri()});
  auto window = wait_for_window("Vigil", 20s);
  BOOST_REQUIRE(!window.empty());
  BOOST_REQUIRE(client.wait_for_log("[inputs:0] keyboard modifiers", 20s));
  auto geometry = xdotool({"getwindowgeometry", window});
  BOOST_TEST(geometry.find("Geometry: 1024x768") != std::string::npos, geometry);
  xdotool({"windowfocus", "--sync", window});
  BOOST_REQUIRE(client.wait_for_log("keyboard grabbed", 10s));
  xdotool({"key", "F11", "ctrl+alt+m", "ctrl+alt+h"});
  // F11 and Ctrl+Alt+M (no full-screen toggle, no menu) reach the guest; Ctrl+Alt+H was configured.
  BOOST_TEST(!server.wait_for_line("input key-down scancode=0x57", 10s).empty());
  BOOST_TEST(!server.wait_for_line("input key-down scancode=0x32", 10s).empty());
  BOOST_TEST(wait_until([&] { return client.output().find("\"session\"") != std::string::npos; }, 10s));
  BOOST_TEST(client.log().find("hotkey") == client.log().rfind("hotkey"));  // one hotkey only: health
  auto lost = std::chrono::steady_clock::now();
  server.stop();
  BOOST_TEST(wait_until([&] { return !client.is_running(); }, 20s));
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - lost).count();
  std::printf("kiosk: %s; the server went away and vigil ended after %.1f s: %s\n", geometry.c_str(), seconds,
              client.state().c_str());
  BOOST_TEST(client.state() == "exit code 4");
}
