// Several monitors in real windows under Xvfb, against vigil-test-server's
// `heads` scene (one display channel, two 640x480 heads side by side, set by
// the guest driver's monitors config) and `displays` scene (two display
// channels, one head each), with its emulated vdagent. Vigil shows one window
// per head, as remote-viewer does; each window's pixels (xwd of the window
// through ImageMagick's import) must equal its head's reference exactly, and
// resizing one window must send the agent a monitors config with both heads.
// The menu disables and enables a head; --monitor-mapping places each head's
// full-screen window on its client monitor (RandR monitors on the Xvfb).
#include <boost/test/unit_test.hpp>

#include <tuple>

#include <X11/Xlib.h>
#include <X11/extensions/Xrandr.h>

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

// Pixels of X window `window` that differ from `reference` (-1: other sizes).
long window_differs(const std::string& window, const std::string& reference, const std::string& grab) {
  if (run_process({"import", "-window", window, grab}, 60s).exit_code != 0)
    return -1;
  auto compared = run_process({"compare", "-metric", "AE", grab, reference, "null:"}, 60s);
  try {
    return std::stol(compared.stderr_text);
  } catch (const std::exception&) {
    return -1;  // "image widths or heights differ"
  }
}

// Plays `scene` with the agent on; two windows must show the two heads
// exactly, then resizing the second to 500x300 must ask the guest for both.
void check_one_window_per_head(const std::string& scene, const std::string& size) {
  temp_directory work("vigil-viewer-heads");
  virtual_display display(work, "2048x1024x24");
  scene_server server({"--scene", scene, "--size", size, "--compression", "lz", "--reference-dir", work.path(),
                       "--agent", "on", "--step-ms", "100"});
  background_client client({"--duration", "600", plain_uri(server.port())});
  BOOST_REQUIRE_MESSAGE(server.wait_for_output("scene complete", connect_limit), server.output() << client.log());
  BOOST_REQUIRE(!server.wait_for_line("agent client-capabilities", connect_limit).empty());
  // Titled as remote-viewer's: "vigil-test-server (1) - Vigil", "... (2) - Vigil".
  const std::string windows[2] = {wait_for_window("\\(1\\) - Vigil", connect_limit),
                                  wait_for_window("\\(2\\) - Vigil", connect_limit)};
  BOOST_TEST_REQUIRE(!windows[0].empty(), "no window for head 1; " << client.log());
  BOOST_TEST_REQUIRE(!windows[1].empty(), "no window for head 2; " << client.log());
  for (int head = 0; head < 2; ++head) {
    const std::string reference = work.file("head-" + std::to_string(head) + ".ppm");
    const std::string grab = work.file(scene + "-window-" + std::to_string(head) + ".png");
    long differing = -2;
    wait_until([&] { return (differing = window_differs(windows[head], reference, grab)) == 0; }, event_limit, 250ms);
    std::printf("%s: window %d vs head %d's reference (%s): %ld differing pixels\n", scene.c_str(), head + 1, head,
                size.c_str(), differing);
    BOOST_TEST(differing == 0, scene << " head " << head << ": " << differing << " pixels differ; " << client.log());
  }
  xdotool({"windowsize", windows[1], "500", "300"});
  const std::string config = server.wait_for_line("agent monitors-config", event_limit);
  std::printf("%s: second window resized to 500x300: the guest's agent saw '%s'\n", scene.c_str(), config.c_str());
  BOOST_TEST(config == "agent monitors-config count=2 size=640x480 heads=0:640x480+0+0,1:500x300+640+0",
             client.log());
  auto run = client.stop();
  BOOST_TEST_REQUIRE(run.exit_code() == exit_codes::ok, run.context());
}

// Client monitors side by side on the test's X screen, as RandR 1.5 lists them.
void set_client_monitors(int count, int width, int height) {
  Display* x = XOpenDisplay(nullptr);
  BOOST_TEST_REQUIRE(x != nullptr);
  for (int i = 0; i < count; ++i) {
    XRRMonitorInfo* monitor = XRRAllocateMonitor(x, 0);
    monitor->name = XInternAtom(x, ("VIGIL-" + std::to_string(i)).c_str(), False);
    monitor->x = i * width;
    monitor->width = width;
    monitor->height = height;
    monitor->mwidth = width / 4;
    monitor->mheight = height / 4;
    XRRSetMonitor(x, DefaultRootWindow(x), monitor);
    XFree(monitor);
  }
  XSync(x, False);
  XCloseDisplay(x);
}

// What a window manager's close button does: WM_DELETE_WINDOW to X window `window`.
void ask_to_close(const std::string& window) {
  Display* x = XOpenDisplay(nullptr);
  BOOST_TEST_REQUIRE(x != nullptr);
  XEvent event{};
  event.xclient.type = ClientMessage;
  event.xclient.window = std::stoul(window);
  event.xclient.message_type = XInternAtom(x, "WM_PROTOCOLS", False);
  event.xclient.format = 32;
  event.xclient.data.l[0] = static_cast<long>(XInternAtom(x, "WM_DELETE_WINDOW", False));
  event.xclient.data.l[1] = CurrentTime;
  XSendEvent(x, event.xclient.window, False, NoEventMask, &event);
  XSync(x, False);
  XCloseDisplay(x);
}

// The heads scene (two 640x480 heads side by side on one channel) with the
// agent on, a client, and both of its windows up, the keyboard ready.
struct two_heads_with_agent {
  temp_directory work;
  virtual_display display{work, "2048x1024x24"};
  scene_server server{{"--scene", "heads", "--size", "1280x480", "--agent", "on", "--step-ms", "100"}};
  background_client client{{"--duration", "600", plain_uri(server.port())}};
  std::string first, second;  // X window ids

  explicit two_heads_with_agent(const std::string& name) : work(name) {
    BOOST_REQUIRE_MESSAGE(server.wait_for_output("scene complete", connect_limit), server.output() << client.log());
    BOOST_REQUIRE(!server.wait_for_line("agent client-capabilities", connect_limit).empty());
    first = wait_for_window("\\(1\\) - Vigil", connect_limit);
    second = wait_for_window("\\(2\\) - Vigil", connect_limit);
    BOOST_TEST_REQUIRE(!second.empty(), client.log());
    BOOST_REQUIRE(client.wait_for_log("[inputs:0] keyboard modifiers", connect_limit));
  }

  // Chooses Monitors > Monitor 2 in the first window's menu, the `time`-th time.
  void choose_monitor_2(std::size_t time) {
    xdotool({"windowfocus", "--sync", first});
    xdotool({"mousemove", "--window", first, "300", "300"});
    xdotool({"key", "--delay", "50", "ctrl+alt+m", "Down", "Down", "Down", "Right"});
    BOOST_REQUIRE_MESSAGE(client.wait_for_log("menu: at Monitors > Monitor 2 (640x480)", event_limit, time),
                          client.log());
    xdotool({"key", "Return"});
  }

  void stop() {
    auto run = client.stop();
    BOOST_TEST_REQUIRE(run.exit_code() == exit_codes::ok, run.context());
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(viewer_heads)

BOOST_AUTO_TEST_CASE(two_heads_on_one_channel_show_two_windows_each_equal_to_its_head) {
  check_one_window_per_head("heads", "1280x480");
}

BOOST_AUTO_TEST_CASE(two_display_channels_show_two_windows_each_equal_to_its_head) {
  check_one_window_per_head("displays", "640x480");
}

// The menu's Monitors entry disables the second head in the guest (its
// window goes) and enables it again (its window comes back).
BOOST_AUTO_TEST_CASE(the_menu_disables_and_enables_the_second_head) {
  two_heads_with_agent session("vigil-viewer-heads-menu");
  auto [first, server, client] = std::tie(session.first, session.server, session.client);
  const auto second_gone = [] {
    return run_process({"xdotool", "search", "--onlyvisible", "--name", "\\(2\\) - Vigil"}, 30s).exit_code != 0;
  };
  session.choose_monitor_2(1);
  const std::string off = server.wait_for_line("agent monitors-config", event_limit);
  BOOST_TEST(off == "agent monitors-config count=1 size=640x480 heads=0:640x480+0+0", client.log());
  BOOST_TEST(wait_until(second_gone, event_limit), client.log());
  // With the second head off, resizing the first window asks for it alone.
  BOOST_REQUIRE(client.wait_for_log("display:0: 1 head(s)", event_limit, 2));  // 1, 2, then 1 again
  xdotool({"windowsize", first, "600", "400"});
  const std::string alone = server.wait_for_line("agent monitors-config", event_limit, 2);
  BOOST_TEST(alone == "agent monitors-config count=1 size=600x400 heads=0:600x400+0+0", client.log());
  session.choose_monitor_2(2);
  const std::string on = server.wait_for_line("agent monitors-config", event_limit, 3);
  std::printf("Monitors > Monitor 2 from the menu: the agent saw '%s', '%s' (first window resized), then '%s'\n",
              off.c_str(), alone.c_str(), on.c_str());
  BOOST_TEST(on == "agent monitors-config count=2 size=600x400 heads=0:600x400+0+0,1:640x480+600+0", client.log());
  BOOST_TEST(!wait_for_window("\\(2\\) - Vigil", event_limit).empty(), client.log());
  session.stop();
}

// Closing the second head's window disables that head in the guest, as
// remote-viewer does, and the Monitors menu brings it back.
BOOST_AUTO_TEST_CASE(closing_a_heads_window_disables_the_head_and_the_menu_enables_it_again) {
  two_heads_with_agent session("vigil-viewer-heads-close");
  auto [server, client] = std::tie(session.server, session.client);
  ask_to_close(session.second);
  const std::string off = server.wait_for_line("agent monitors-config", event_limit);
  BOOST_TEST(off == "agent monitors-config count=1 size=640x480 heads=0:640x480+0+0", client.log());
  BOOST_TEST(client.wait_for_log("window closed: monitor 2 disabled", event_limit), client.log());
  session.choose_monitor_2(1);
  const std::string on = server.wait_for_line("agent monitors-config", event_limit, 2);
  std::printf("second window closed: the agent saw '%s'; Monitors > Monitor 2: '%s'\n", off.c_str(), on.c_str());
  BOOST_TEST(on == "agent monitors-config count=2 size=640x480 heads=0:640x480+0+0,1:640x480+640+0", client.log());
  const auto second_shown = [] {
    return run_process({"xdotool", "search", "--onlyvisible", "--name", "\\(2\\) - Vigil"}, 30s).exit_code == 0;
  };
  BOOST_TEST(wait_until(second_shown, event_limit), client.log());
  session.stop();
}

// The pointer over the second head's window reaches the guest at that
// head's pixels: with one channel of two 640x480 heads side by side, pixel
// (100, 50) of window 2 is the surface's (740, 50), and a click there
// arrives with its button.
BOOST_AUTO_TEST_CASE(the_pointer_in_the_second_heads_window_reaches_the_guest_at_that_heads_pixels) {
  temp_directory work("vigil-viewer-heads-pointer");
  virtual_display display(work, "2048x1024x24");
  scene_server server({"--scene", "heads", "--size", "1280x480", "--step-ms", "100"});
  background_client client({"--duration", "600", plain_uri(server.port())});
  BOOST_REQUIRE_MESSAGE(server.wait_for_output("scene complete", connect_limit), server.output() << client.log());
  BOOST_REQUIRE_MESSAGE(client.wait_for_log("mouse mode: client", connect_limit), client.log());
  const std::string second = wait_for_window("\\(2\\) - Vigil", connect_limit);
  BOOST_TEST_REQUIRE(!second.empty(), "no window for head 2; " << client.log());
  xdotool({"mousemove", "--window", second, "100", "50"});
  const std::string moved = server.wait_for_line("input tablet-position x=740 y=50", event_limit);
  xdotool({"click", "1"});
  const std::string clicked = server.wait_for_line("input tablet-buttons buttons=1", event_limit);
  std::printf("pointer at (100, 50) of window 2: the server saw '%s', then a click: '%s'\n", moved.c_str(),
              clicked.c_str());
  BOOST_TEST(!moved.empty(), joined(server.lines("input")) << client.log());
  BOOST_TEST(!clicked.empty(), joined(server.lines("input")) << client.log());
  auto run = client.stop();
  BOOST_TEST_REQUIRE(run.exit_code() == exit_codes::ok, run.context());
}

// Keys typed in the second head's window are the guest's, as in the first:
// the keyboard grab follows the focus there. (Before, only the viewer
// window's keys were read: this 'a' never reached the guest.)
BOOST_AUTO_TEST_CASE(keys_typed_in_the_second_heads_window_reach_the_guest) {
  two_heads_with_agent session("vigil-viewer-heads-keys");
  auto [second, server, client] = std::tie(session.second, session.server, session.client);
  const std::string log_before = client.log();
  std::size_t grabs_before = 0;
  for (auto at = log_before.find("keyboard grabbed"); at != std::string::npos;
       at = log_before.find("keyboard grabbed", at + 1))
    ++grabs_before;
  xdotool({"windowfocus", "--sync", second});
  xdotool({"mousemove", "--window", second, "100", "100"});
  BOOST_REQUIRE_MESSAGE(client.wait_for_log("keyboard grabbed", event_limit, grabs_before + 1), client.log());
  xdotool({"key", "a"});
  const std::string down = server.wait_for_line("input key-down scancode=0x1e", event_limit);
  const std::string up = server.wait_for_line("input key-up scancode=0x1e", event_limit);
  std::printf("'a' typed in window 2 (keyboard grabbed there): the server saw '%s', '%s'\n", down.c_str(), up.c_str());
  BOOST_TEST(!down.empty(), joined(server.lines("input key-")) << client.log());
  BOOST_TEST(!up.empty(), joined(server.lines("input key-")) << client.log());
  session.stop();
}

// Full screen with --monitor-mapping 1:2;2:1 on two 1024x768 client
// monitors: the first head fills the second monitor, the second the first,
// and the guest is asked for both heads at the monitors' size.
BOOST_AUTO_TEST_CASE(full_screen_with_a_monitor_mapping_puts_each_head_on_its_client_monitor) {
  temp_directory work("vigil-viewer-heads-mapping");
  virtual_display display(work, "2048x768x24");
  set_client_monitors(2, 1024, 768);
  scene_server server({"--scene", "heads", "--size", "1280x480", "--agent", "on", "--step-ms", "100"});
  background_client client({"--duration", "600", "--full-screen", "--monitor-mapping", "1:2;2:1", plain_uri(server.port())});
  BOOST_REQUIRE_MESSAGE(server.wait_for_output("scene complete", connect_limit), server.output() << client.log());
  const std::string first = wait_for_window("\\(1\\) - Vigil", connect_limit);
  const std::string second = wait_for_window("\\(2\\) - Vigil", connect_limit);
  BOOST_TEST_REQUIRE((!first.empty() && !second.empty()), client.log());
  std::string at[2];
  wait_until([&] { return (at[0] = window_geometry(first)) == "1024,0 1024x768" && (at[1] = window_geometry(second)) == "0,0 1024x768"; },
             event_limit, 250ms);
  const std::string both = "agent monitors-config count=2 size=1024x768 heads=0:1024x768+0+0,1:1024x768+1024+0";
  const bool asked = server.wait_for_output(both, event_limit);
  std::printf("--monitor-mapping 1:2;2:1: window 1 at %s, window 2 at %s; the agent %s '%s'\n", at[0].c_str(),
              at[1].c_str(), asked ? "saw" : "never saw", both.c_str());
  BOOST_TEST(at[0] == "1024,0 1024x768");
  BOOST_TEST(at[1] == "0,0 1024x768");
  BOOST_TEST(asked, server.output() << client.log());
  auto run = client.stop();
  BOOST_TEST_REQUIRE(run.exit_code() == exit_codes::ok, run.context());
}

BOOST_AUTO_TEST_SUITE_END()
