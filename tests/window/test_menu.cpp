// The in-window menu under real X input against the test server: it opens
// (corner button, hotkey), is navigated by keys and the pointer, and each
// entry does its job: every Send key item types its exact scancode sequence,
// Full screen, Screenshot (a PNG equal to the server's framebuffer), Session
// health, Reconnect now, Disconnect.
#include <boost/test/unit_test.hpp>

#include <filesystem>

#include "client_run.hpp"
#include "scene_server.hpp"
#include "temp_directory.hpp"
#include "waiting.hpp"
#include "x_display.hpp"

using namespace std::chrono_literals;
using namespace vigil::test_support;

namespace {

// The server's key lines for a combination typed as a keyboard types it.
std::vector<std::string> combination_lines(const std::vector<std::string>& scancodes) {
  std::vector<std::string> lines;
  for (const auto& code : scancodes)
    lines.push_back("input key-down scancode=" + code);
  for (auto code = scancodes.rbegin(); code != scancodes.rend(); ++code)
    lines.push_back("input key-up scancode=" + *code);
  return lines;
}

// Screenshots kept in the build tree (tests/window/screenshots/) for a person, and for docs/.
std::string kept(const std::string& name) {
  std::filesystem::create_directories(VIGIL_SCREENSHOT_DIR);
  return std::string(VIGIL_SCREENSHOT_DIR) + "/" + name;
}

// The corner button is at the window's top right: 32x32, 6 pixels in.
void click_corner_button(const std::string& window, int window_width) {
  xdotool({"mousemove", "--window", window, std::to_string(window_width - 22), "22", "click", "1"});
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_send_key_item_arrives_as_its_exact_scancode_sequence) {
  temp_directory work("vigil-window-send-keys");
  virtual_display display(work);
  scene_server server({"--scene", "solid"});
  background_client client({"--duration", "120", plain_uri(server.port())});
  auto window = wait_for_window("Vigil", 60s);
  BOOST_REQUIRE_MESSAGE(!window.empty(), "no window: " << client.log());
  BOOST_REQUIRE(client.wait_for_log("[inputs:0] keyboard modifiers", 60s));
  xdotool({"windowfocus", "--sync", window});
  const std::vector<std::vector<std::string>> items = {
    {"0x1d", "0x38", "0xe053"}, {"0x1d", "0x38", "0xe"},  // Ctrl+Alt+Del, Ctrl+Alt+Backspace
    {"0x1d", "0x38", "0x3b"},   {"0x1d", "0x38", "0x3c"}, {"0x1d", "0x38", "0x3d"}, {"0x1d", "0x38", "0x3e"},
    {"0x1d", "0x38", "0x3f"},   {"0x1d", "0x38", "0x40"}, {"0x1d", "0x38", "0x41"}, {"0x1d", "0x38", "0x42"},
    {"0x1d", "0x38", "0x43"},   {"0x1d", "0x38", "0x44"}, {"0x1d", "0x38", "0x57"}, {"0x1d", "0x38", "0x58"},
    {"0xe037"},                 {"0x38", "0xe037"},  // Print Screen, Alt+SysRq
  };
  std::vector<std::string> expected;
  for (std::size_t i = 0; i < items.size(); ++i) {
    // The button's click and the menu's keys are the viewer's: only the item reaches the guest.
    click_corner_button(window, 1024);
    BOOST_REQUIRE(client.wait_for_log("menu: open", 20s, i + 1));
    std::vector<std::string> keys{"key", "--delay", "30", "Right"};
    for (std::size_t down = 0; down < i; ++down)
      keys.push_back("Down");
    keys.push_back("Return");
    xdotool(keys);
    BOOST_REQUIRE(client.wait_for_log("menu: send key", 20s, i + 1));
    auto lines = combination_lines(items[i]);
    expected.insert(expected.end(), lines.begin(), lines.end());
    BOOST_REQUIRE(!server.wait_for_line("input key-", 20s, expected.size()).empty());
  }
  auto seen = server.lines("input key-");
  std::printf("send key: %zu items, the guest saw %zu key lines (%zu expected)\n", items.size(), seen.size(),
              expected.size());
  BOOST_TEST(seen == expected, boost::test_tools::per_element());
  BOOST_TEST(lines_with(client.log(), "menu: send key").size() == items.size());
}

BOOST_AUTO_TEST_CASE(the_menu_opens_navigates_and_each_entry_does_its_job) {
  temp_directory work("vigil-window-menu");
  virtual_display display(work);
  scene_server server({"--scene", "photo", "--compression", "quic", "--reference-dir", work.file("reference")});
  auto config = work.file("vigil.toml");
  write_text_file(config, "[menu]\nscreenshot_directory = \"" + work.path() + "\"\n");
  background_client client({"--duration", "120", "--config", config, plain_uri(server.port())});
  auto window = wait_for_window("Vigil", 60s);
  BOOST_REQUIRE_MESSAGE(!window.empty(), "no window: " << client.log());
  BOOST_REQUIRE(server.wait_for_output("scene complete", 30s));
  BOOST_REQUIRE(client.wait_for_log("[inputs:0] keyboard modifiers", 60s));
  xdotool({"windowfocus", "--sync", window});
  xdotool({"mousemove", "--window", window, "400", "400"});
  display.grab(kept("window.png"));

  // Keys: the hotkey opens it, Down and Up move, Right opens Send key, Left comes back.
  xdotool({"key", "ctrl+alt+m"});
  BOOST_REQUIRE(client.wait_for_log("menu: open", 20s));
  xdotool({"key", "--delay", "50", "Right", "Down"});
  BOOST_TEST(client.wait_for_log("menu: at Send key > Ctrl+Alt+Backspace", 20s));
  display.grab(kept("menu.png"));
  xdotool({"key", "--delay", "50", "Left", "Down", "Down", "Down"});
  BOOST_TEST(client.wait_for_log("menu: at Screenshot", 20s));
  xdotool({"key", "Return"});
  BOOST_REQUIRE(client.wait_for_log("screenshot saved to ", 20s));
  auto saved = line_containing(client.log(), "screenshot saved to ");
  auto png = saved.substr(saved.find(" to ") + 4);
  long differing = differing_pixels(png, work.file("reference/final.ppm"));
  std::printf("menu Screenshot: %s differs from the server's framebuffer in %ld pixels\n", png.c_str(), differing);
  BOOST_TEST(differing == 0);

  // The pointer: hovering selects, a click chooses. Session health.
  click_corner_button(window, 1024);
  BOOST_REQUIRE(client.wait_for_log("menu: open", 20s, 2));
  xdotool({"mousemove", "--window", window, "900", "167", "click", "1"});  // the fifth entry
  BOOST_REQUIRE(client.wait_for_log("menu: session health", 20s));
  wait_until([&] { return differing_pixels(display.grab(work.file("health.png")), kept("window.png")) > 20000; }, 20s);
  display.grab(kept("health.png"));
  xdotool({"key", "Escape"});  // closes the panel

  // Full screen (the window was already the screen's size: the log says it).
  xdotool({"key", "--delay", "50", "ctrl+alt+m", "Down", "Return"});
  BOOST_TEST(client.wait_for_log("menu: full screen", 20s));
  BOOST_TEST(client.wait_for_log("full screen on", 20s));
  BOOST_REQUIRE(client.wait_for_log("keyboard grabbed", 20s, 2));

  // Reconnect now: a new session at once.
  xdotool({"key", "--delay", "50", "ctrl+alt+m", "End", "Up", "Return"});
  BOOST_TEST(client.wait_for_log("reconnecting now, as the user asked", 20s));
  BOOST_TEST(!server.wait_for_line("event client-connected channel=main", 20s, 2).empty());
  BOOST_REQUIRE(client.wait_for_log("[inputs:0] keyboard modifiers", 60s, 2));

  // Disconnect: vigil ends, exit code 0.
  xdotool({"key", "--delay", "50", "ctrl+alt+m", "End", "Return"});
  auto run = client.finish(20s);
  std::printf("menu Disconnect: %s\n", run.process.describe().c_str());
  BOOST_TEST(run.exit_code() == 0);
  BOOST_TEST(run.process.stderr_text.find("disconnected from the menu") != std::string::npos,
             run.process.stderr_text.substr(run.process.stderr_text.size() > 3000 ? run.process.stderr_text.size() - 3000 : 0));
}
