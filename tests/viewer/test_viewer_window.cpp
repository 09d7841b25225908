// The SFML viewer under a real X server (Xvfb), against the test server: its
// window shows exactly the server's framebuffer, and a server restart shows
// the reconnect banner over the last good frame, then the live picture again.
#define BOOST_TEST_MODULE vigil viewer window
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "child_process.hpp"
#include "loopback_ports.hpp"
#include "temp_directory.hpp"

using namespace std::chrono_literals;
using namespace vigil::test_support;

namespace {

// An X server of our own, the size of the test scene, so the window (centred
// by SFML) fills the screen and a root-window grab is the window.
class virtual_display {
public:
  explicit virtual_display(const temp_directory& work) {
    for (int number = 90; number < 130 && !server_; ++number) {
      if (std::ifstream("/tmp/.X" + std::to_string(number) + "-lock"))
        continue;
      name_ = ":" + std::to_string(number);
      server_ = std::make_unique<background_process>(
        std::vector<std::string>{"Xvfb", name_, "-screen", "0", "1024x768x24", "-nolisten", "tcp"},
        work.file("xvfb" + std::to_string(number) + ".log"));
      std::this_thread::sleep_for(1s);
      if (!server_->is_running())
        server_.reset();
    }
    BOOST_REQUIRE_MESSAGE(server_, "could not start Xvfb");
    setenv("DISPLAY", name_.c_str(), 1);
  }
  const std::string& name() const { return name_; }
  std::string grab(const std::string& path) const {
    auto result = run_process({"import", "-display", name_, "-window", "root", path}, 20s);
    BOOST_REQUIRE_MESSAGE(result.exit_code == 0, "import failed: " << result.stderr_text);
    return path;
  }

private:
  std::string name_;
  std::unique_ptr<background_process> server_;
};

// Pixels that differ between two images (ImageMagick's compare, AE metric),
// optionally within a geometry like "1024x740+0+28".
long differing_pixels(const std::string& a, const std::string& b, const std::string& region = "") {
  std::vector<std::string> argv = {"compare", "-metric", "AE"};
  if (!region.empty()) {
    argv.insert(argv.end(), {"-extract", region});
  }
  argv.insert(argv.end(), {a, b, "null:"});
  auto result = run_process(argv, 30s);
  return std::stol(result.stderr_text);  // compare prints the count on stderr
}

struct test_server {
  std::unique_ptr<background_process> process;
  std::string log_path;
  void start(std::uint16_t port, const temp_directory& work, const std::string& reference_dir) {
    log_path = work.file("server-" + std::to_string(std::rand()) + ".log");
    process = std::make_unique<background_process>(
      std::vector<std::string>{VIGIL_TEST_SERVER_BINARY, "--port", std::to_string(port), "--scene", "photo",
                               "--compression", "quic", "--reference-dir", reference_dir},
      log_path);
    wait_for_loopback_port(port, 5000ms);
  }
  void kill() { process.reset(); }
};

std::string uri(std::uint16_t port) { return "spice://127.0.0.1:" + std::to_string(port); }

// Runs xdotool on the test's X display (DISPLAY is set by virtual_display).
std::string xdotool(std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), "xdotool");
  auto result = run_process(arguments, 20s);
  BOOST_REQUIRE_MESSAGE(result.exit_code == 0, "xdotool failed: " << result.stderr_text);
  return result.stdout_text;
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

std::string vigil_window_id() { return first_line(xdotool({"search", "--name", "Vigil"})); }

// Gives the vigil window the keyboard focus, as clicking on it would.
void focus_vigil_window() { xdotool({"windowfocus", "--sync", vigil_window_id()}); }

// The test server's stdout lines that start with `prefix`, in order.
std::vector<std::string> server_lines(const std::string& log_path, const std::string& prefix) {
  std::vector<std::string> found;
  std::istringstream lines(read_text_file(log_path));
  for (std::string line; std::getline(lines, line);)
    if (line.rfind(prefix, 0) == 0)
      found.push_back(line);
  return found;
}

// The server's lines for each key pressed and released, in order.
std::vector<std::string> key_lines(std::initializer_list<const char*> codes) {
  std::vector<std::string> lines;
  for (const char* code : codes) {
    lines.push_back(std::string("input key-down scancode=") + code);
    lines.push_back(std::string("input key-up scancode=") + code);
  }
  return lines;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines)
    text += line + "; ";
  return text;
}

// Screenshots stay in the build tree (tests/viewer/screenshots/) for a person to look at.
std::string kept(const std::string& name) {
  std::string directory = VIGIL_SCREENSHOT_DIR;
  run_process({"mkdir", "-p", directory}, 10s);
  return directory + "/" + name;
}

}  // namespace

BOOST_AUTO_TEST_CASE(window_shows_exactly_the_servers_framebuffer) {
  temp_directory work("vigil-viewer");
  virtual_display display(work);
  auto port = find_free_loopback_port();
  test_server server;
  server.start(port, work, work.file("reference"));
  auto shot = kept("window.png");
  auto run = run_process({VIGIL_CLIENT_BINARY, "--duration", "6", "--screenshot", shot, uri(port)}, 60s);
  BOOST_TEST_MESSAGE("client: " << run.describe());
  BOOST_REQUIRE_EQUAL(run.exit_code.value_or(-1), 0);
  long differing = differing_pixels(shot, work.file("reference/final.ppm"));
  std::printf("viewer window vs server framebuffer (1024x768): %ld differing pixels; screenshot %s\n", differing,
              shot.c_str());
  BOOST_TEST(differing == 0);
}

BOOST_AUTO_TEST_CASE(server_restart_shows_the_reconnect_banner_over_the_last_frame_then_the_live_picture) {
  temp_directory work("vigil-viewer-restart");
  virtual_display display(work);
  auto port = find_free_loopback_port();
  test_server server;
  server.start(port, work, work.file("reference"));
  background_process client({VIGIL_CLIENT_BINARY, "--duration", "30", "--log-supervisor", uri(port)},
                            work.file("client.log"));
  std::this_thread::sleep_for(6s);  // the scene is drawn
  server.kill();
  std::this_thread::sleep_for(1500ms);
  auto during = display.grab(kept("during-outage.png"));
  server.start(port, work, work.file("reference-after"));
  std::this_thread::sleep_for(8s);  // reconnect backoff, link, scene redrawn
  auto after = display.grab(kept("after-reconnect.png"));
  auto reference = work.file("reference/final.ppm");
  long banner = differing_pixels(during, reference, "1024x28+0+0");
  long below_banner = differing_pixels(during, reference, "1024x740+0+28");
  long after_differing = differing_pixels(after, reference);
  std::printf("server restart: during the outage %ld of 28672 banner pixels differ (the banner) and %ld of 757760 "
              "below it (the last good frame); after reconnecting %ld differ. Screenshots: %s %s\n",
              banner, below_banner, after_differing, during.c_str(), after.c_str());
  BOOST_TEST(banner > 28672 / 2);
  BOOST_TEST(below_banner == 0);
  BOOST_TEST(after_differing == 0);
  auto log = read_text_file(work.file("client.log"));
  BOOST_TEST(log.find("session up -> reconnecting") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(typing_and_clicking_in_the_window_reach_the_server_in_order) {
  temp_directory work("vigil-viewer-input");
  virtual_display display(work);
  auto port = find_free_loopback_port();
  test_server server;
  server.start(port, work, work.file("reference"));
  background_process client({VIGIL_CLIENT_BINARY, "--duration", "25", uri(port)}, work.file("client.log"));
  std::this_thread::sleep_for(5s);  // connected, client mouse mode granted
  focus_vigil_window();
  xdotool({"type", "--delay", "80", "hello"});
  xdotool({"mousemove", "100", "200"});
  std::this_thread::sleep_for(300ms);
  xdotool({"click", "1"});
  std::this_thread::sleep_for(1500ms);
  auto keys = server_lines(server.log_path, "input key-");
  auto positions = server_lines(server.log_path, "input tablet-position");
  auto clicks = server_lines(server.log_path, "input tablet-buttons");
  std::printf("typed 'hello' through the window; the server saw: %s\npointer: %s\nbuttons: %s\n",
              joined(keys).c_str(), joined(positions).c_str(), joined(clicks).c_str());
  BOOST_TEST(keys == key_lines({"0x23", "0x12", "0x26", "0x26", "0x18"}),  // h e l l o, set-1
             boost::test_tools::per_element());
  BOOST_REQUIRE(!positions.empty());
  BOOST_TEST(positions.back() == "input tablet-position x=100 y=200 buttons=0");  // window at 1:1 scale
  BOOST_TEST(clicks == (std::vector<std::string>{"input tablet-buttons buttons=1", "input tablet-buttons buttons=0"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(guest_cursors_become_the_local_cursor_with_their_hot_spots) {
  temp_directory work("vigil-viewer-cursor");
  virtual_display display(work);
  auto port = find_free_loopback_port();
  background_process server({VIGIL_TEST_SERVER_BINARY, "--port", std::to_string(port), "--scene", "cursor"},
                            work.file("server.log"));
  wait_for_loopback_port(port, 5000ms);
  auto run = run_process({VIGIL_CLIENT_BINARY, "-v", "--duration", "6", uri(port)}, 60s);
  BOOST_REQUIRE_EQUAL(run.exit_code.value_or(-1), 0);
  // The scene sets a 32x32 ALPHA cursor with hot spot (5,7), then a 32x32 MONO one with (4,4).
  auto alpha = run.stderr_text.find("[viewer] cursor 32x32 hot spot (5,7)");
  auto mono = run.stderr_text.find("[viewer] cursor 32x32 hot spot (4,4)");
  std::printf("cursor scene: window took the ALPHA cursor: %s, then the MONO cursor: %s\n",
              alpha != std::string::npos ? "yes" : "no", mono != std::string::npos ? "yes" : "no");
  BOOST_TEST(alpha != std::string::npos);
  BOOST_TEST(mono != std::string::npos);
  BOOST_TEST(alpha < mono);
}

BOOST_AUTO_TEST_CASE(in_server_mouse_mode_a_click_grabs_the_pointer_and_ctrl_alt_releases_it) {
  temp_directory work("vigil-viewer-server-mouse");
  virtual_display display(work);
  auto port = find_free_loopback_port();
  test_server server;
  server.start(port, work, work.file("reference"));
  auto config = work.file("vigil.toml");
  write_text_file(config, "[mouse]\nclient_mode = false\n");  // stay in server (relative) mode
  background_process client({VIGIL_CLIENT_BINARY, "--duration", "12", "--config", config, uri(port)},
                            work.file("client.log"));
  std::this_thread::sleep_for(5s);
  focus_vigil_window();
  xdotool({"mousemove", "500", "400", "click", "1"});  // grabs
  std::this_thread::sleep_for(500ms);
  xdotool({"mousemove_relative", "10", "5"});
  std::this_thread::sleep_for(300ms);
  xdotool({"mousemove_relative", "--", "-20", "0"});
  std::this_thread::sleep_for(300ms);
  xdotool({"keydown", "ctrl", "keydown", "alt", "keyup", "alt", "keyup", "ctrl"});  // releases
  std::this_thread::sleep_for(300ms);
  xdotool({"mousemove_relative", "30", "30"});  // not the guest's any more
  std::this_thread::sleep_for(1s);
  auto pointer = server_lines(server.log_path, "input mouse-");
  std::printf("server mouse mode: the server saw %s\n", joined(pointer).c_str());
  const std::vector<std::string> expected{"input mouse-buttons buttons=1", "input mouse-buttons buttons=0",
                                          "input mouse-motion dx=10 dy=5 buttons=0",
                                          "input mouse-motion dx=-20 dy=0 buttons=0"};
  BOOST_TEST(pointer == expected, boost::test_tools::per_element());
}

// Every key of a 105-key pc105 keyboard, tapped one after another by its X
// keycode (evdev's: the Linux input code + 8; xdotool takes a number that is
// no keysym name as a keycode), reaches the server as its set-1 scancode: the
// ISO key, both Enters, the locks, Print Screen and Pause included. Locks are
// tapped twice so the local keyboard ends as it began.
BOOST_AUTO_TEST_CASE(every_key_of_a_105_key_layout_reaches_the_server_with_its_scancode) {
  const std::vector<std::pair<const char*, const char*>> layout = {
    {"Escape", "0x1"}, {"67", "0x3b"}, {"68", "0x3c"}, {"69", "0x3d"}, {"70", "0x3e"}, {"71", "0x3f"},
    {"72", "0x40"}, {"73", "0x41"}, {"74", "0x42"}, {"75", "0x43"}, {"76", "0x44"}, {"95", "0x57"},
    {"96", "0x58"}, {"107", "0xe037"}, {"127", "0xe11d45"},  // F1-F12, Print Screen, Pause
    {"49", "0x29"}, {"10", "0x2"}, {"11", "0x3"}, {"12", "0x4"}, {"13", "0x5"}, {"14", "0x6"}, {"15", "0x7"},
    {"16", "0x8"}, {"17", "0x9"}, {"18", "0xa"}, {"19", "0xb"}, {"20", "0xc"}, {"21", "0xd"},
    {"22", "0xe"},  // ` 1-0 - = Backspace
    {"23", "0xf"}, {"24", "0x10"}, {"25", "0x11"}, {"26", "0x12"}, {"27", "0x13"}, {"28", "0x14"},
    {"29", "0x15"}, {"30", "0x16"}, {"31", "0x17"}, {"32", "0x18"}, {"33", "0x19"}, {"34", "0x1a"},
    {"35", "0x1b"}, {"51", "0x2b"},  // Tab q-p [ ] and \ (ISO: #)
    {"38", "0x1e"}, {"39", "0x1f"}, {"40", "0x20"}, {"41", "0x21"}, {"42", "0x22"}, {"43", "0x23"},
    {"44", "0x24"}, {"45", "0x25"}, {"46", "0x26"}, {"47", "0x27"}, {"48", "0x28"},
    {"36", "0x1c"},  // a-l ; ' Enter
    {"50", "0x2a"}, {"94", "0x56"}, {"52", "0x2c"}, {"53", "0x2d"}, {"54", "0x2e"}, {"55", "0x2f"},
    {"56", "0x30"}, {"57", "0x31"}, {"58", "0x32"}, {"59", "0x33"}, {"60", "0x34"}, {"61", "0x35"},
    {"62", "0x36"},  // left Shift, ISO <>, z-m , . / right Shift
    {"37", "0x1d"}, {"133", "0xe05b"}, {"64", "0x38"}, {"65", "0x39"}, {"108", "0xe038"},
    {"134", "0xe05c"}, {"135", "0xe05d"}, {"105", "0xe01d"},  // Ctrl Meta Alt Space AltGr Meta Menu Ctrl
    {"118", "0xe052"}, {"110", "0xe047"}, {"112", "0xe049"}, {"119", "0xe053"}, {"115", "0xe04f"},
    {"117", "0xe051"}, {"111", "0xe048"}, {"113", "0xe04b"}, {"116", "0xe050"}, {"114", "0xe04d"},
    {"106", "0xe035"}, {"63", "0x37"}, {"82", "0x4a"}, {"79", "0x47"}, {"80", "0x48"}, {"81", "0x49"},
    {"86", "0x4e"}, {"83", "0x4b"}, {"84", "0x4c"}, {"85", "0x4d"}, {"87", "0x4f"}, {"88", "0x50"},
    {"89", "0x51"}, {"104", "0xe01c"}, {"90", "0x52"}, {"91", "0x53"},  // keypad / * - 7-9 + 4-6 1-3 Enter 0 .
    {"66", "0x3a"}, {"66", "0x3a"}, {"77", "0x45"}, {"77", "0x45"}, {"78", "0x46"}, {"78", "0x46"},  // locks
  };
  std::set<std::string> distinct_keys;
  std::vector<std::string> arguments = {"key", "--delay", "40"};
  std::vector<std::string> expected;
  for (auto [keysym, scancode] : layout) {
    distinct_keys.insert(keysym);
    arguments.push_back(keysym);
    expected.push_back(std::string("input key-down scancode=") + scancode);
    expected.push_back(std::string("input key-up scancode=") + scancode);
  }
  BOOST_TEST_REQUIRE(distinct_keys.size() == 105u);

  temp_directory work("vigil-viewer-all-keys");
  virtual_display display(work);
  auto port = find_free_loopback_port();
  test_server server;
  server.start(port, work, work.file("reference"));
  background_process client({VIGIL_CLIENT_BINARY, "--duration", "16", uri(port)}, work.file("client.log"));
  std::this_thread::sleep_for(5s);
  focus_vigil_window();
  std::this_thread::sleep_for(500ms);
  xdotool(arguments);
  std::this_thread::sleep_for(1500ms);
  auto keys = server_lines(server.log_path, "input key-");
  std::size_t matching = 0;
  while (matching < std::min(keys.size(), expected.size()) && keys[matching] == expected[matching])
    ++matching;
  std::printf("105-key layout: %zu of %zu key lines as expected, in order (the server saw %zu)\n", matching,
              expected.size(), keys.size());
  for (std::size_t i = matching; i < std::min(keys.size(), matching + 6); ++i)
    std::printf("  line %zu: saw '%s', expected '%s'\n", i, keys[i].c_str(),
                i < expected.size() ? expected[i].c_str() : "nothing");
  BOOST_TEST(keys == expected, boost::test_tools::per_element());
}

// Caps Lock toggled while another window has the focus: the guest's lock
// follows when the vigil window gets the focus back (KEY_MODIFIERS, which
// spice-server turns into Caps Lock taps on the guest's keyboard).
BOOST_AUTO_TEST_CASE(guest_locks_follow_the_local_keyboard_when_the_window_gets_the_focus) {
  temp_directory work("vigil-viewer-lock-sync");
  virtual_display display(work);
  auto port = find_free_loopback_port();
  test_server server;
  server.start(port, work, work.file("reference"));
  background_process client({VIGIL_CLIENT_BINARY, "--duration", "25", uri(port)}, work.file("client.log"));
  std::this_thread::sleep_for(5s);
  // The root window gets the focus, with the pointer over it and not over
  // vigil's window (which would then get the keys: X's focus rule).
  auto root = first_line(xdotool({"search", "--maxdepth", "0", "--name", ""}));
  xdotool({"windowmove", "--sync", vigil_window_id(), "400", "300"});
  xdotool({"mousemove", "--sync", "20", "20"});
  std::vector<std::string> leds_seen;
  for (const char* expected : {"input leds scroll=0 num=0 caps=1", "input leds scroll=0 num=0 caps=0"}) {
    xdotool({"windowfocus", "--sync", root});
    std::this_thread::sleep_for(300ms);
    xdotool({"key", "Caps_Lock"});  // to the root window: vigil does not see it
    std::this_thread::sleep_for(700ms);
    auto before = server_lines(server.log_path, "input leds");
    focus_vigil_window();
    std::this_thread::sleep_for(1s);
    auto after = server_lines(server.log_path, "input leds");
    BOOST_TEST_REQUIRE(after.size() == before.size() + 1,
                       "one LED change after the focus, not before: " << joined(before) << " then " << joined(after));
    leds_seen.push_back(after.back());
    BOOST_TEST(after.back() == expected);
  }
  std::printf("lock sync on focus: the server's LEDs went %s\n", joined(leds_seen).c_str());
  BOOST_TEST(server_lines(server.log_path, "input key-").size() == 4u);  // two Caps taps from spice-server, no more
}

namespace {

// The test server with its emulated vdagent (tests/test_server/README.md).
std::unique_ptr<background_process> start_agent_server(std::uint16_t port, std::vector<std::string> agent_options,
                                                       const std::string& log_path) {
  std::vector<std::string> argv{VIGIL_TEST_SERVER_BINARY, "--port", std::to_string(port), "--scene", "solid",
                                "--size", "1024x768"};
  argv.insert(argv.end(), agent_options.begin(), agent_options.end());
  auto server = std::make_unique<background_process>(argv, log_path);
  wait_for_loopback_port(port, 5000ms);
  return server;
}

// Waits up to `limit` for a server line starting with `prefix`; the last such line, or "".
std::string wait_for_line(const std::string& log_path, const std::string& prefix, std::chrono::milliseconds limit) {
  for (auto waited = 0ms; waited <= limit; waited += 100ms) {
    auto lines = server_lines(log_path, prefix);
    if (!lines.empty())
      return lines.back();
    std::this_thread::sleep_for(100ms);
  }
  return "";
}

// Another X client: what it reads from / puts into CLIPBOARD.
process_result xclip(std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), {"xclip", "-selection", "clipboard"});
  return run_process(arguments, 20s);
}

// The width and height in a binary PPM's header.
std::pair<int, int> ppm_size(const std::string& path) {
  std::istringstream in(read_text_file(path));
  std::string magic;
  int width = 0, height = 0;
  in >> magic >> width >> height;
  return {width, height};
}

}  // namespace

BOOST_AUTO_TEST_CASE(guest_clipboard_text_reaches_the_local_clipboard_and_goes_back_into_the_guest) {
  temp_directory work("vigil-viewer-clipboard");
  virtual_display display(work);
  auto port = find_free_loopback_port();
  auto log_path = work.file("server.log");
  auto server = start_agent_server(port, {"--agent-clipboard", "text from guest"}, log_path);
  background_process client({VIGIL_CLIENT_BINARY, "--duration", "14", uri(port)}, work.file("client.log"));
  BOOST_REQUIRE_MESSAGE(!wait_for_line(log_path, "agent guest-grab", 10s).empty(), "the guest never grabbed");
  // The client fetches the guest's text eagerly: wait for that request.
  BOOST_REQUIRE(!wait_for_line(log_path, "agent clipboard-request", 5s).empty());
  std::this_thread::sleep_for(300ms);
  auto local = xclip({"-o"});
  std::printf("guest copied 'text from guest'; xclip -o read '%s' (exit %d)\n", local.stdout_text.c_str(),
              local.exit_code.value_or(-1));
  BOOST_TEST(local.stdout_text == "text from guest");
  // Another X client copies the same text: the client grabs in the guest,
  // whose agent asks for it and receives it.
  std::string back = local.stdout_text + " and back";
  auto set = run_process({"sh", "-c", "printf %s '" + back + "' | xclip -selection clipboard -i -loops 1 -quiet"}, 20s,
                         std::chrono::seconds(1));
  auto data = wait_for_line(log_path, "agent clipboard-data", 5s);
  auto grab = server_lines(log_path, "agent clipboard-grab");
  std::printf("local copy of '%s': the guest saw grab: %s; data: %s\n", back.c_str(), joined(grab).c_str(),
              data.c_str());
  BOOST_REQUIRE(!grab.empty());
  BOOST_TEST(data.find("bytes=" + std::to_string(back.size())) != std::string::npos);
  BOOST_TEST(data.find("text=\"" + back + "\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_clipboard_text_larger_than_one_agent_chunk_crosses_both_ways) {
  temp_directory work("vigil-viewer-clipboard-large");
  virtual_display display(work);
  auto port = find_free_loopback_port();
  auto log_path = work.file("server.log");
  constexpr int size = 10000;  // five AGENT_DATA chunks of at most 2048 bytes
  auto server = start_agent_server(port, {"--agent-clipboard-bytes", std::to_string(size)}, log_path);
  background_process client({VIGIL_CLIENT_BINARY, "--duration", "14", uri(port)}, work.file("client.log"));
  BOOST_REQUIRE(!wait_for_line(log_path, "agent clipboard-request", 10s).empty());
  std::this_thread::sleep_for(500ms);
  auto local = xclip({"-o"});
  BOOST_TEST(local.stdout_text.size() == std::size_t{size});
  BOOST_TEST(local.stdout_text.rfind("line 00000\nline 00001\n", 0) == 0);
  auto file = work.file("local.txt");
  write_text_file(file, local.stdout_text);
  run_process({"sh", "-c", "xclip -selection clipboard -i -loops 1 -quiet < '" + file + "'"}, 20s, std::chrono::seconds(1));
  auto data = wait_for_line(log_path, "agent clipboard-data", 5s);
  std::printf("%d-byte guest text: the local clipboard held %zu bytes; back in the guest: %s\n", size,
              local.stdout_text.size(), data.c_str());
  BOOST_TEST(data.find("bytes=" + std::to_string(size)) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(resizing_the_window_sends_a_monitors_config_and_the_guest_surface_follows) {
  temp_directory work("vigil-viewer-resize");
  virtual_display display(work);
  auto port = find_free_loopback_port();
  auto log_path = work.file("server.log");
  auto server = start_agent_server(port, {"--agent", "on"}, log_path);
  auto dump = work.file("primary.ppm");
  auto shot = kept("resized-window.png");
  background_process client({VIGIL_CLIENT_BINARY, "--duration", "12", "--dump-primary", dump, "--screenshot", shot,
                             uri(port)},
                            work.file("client.log"));
  BOOST_REQUIRE(!wait_for_line(log_path, "agent client-capabilities", 10s).empty());
  std::this_thread::sleep_for(3s);  // the scene is drawn
  auto windows = xdotool({"search", "--name", "Vigil"});
  xdotool({"windowsize", windows.substr(0, windows.find('\n')), "800", "600"});
  auto config = wait_for_line(log_path, "agent monitors-config", 5s);
  auto primary = wait_for_line(log_path, "primary size=800x600", 5s);
  BOOST_TEST(!wait_for_line(log_path, "agent redrew size=800x600", 5s).empty());
  std::printf("window resized to 800x600: server saw '%s', then '%s'\n", config.c_str(), primary.c_str());
  BOOST_TEST(config == "agent monitors-config count=1 size=800x600");
  BOOST_TEST(!primary.empty());
  for (int i = 0; i < 300 && client.is_running(); ++i)
    std::this_thread::sleep_for(100ms);
  BOOST_REQUIRE_MESSAGE(!client.is_running(), "the client did not exit after --duration");
  auto [width, height] = ppm_size(dump);
  auto shot_size = run_process({"identify", "-format", "%wx%h", shot}, 20s).stdout_text;
  long differing = differing_pixels(shot, dump);
  auto colours = std::stol(run_process({"convert", dump, "-format", "%k", "info:"}, 20s).stdout_text);
  std::printf("the client's primary surface at exit: %dx%d with %ld colours; the window %s, %ld pixels differ from "
              "the surface\n",
              width, height, colours, shot_size.c_str(), differing);
  BOOST_TEST(width == 800);
  BOOST_TEST(height == 600);
  BOOST_TEST(shot_size == "800x600");
  BOOST_TEST(differing == 0);
  BOOST_TEST(colours > 1000);  // the guest's repainted desktop (photo tile), not an empty surface
  auto log = read_text_file(work.file("client.log"));
  BOOST_TEST(log.find("\"last_monitors_config\":\"800x600\"") != std::string::npos);
  BOOST_TEST(server_lines(log_path, "agent monitors-config").size() == 1u);  // debounced, and not echoed back
}
