// Zoom under real X input: -z opens the window at the zoom level, the zoom
// hotkeys and the menu's Zoom entries change it, and a click at the window
// pixel showing a known guest pixel arrives at exactly that guest pixel at
// 50, 100 and 200 %.
#include <boost/test/unit_test.hpp>

#include "client_run.hpp"
#include "scene_server.hpp"
#include "temp_directory.hpp"
#include "x_display.hpp"

using namespace std::chrono_literals;
using namespace vigil::test_support;

namespace {

// Clicks the window pixel that shows guest pixel (x, y) at `percent`; the
// position the guest got with the click.
std::string click_guest_pixel(const scene_server& server, const std::string& window, int x, int y, int percent,
                              std::size_t clicks_before) {
  xdotool({"mousemove", "--window", window, std::to_string(x * percent / 100), std::to_string(y * percent / 100),
           "click", "1"});
  server.wait_for_line("input tablet-buttons", 20s, 2 * (clicks_before + 1));
  auto positions = server.lines("input tablet-position");
  return positions.empty() ? "" : positions.back();
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_click_lands_on_the_same_guest_pixel_at_50_100_and_200_percent) {
  temp_directory work("vigil-window-zoom");
  virtual_display display(work, "2100x1600x24");  // room for the 200 % window
  scene_server server({"--scene", "solid"});
  auto config = work.file("vigil.toml");
  write_text_file(config, "[agent]\nresize_guest = false\n");  // the guest keeps 1024x768 throughout
  background_client client({"--duration", "120", "--config", config, "-z", "50", plain_uri(server.port())});
  auto window = wait_for_window("Vigil", 60s);
  BOOST_REQUIRE_MESSAGE(!window.empty(), "no window: " << client.log());
  BOOST_REQUIRE(client.wait_for_log("mouse mode: client", 30s));
  BOOST_REQUIRE(client.wait_for_log("[inputs:0] keyboard modifiers", 60s));
  BOOST_REQUIRE_MESSAGE(client.wait_for_log("window 512x384: the picture at 50 %", 30s), client.log());
  xdotool({"windowfocus", "--sync", window});

  std::size_t clicks = 0;
  auto at_50 = click_guest_pixel(server, window, 100, 200, 50, clicks++);
  auto far_50 = click_guest_pixel(server, window, 1000, 740, 50, clicks++);

  // Zoom in five steps with the hotkey (Ctrl+keypad +): 100 %.
  xdotool({"key", "--delay", "50", "ctrl+KP_Add", "ctrl+KP_Add", "ctrl+KP_Add", "ctrl+KP_Add", "ctrl+KP_Add"});
  BOOST_REQUIRE(client.wait_for_log("window 1024x768: the picture at 100 %", 30s));
  auto at_100 = click_guest_pixel(server, window, 100, 200, 100, clicks++);
  auto far_100 = click_guest_pixel(server, window, 1000, 740, 100, clicks++);

  // Ten more: 200 %.
  std::vector<std::string> keys{"key", "--delay", "50"};
  for (int i = 0; i < 10; ++i)
    keys.push_back("ctrl+KP_Add");
  xdotool(keys);
  BOOST_REQUIRE(client.wait_for_log("window 2048x1536: the picture at 200 %", 30s));
  auto at_200 = click_guest_pixel(server, window, 100, 200, 200, clicks++);
  auto far_200 = click_guest_pixel(server, window, 1000, 740, 200, clicks++);
  display.grab(work.file("zoom-200.png"));

  std::printf("guest pixel (100,200) clicked at 50/100/200 %%: %s | %s | %s\n", at_50.c_str(), at_100.c_str(),
              at_200.c_str());
  std::printf("guest pixel (1000,740) clicked at 50/100/200 %%: %s | %s | %s\n", far_50.c_str(), far_100.c_str(),
              far_200.c_str());
  for (const auto& line : {at_50, at_100, at_200})
    BOOST_TEST(line == "input tablet-position x=100 y=200 buttons=0");
  for (const auto& line : {far_50, far_100, far_200})
    BOOST_TEST(line == "input tablet-position x=1000 y=740 buttons=0");

  // The menu: Zoom > Zoom out (190 %), then Zoom > Normal size (100 %).
  xdotool({"key", "--delay", "50", "ctrl+alt+m", "Down", "Down", "Right", "Down", "Return"});
  BOOST_TEST(client.wait_for_log("window 1946x1459: the picture at 190 %", 30s));
  xdotool({"key", "--delay", "50", "ctrl+alt+m", "Down", "Down", "Right", "Down", "Down", "Return"});
  BOOST_TEST(client.wait_for_log("window 1024x768: the picture at 100 %", 30s, 2));
  // Reset by the hotkey too (Ctrl+0) after a step out: 90 %, then 100 %.
  xdotool({"key", "--delay", "50", "ctrl+KP_Subtract"});
  BOOST_TEST(client.wait_for_log("window 922x691: the picture at 90 %", 30s));
  xdotool({"key", "ctrl+0"});
  BOOST_TEST(client.wait_for_log("window 1024x768: the picture at 100 %", 30s, 3));
}

// The other modes, switched from the menu's Zoom entries in a window resized
// to 1300x900 (X pixels: window x = offset + guest x * scale, rounded up to
// the pixel that shows it): scale to fit (1.1719, centred), integer scaling
// (1x, centred on whole pixels), and neither at 110 % (1.1, centred).
BOOST_AUTO_TEST_CASE(a_click_lands_on_its_guest_pixel_with_integer_scaling_and_without_scale_to_fit) {
  temp_directory work("vigil-window-scaling");
  virtual_display display(work, "2100x1600x24");
  scene_server server({"--scene", "solid"});
  auto config = work.file("vigil.toml");
  write_text_file(config, "[agent]\nresize_guest = false\n");
  background_client client({"--duration", "120", "--config", config, "-v", plain_uri(server.port())});
  auto window = wait_for_window("Vigil", 60s);
  BOOST_REQUIRE_MESSAGE(!window.empty(), "no window: " << client.log());
  BOOST_REQUIRE(client.wait_for_log("[inputs:0] keyboard modifiers", 60s));
  BOOST_REQUIRE(client.wait_for_log("window 1024x768: the picture at 100 %", 30s));
  xdotool({"windowfocus", "--sync", window});
  std::size_t clicks = 0;
  std::vector<std::string> seen;
  auto click_both = [&](int near_x, int near_y, int far_x, int far_y) {
    seen.push_back(click_guest_pixel(server, window, near_x, near_y, 100, clicks++));
    seen.push_back(click_guest_pixel(server, window, far_x, far_y, 100, clicks++));
  };

  // Scale to fit (the default): 1300/1024 and 900/768, the smaller. At the
  // screen's corner, so every click is on the screen.
  xdotool({"windowmove", "--sync", window, "0", "0"});
  xdotool({"windowsize", window, "1300", "900"});
  BOOST_REQUIRE_MESSAGE(client.wait_for_log("picture 1024x768 placed at scale 1.1719, offset (50.0, 0.0)", 30s),
                        client.log().substr(client.log().size() > 3000 ? client.log().size() - 3000 : 0));
  click_both(168, 235, 1222, 868);

  // Zoom > Integer scaling: 1x, centred.
  xdotool({"key", "--delay", "50", "ctrl+alt+m", "Down", "Down", "Right", "Down", "Down", "Down", "Down", "Return"});
  BOOST_REQUIRE(client.wait_for_log("menu: integer scaling on", 20s));
  BOOST_REQUIRE(client.wait_for_log("placed at scale 1.0000, offset (138.0, 66.0)", 20s));
  click_both(238, 266, 1138, 806);

  // Integer scaling off and Scale to fit off, then 110 % (the window takes
  // 1126x845) and 1300x900 again: the picture stays at 1.1, centred.
  xdotool({"key", "--delay", "50", "ctrl+alt+m", "Down", "Down", "Right", "Down", "Down", "Down", "Down", "Return"});
  BOOST_REQUIRE(client.wait_for_log("menu: integer scaling off", 20s));
  xdotool({"key", "--delay", "50", "ctrl+alt+m", "Down", "Down", "Right", "Down", "Down", "Down", "Return"});
  BOOST_REQUIRE(client.wait_for_log("menu: scale to fit off", 20s));
  xdotool({"key", "ctrl+KP_Add"});
  BOOST_REQUIRE(client.wait_for_log("window 1126x845: the picture at 110 %", 20s));
  xdotool({"windowsize", window, "1300", "900"});
  BOOST_REQUIRE(client.wait_for_log("placed at scale 1.1000, offset (86.8, 27.6)", 20s));
  click_both(197, 248, 1187, 842);

  std::printf("fit 1.1719 | integer 1x | 110 %% without fit: %s\n", joined(seen).c_str());
  for (std::size_t i = 0; i < seen.size(); ++i)
    BOOST_TEST(seen[i] == (i % 2 == 0 ? "input tablet-position x=100 y=200 buttons=0"
                                      : "input tablet-position x=1000 y=740 buttons=0"));
}
