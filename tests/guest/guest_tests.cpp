// Vigil against a real Linux guest (tests/guest/, docs/testing.md): QXL
// drawn by the guest's own driver, keys that the guest's own keyboard driver
// turns into bytes on its console, and a cursor the guest sets through DRM.
// The guest says what it did on its serial port; every wait is on such a
// line, a client log line, a snapshot field or an X property.
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <iomanip>
#include <set>
#include <sstream>

#include "client_run.hpp"
#include "guest_cursor_shape.hpp"
#include "linux_guest.hpp"
#include "ppm_image.hpp"
#include "temp_directory.hpp"
#include "waiting.hpp"
#include "x_display.hpp"

using namespace std::chrono_literals;
using namespace vigil::test_support;

namespace {

constexpr auto boot_limit = linux_guest::boot_limit;
constexpr auto event_limit = 60s;     // the guest runs under TCG: everything it does is slow
constexpr auto connect_limit = 120s;  // a window client linking to a busy TCG guest

// QEMU's USB tablet, driven by the guest's usbhid: spice-server then offers
// client mouse mode (the keyboard is the PS/2 one either way). A client that
// connects once the guest is up gets client mode at INIT.
void add_tablet(linux_guest_options& options) {
  options.spice.extra_args = {"-device", "qemu-xhci", "-device", "usb-tablet"};
  options.module_groups.push_back("tablet");
}

void require_ready(const linux_guest& guest) {
  BOOST_TEST_REQUIRE(guest.wait_for("ready", boot_limit), "the guest did not come up:" << guest.describe());
  BOOST_TEST_REQUIRE(guest.events("failed").empty(), guest.describe());
}

// The bytes `text` makes on a raw console, as the guest reports them.
std::vector<std::string> key_events(const std::string& text) {
  std::vector<std::string> events;
  for (unsigned char c : text) {
    std::ostringstream hex;
    hex << "key " << std::hex << std::setw(2) << std::setfill('0') << int{c};
    events.push_back(hex.str());
  }
  return events;
}

// The client's inputs channel is up: keys typed from now on reach the server.
bool inputs_up(const nlohmann::json& snapshot) {
  for (const auto& channel : snapshot.value("channels", nlohmann::json::array()))
    if (channel.value("channel", "") == "inputs")
      return channel.value("state", "") == "up";
  return false;
}

// Types `text` into the vigil window (focused) once the inputs channel is up
// and checks that the guest received exactly its bytes, in order.
void check_typing_reaches_the_guest(background_client& client, const linux_guest& guest, const std::string& text) {
  const auto snapshot = client.wait_for_snapshot(inputs_up, connect_limit);
  BOOST_TEST_REQUIRE((snapshot && inputs_up(*snapshot)), "the inputs channel never came up: " << client.log());
  const auto expected = key_events(text);
  xdotool({"windowfocus", "--sync", wait_for_window("Vigil", event_limit)});
  xdotool({"type", "--delay", "100", text});
  xdotool({"key", "Return"});
  guest.wait_for("key ", event_limit, expected.size() + 1);
  auto seen = guest.events("key ");
  std::printf("typed '%s' and Return in the window; the guest read: %s\n", text.c_str(), joined(seen).c_str());
  auto with_return = expected;
  with_return.push_back("key 0d");
  BOOST_TEST(seen == with_return, boost::test_tools::per_element());
}

}  // namespace

// The fixture itself: Debian's kernel boots the initramfs, the guest's own
// qxl driver gives fbcon a 1024x768 framebuffer, and the drawn page is on
// QEMU's screen (QMP screendump, taken while the guest waits for a key).
BOOST_AUTO_TEST_CASE(the_guest_boots_to_fbcon_on_its_own_qxl_driver, *boost::unit_test::label("guest")) {
  temp_directory work("guest-boot");
  linux_guest_options options;
  options.workload = "draw";
  const auto started = std::chrono::steady_clock::now();
  linux_guest guest(options);
  require_ready(guest);
  const double boot_s = seconds_since(started);
  BOOST_TEST_REQUIRE(guest.wait_for("drawn page=1", event_limit), guest.describe());
  const std::string shot = work.file("screen.ppm");
  const std::string problem = guest.qemu().screendump(shot);
  BOOST_TEST_REQUIRE(problem.empty(), problem << guest.describe());
  std::string error;
  const auto screen = read_ppm(shot, error);
  BOOST_TEST_REQUIRE(screen.has_value(), error);
  std::set<std::uint32_t> colours;
  for (int y = 0; y < screen->height; y += 2)
    for (int x = 0; x < screen->width; x += 2)
      colours.insert(screen->at(x, y));
  std::printf("guest: '%s' %.1f s after QEMU started; screen %dx%d with %zu colours\n",
              guest.events("ready").front().c_str(), boot_s, screen->width, screen->height, colours.size());
  BOOST_TEST(guest.events("ready").front() == "ready workload=draw fb=1024x768");
  BOOST_TEST(screen->width == 1024);
  BOOST_TEST(screen->height == 768);
  BOOST_TEST(colours.size() >= 8u, "the page's coloured text is on the screen");
}

// The client, connected from before the guest boots, follows SeaBIOS, the
// kernel's switch to the qxl driver and fbcon's drawing; once the guest has
// drawn its page and waits for a key, the client's primary surface equals
// QEMU's own screendump pixel for pixel.
BOOST_AUTO_TEST_CASE(primary_surface_equals_qmp_screendump_after_the_guest_drew_and_paused,
                     *boost::unit_test::label("guest") * boost::unit_test::label("display")) {
  temp_directory work("guest-display");
  linux_guest_options options;
  options.workload = "draw";
  linux_guest guest(options);
  const std::string dump = work.file("client.ppm");
  background_client client({"--headless", "--duration", "900", "--dump-primary", dump, plain_uri(guest.port())});
  require_ready(guest);
  BOOST_TEST_REQUIRE(guest.wait_for("drawn page=1", event_limit), guest.describe());
  // What the guest drew has reached the client once the display channel is
  // quiet for two heartbeat periods (the guest draws nothing while it waits).
  wait_until_display_quiet(client, event_limit);
  const auto run = client.stop();  // SIGTERM: the client writes its primary surface as it ends
  BOOST_TEST_REQUIRE(run.exit_code() == exit_codes::ok, run.context());
  // The guest still waits for its key, so QEMU (running) shows page 1 too.
  const std::string shot = work.file("qemu.ppm");
  const std::string problem = guest.qemu().screendump(shot);
  BOOST_TEST_REQUIRE(problem.empty(), problem << guest.describe());
  BOOST_TEST_REQUIRE(guest.events("key ").empty(), "the guest moved on: " << guest.describe());
  std::string error;
  const auto reference = read_ppm(shot, error);
  BOOST_TEST_REQUIRE(reference.has_value(), error);
  const auto picture = read_ppm(dump, error);
  BOOST_TEST_REQUIRE(picture.has_value(), error << run.context());
  const auto comparison = compare(*reference, *picture);
  const auto* display = run.channel("display");
  std::printf("real guest, page 1: client vs QEMU screendump: %s; display channel %s\n",
              comparison.describe(*reference).c_str(), display ? display->dump().c_str() : "missing");
  BOOST_TEST(comparison.same_size, comparison.describe(*reference));
  BOOST_TEST(comparison.mismatched_pixels == 0u, comparison.describe(*reference));
}

// Keys typed into the window reach the guest's console through its own PS/2
// keyboard driver and keymap (shifted characters included): the guest echoes
// each byte to its serial port. Client mouse mode (a USB tablet is present).
BOOST_AUTO_TEST_CASE(keys_typed_in_the_window_reach_the_guest_in_client_mouse_mode,
                     *boost::unit_test::label("guest") * boost::unit_test::label("viewer")) {
  temp_directory work("guest-keys-client");
  virtual_display display(work);
  linux_guest_options options;
  options.workload = "echo";
  add_tablet(options);
  linux_guest guest(options);
  require_ready(guest);
  background_client client({"--duration", "900", plain_uri(guest.port())});
  BOOST_TEST_REQUIRE(client.wait_for_log("mouse mode: client", connect_limit),
                     "client " << (client.is_running() ? "running" : "gone") << ", log:\n"
                                << client.log() << guest.describe());
  check_typing_reaches_the_guest(client, guest, "Hello, Guest 42!");
}

// The same in server mouse mode: no tablet, so spice-server offers only
// server mode, and the client is configured not to ask for client mode.
BOOST_AUTO_TEST_CASE(keys_typed_in_the_window_reach_the_guest_in_server_mouse_mode,
                     *boost::unit_test::label("guest") * boost::unit_test::label("viewer")) {
  temp_directory work("guest-keys-server");
  virtual_display display(work);
  linux_guest_options options;
  options.workload = "echo";
  linux_guest guest(options);
  const auto config = write_config(work, "[mouse]\nclient_mode = false\n");
  background_client client({"--duration", "900", "--config", config, plain_uri(guest.port())});
  require_ready(guest);
  BOOST_TEST_REQUIRE(client.wait_for_log("mouse mode: server", connect_limit), client.log() << guest.describe());
  check_typing_reaches_the_guest(client, guest, "vigil, server mode: 7*6=42");
  BOOST_TEST(client.log().find("mouse mode: client") == std::string::npos, client.log());
}

// The guest sets a cursor through its DRM driver (bin/vigil-guest-cursor: a
// 64x64 ARGB shape with hot spot (3,5)); with the pointer over the window, X
// shows that cursor (XFixesGetCursorImage): its size, hot spot, shape and
// colours. Known failure, counted by expected_failures: SFML 2.5 makes
// monochrome X cursors (its documented Unix behaviour), so the colours are
// lost; the shape and hot spot arrive. When the window keeps colours, this
// test fails until the decorator goes.
BOOST_AUTO_TEST_CASE(the_guests_cursor_shape_becomes_the_x_cursor_over_the_window,
                     *boost::unit_test::label("guest") * boost::unit_test::label("viewer") *
                       boost::unit_test::expected_failures(1)) {
  namespace shape = vigil::guest_cursor;
  temp_directory work("guest-cursor");
  virtual_display display(work);
  linux_guest_options options;
  options.kernel_arguments = {"vigil.cursor=1"};
  add_tablet(options);
  linux_guest guest(options);
  require_ready(guest);
  background_client client({"--duration", "900", plain_uri(guest.port())});
  BOOST_TEST_REQUIRE(guest.wait_for("cursor set", event_limit), guest.describe());
  BOOST_TEST_REQUIRE(client.wait_for_log("mouse mode: client", connect_limit),
                     "client " << (client.is_running() ? "running" : "gone") << ", log:\n"
                                << client.log() << guest.describe());
  const auto window = wait_for_window("Vigil", event_limit);
  BOOST_TEST_REQUIRE(!window.empty(), client.log());
  xdotool({"mousemove", "--window", window, "300", "300"});
  std::optional<x_cursor_image> cursor;
  wait_until(
    [&] {
      cursor = current_x_cursor();
      return cursor && cursor->width == shape::size && cursor->height == shape::size;
    },
    event_limit, 100ms);
  BOOST_TEST_REQUIRE(cursor.has_value(), "no XFixes cursor image");
  std::vector<std::uint32_t> expected;
  for (int y = 0; y < shape::size; ++y)
    for (int x = 0; x < shape::size; ++x)
      expected.push_back(shape::pixel(x, y));
  const auto comparison = compare_cursor(*cursor, expected, shape::size, shape::size);
  std::printf("guest cursor '%s': X shows %s; %s\n", guest.events("cursor").front().c_str(), cursor->describe().c_str(),
              comparison.describe().c_str());
  BOOST_TEST_REQUIRE(comparison.same_size, cursor->describe());
  BOOST_TEST(cursor->hot_x == shape::hot_x);
  BOOST_TEST(cursor->hot_y == shape::hot_y);
  BOOST_TEST(comparison.shape_mismatches == 0u, comparison.describe());
  BOOST_TEST(comparison.colour_mismatches == 0u, comparison.describe());  // the expected failure
}
