// The mouse's side buttons under real X input: X buttons 8 and 9 reach the
// guest as SPICE's SIDE and EXTRA with their button-state masks.
#include <boost/test/unit_test.hpp>

#include "client_run.hpp"
#include "scene_server.hpp"
#include "temp_directory.hpp"
#include "x_display.hpp"

using namespace std::chrono_literals;
using namespace vigil::test_support;

BOOST_AUTO_TEST_CASE(side_and_extra_buttons_reach_the_guest_with_their_masks) {
  temp_directory work("vigil-window-mouse");
  virtual_display display(work);
  scene_server server({"--scene", "solid"});
  background_client client({"--duration", "30", plain_uri(server.port())});
  auto window = wait_for_window("Vigil", 60s);
  BOOST_REQUIRE(!window.empty());
  BOOST_REQUIRE(client.wait_for_log("mouse mode: client", 20s));
  BOOST_REQUIRE(client.wait_for_log("[inputs:0] keyboard modifiers", 60s));
  xdotool({"mousemove", "--window", window, "200", "150", "click", "8", "click", "9"});
  BOOST_TEST(!server.wait_for_line("input tablet-buttons", 20s, 4).empty());
  auto buttons = server.lines("input tablet-buttons");
  std::printf("X buttons 8 and 9: the guest saw %s\n", joined(buttons).c_str());
  BOOST_TEST(buttons == (std::vector<std::string>{"input tablet-buttons buttons=32", "input tablet-buttons buttons=0",
                                                   "input tablet-buttons buttons=64", "input tablet-buttons buttons=0"}),
             boost::test_tools::per_element());
}
