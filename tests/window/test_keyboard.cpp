// The keyboard in daily use, driven by real X input (xdotool) into a real
// vigil window against the test server, whose keyboard prints every scancode:
// hotkeys (remote-viewer's defaults, --hotkeys, a connection file's keys),
// the secure-attention hotkey's exact sequence, and the keyboard grab that
// takes Alt+Tab from the desktop until release-cursor gives it back.
#include <algorithm>
#include <fstream>

#include <boost/test/unit_test.hpp>

#include "client_run.hpp"
#include "scene_server.hpp"
#include "temp_directory.hpp"
#include "waiting.hpp"
#include "x_display.hpp"

using namespace std::chrono_literals;
using namespace vigil::test_support;

namespace {

// The server's key lines for keys typed as a combination: each down in
// order, then each up in reverse ("0x1d", "0x38", "0xe053" -> 6 lines).
std::vector<std::string> combination_lines(const std::vector<std::string>& scancodes) {
  std::vector<std::string> lines;
  for (const auto& code : scancodes)
    lines.push_back("input key-down scancode=" + code);
  for (auto code = scancodes.rbegin(); code != scancodes.rend(); ++code)
    lines.push_back("input key-up scancode=" + *code);
  return lines;
}

// Whether `run` appears in `lines` as consecutive lines.
bool contains_run(const std::vector<std::string>& lines, const std::vector<std::string>& run) {
  for (std::size_t start = 0; start + run.size() <= lines.size(); ++start)
    if (std::equal(run.begin(), run.end(), lines.begin() + static_cast<long>(start)))
      return true;
  return run.empty();
}

// Snapshots the client printed on stdout, at the end of its run.
std::size_t snapshots_printed(const client_run& run) {
  return lines_with(run.process.stdout_text, "\"session\"").size();
}

const std::vector<std::string> ctrl_alt_del = combination_lines({"0x1d", "0x38", "0xe053"});

// Xvfb, the test server (an 800x600 guest, so the window does not fill the
// screen) and vigil with `arguments`, its window focused with the pointer over it.
struct keyboard_session {
  temp_directory work{"vigil-window-keys"};
  virtual_display display{work};
  scene_server server{{"--scene", "solid", "--size", "800x600"}};
  std::unique_ptr<background_client> client;
  std::string window;

  void start(std::vector<std::string> arguments, bool with_uri = true) {
    arguments.insert(arguments.begin(), {"--duration", "40"});
    if (with_uri)
      arguments.push_back(plain_uri(server.port()));
    client = std::make_unique<background_client>(arguments);
    window = wait_for_window("Vigil", 60s);
    BOOST_REQUIRE_MESSAGE(!window.empty(), "no vigil window on " << display.name() << ": " << client->log());
    BOOST_REQUIRE_MESSAGE(client->wait_for_log("[inputs:0] keyboard modifiers", 60s), client->log());
    xdotool({"windowfocus", "--sync", window});
    xdotool({"mousemove", "--window", window, "100", "100"});
    BOOST_REQUIRE_MESSAGE(client->wait_for_log("keyboard grabbed", 20s), client->log());
  }
  std::vector<std::string> keys() const { return server.lines("input key-"); }
  // Waits until the server's key lines contain `run` consecutively.
  bool wait_for_keys(const std::vector<std::string>& run) const {
    return wait_until([&] { return contains_run(keys(), run); }, 20s);
  }
  std::size_t count(const std::string& line) const {
    auto all = keys();
    return static_cast<std::size_t>(std::count(all.begin(), all.end(), line));
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(the_default_hotkeys_are_remote_viewers) {
  keyboard_session session;
  session.start({});
  xdotool({"key", "F11"});
  BOOST_TEST(session.client->wait_for_log("hotkey F11: toggle-fullscreen", 20s));
  // The full-screen window is a new X window: the keyboard is the guest's again once it is grabbed there.
  BOOST_TEST(session.client->wait_for_log("keyboard grabbed", 20s, 2));
  xdotool({"key", "ctrl+alt+End"});
  BOOST_TEST(session.wait_for_keys(ctrl_alt_del), "secure-attention: " << joined(session.keys()));
  xdotool({"key", "shift+F12"});
  BOOST_TEST(session.client->wait_for_log("hotkey Shift+F12: release-cursor", 20s));
  xdotool({"key", "a"});  // after the hotkeys: everything before it has arrived
  BOOST_TEST(session.wait_for_keys({"input key-down scancode=0x1e", "input key-up scancode=0x1e"}));
  auto keys = session.keys();
  std::printf("default hotkeys: F11, Ctrl+Alt+End, Shift+F12 then 'a'; the guest saw %s\n", joined(keys).c_str());
  BOOST_TEST(session.count("input key-down scancode=0x57") == 0u);   // F11 is the viewer's
  BOOST_TEST(session.count("input key-down scancode=0xe04f") == 0u); // so is End after Ctrl+Alt
  BOOST_TEST(session.count("input key-down scancode=0x58") == 0u);   // and F12 after Shift
}

BOOST_AUTO_TEST_CASE(hotkeys_from_the_command_line_replace_remote_viewers) {
  keyboard_session session;
  session.start({"--hotkeys", "toggle-fullscreen=shift+f5,secure-attention=ctrl+alt+insert,health=ctrl+alt+h"});
  xdotool({"key", "F11"});  // no longer a hotkey: the guest's
  BOOST_TEST(session.wait_for_keys({"input key-down scancode=0x57", "input key-up scancode=0x57"}));
  xdotool({"key", "shift+F5"});
  BOOST_TEST(session.client->wait_for_log("hotkey Shift+F5: toggle-fullscreen", 20s));
  BOOST_TEST(session.client->wait_for_log("keyboard grabbed", 20s, 2));
  xdotool({"key", "ctrl+alt+End"});  // the guest's too
  BOOST_TEST(session.wait_for_keys({"input key-down scancode=0xe04f"}));
  xdotool({"key", "ctrl+alt+Insert"});
  BOOST_TEST(session.wait_for_keys(ctrl_alt_del), "secure-attention: " << joined(session.keys()));
  xdotool({"key", "ctrl+alt+h"});  // Vigil's own: the health snapshot on stdout
  BOOST_TEST(session.client->wait_for_log("hotkey Ctrl+Alt+H: health", 20s));
  std::printf("--hotkeys: the guest saw %s\n", joined(session.keys()).c_str());
  BOOST_TEST(session.count("input key-down scancode=0xe052") == 0u);  // Insert went to the viewer
  auto run = session.client->finish(1s);
  BOOST_TEST(snapshots_printed(run) == 2u);  // the hotkey's and the one at exit
}

BOOST_AUTO_TEST_CASE(hotkeys_from_a_connection_file_replace_remote_viewers) {
  keyboard_session session;
  auto file = session.work.file("console.vv");
  std::ofstream(file) << "[virt-viewer]\ntype=spice\nhost=127.0.0.1\nport=" << session.server.port()
                      << "\ntoggle-fullscreen=shift+f6\nrelease-cursor=ctrl+alt+r\n";
  session.start({file}, false);
  xdotool({"key", "F11"});
  BOOST_TEST(session.wait_for_keys({"input key-down scancode=0x57", "input key-up scancode=0x57"}));
  xdotool({"key", "shift+F6"});
  BOOST_TEST(session.client->wait_for_log("hotkey Shift+F6: toggle-fullscreen", 20s));
  BOOST_TEST(session.client->wait_for_log("keyboard grabbed", 20s, 2));
  xdotool({"key", "ctrl+alt+r"});
  BOOST_TEST(session.client->wait_for_log("hotkey Ctrl+Alt+R: release-cursor", 20s));
  xdotool({"key", "ctrl+alt+End"});  // the file names no secure-attention: none
  BOOST_TEST(session.wait_for_keys({"input key-down scancode=0xe04f"}));
  std::printf("connection file hotkeys: the guest saw %s\n", joined(session.keys()).c_str());
  BOOST_TEST(session.count("input key-down scancode=0x13") == 0u);  // R went to the viewer
}

BOOST_AUTO_TEST_CASE(alt_tab_reaches_the_guest_while_the_keyboard_is_grabbed_and_the_desktop_after_release) {
  keyboard_session session;
  auto shortcut_log = session.work.file("shortcut.log");
  background_process desktop({VIGIL_DESKTOP_SHORTCUT_BINARY}, shortcut_log);
  auto shortcuts = [&] {
    std::ifstream in(shortcut_log);
    std::string line;
    std::size_t taken = 0;
    while (std::getline(in, line))
      taken += line == "shortcut alt+tab";
    return taken;
  };
  session.start({});
  const std::string tab_down = "input key-down scancode=0xf";
  xdotool({"key", "alt+Tab"});
  BOOST_TEST(wait_until([&] { return session.count(tab_down) == 1; }, 20s), joined(session.keys()));
  BOOST_TEST(shortcuts() == 0u);

  xdotool({"key", "shift+F12"});
  BOOST_REQUIRE(session.client->wait_for_log("keyboard released", 20s));
  xdotool({"key", "alt+Tab"});
  BOOST_TEST(wait_until([&] { return shortcuts() == 1; }, 20s));
  // Alt went down in the guest, and up again when the desktop took the keyboard.
  BOOST_TEST(session.wait_for_keys({"input key-down scancode=0x38", "input key-up scancode=0x38"}));

  // The pointer leaves and comes back: the guest has the keyboard again.
  xdotool({"mousemove", "1010", "750"});
  xdotool({"mousemove", "--window", session.window, "100", "100"});
  BOOST_REQUIRE(session.client->wait_for_log("keyboard grabbed", 20s, 2));
  xdotool({"key", "alt+Tab"});
  BOOST_TEST(wait_until([&] { return session.count(tab_down) == 2; }, 20s), joined(session.keys()));
  std::printf("Alt+Tab: grabbed, the guest saw Tab %zu time(s) and the desktop %zu; the guest's keys: %s\n",
              session.count(tab_down), shortcuts(), joined(session.keys()).c_str());
  BOOST_TEST(shortcuts() == 1u);
}
