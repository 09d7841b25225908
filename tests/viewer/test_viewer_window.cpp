// The SFML viewer under a real X server (Xvfb), against the test server: its
// window shows exactly the server's framebuffer, and a server restart shows
// the reconnect banner over the last good frame, then the live picture again.
#define BOOST_TEST_MODULE vigil viewer window
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <fstream>
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
    for (int i = 0; i < 100 && !loopback_port_accepts_connections(port); ++i)
      std::this_thread::sleep_for(50ms);
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

// Gives the vigil window the keyboard focus, as clicking on it would.
void focus_vigil_window() {
  auto windows = xdotool({"search", "--name", "Vigil"});
  xdotool({"windowfocus", "--sync", windows.substr(0, windows.find('\n'))});
}

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
  background_process client({VIGIL_CLIENT_BINARY, "--duration", "14", uri(port)}, work.file("client.log"));
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
  for (int i = 0; i < 100 && !loopback_port_accepts_connections(port); ++i)
    std::this_thread::sleep_for(50ms);
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

BOOST_AUTO_TEST_CASE(lock_keys_print_screen_and_keypad_enter_reach_the_server) {
  temp_directory work("vigil-viewer-special-keys");
  virtual_display display(work);
  auto port = find_free_loopback_port();
  test_server server;
  server.start(port, work, work.file("reference"));
  background_process client({VIGIL_CLIENT_BINARY, "--duration", "12", uri(port)}, work.file("client.log"));
  std::this_thread::sleep_for(5s);
  focus_vigil_window();
  std::this_thread::sleep_for(500ms);
  // SFML 2.5 reports none of these as themselves; x11_keyboard finds them.
  for (const char* key : {"Caps_Lock", "Num_Lock"}) {  // taps: a lock key is known by its LED
    xdotool({"key", key});
    std::this_thread::sleep_for(400ms);
  }
  for (const char* key : {"Print", "KP_Enter"}) {  // held as a person holds a key (x11_keyboard.hpp)
    xdotool({"keydown", key});
    std::this_thread::sleep_for(150ms);
    xdotool({"keyup", key});
    std::this_thread::sleep_for(400ms);
  }
  std::this_thread::sleep_for(1s);
  auto keys = server_lines(server.log_path, "input key-");
  std::printf("special keys: the server saw %s\n", joined(keys).c_str());
  BOOST_TEST(keys == key_lines({"0x3a", "0x45", "0xe037", "0xe01c"}),  // Caps, Num, Print Screen, keypad Enter
             boost::test_tools::per_element());
}

namespace {

// The test server with its emulated vdagent (tests/test_server/README.md).
std::unique_ptr<background_process> start_agent_server(std::uint16_t port, std::vector<std::string> agent_options,
                                                       const std::string& log_path) {
  std::vector<std::string> argv{VIGIL_TEST_SERVER_BINARY, "--port", std::to_string(port), "--scene", "solid",
                                "--size", "1024x768"};
  argv.insert(argv.end(), agent_options.begin(), agent_options.end());
  auto server = std::make_unique<background_process>(argv, log_path);
  for (int i = 0; i < 100 && !loopback_port_accepts_connections(port); ++i)
    std::this_thread::sleep_for(50ms);
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
