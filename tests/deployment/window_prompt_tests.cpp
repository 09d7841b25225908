// The window asks for a refused password: a masked field over the last
// frame, typed with real X key events (xdotool) under Xvfb, against QEMU with
// a password. Enter connects; Escape gives up with exit 3.
#include "client_run.hpp"
#include "qemu_server.hpp"
#include "temp_directory.hpp"
#include "x_display.hpp"

#include <boost/test/unit_test.hpp>

using namespace vigil::test_support;
using namespace std::chrono_literals;

namespace {

constexpr auto window_limit = 60s;  // a loaded 2-core machine with Mesa's software OpenGL

// Waits for the form, focuses the window and types `keys` (xdotool key names).
void answer_in_window(const background_client& client, const std::string& text, const std::string& final_key) {
  BOOST_REQUIRE_MESSAGE(client.wait_for_log("asking for the password in the window", window_limit), client.log());
  auto window = wait_for_window("Vigil", window_limit);
  BOOST_REQUIRE_MESSAGE(!window.empty(), "no Vigil window was mapped");
  xdotool({"windowfocus", "--sync", window});
  if (!text.empty())
    xdotool({"type", "--delay", "60", text});
  xdotool({"key", final_key});
}

}  // namespace

BOOST_AUTO_TEST_SUITE(window_prompt)

BOOST_AUTO_TEST_CASE(window_asks_for_a_refused_password_in_a_masked_field, *boost::unit_test::label("qemu")) {
  temp_directory work("window-prompt");
  virtual_display display(work);
  qemu_server qemu(password_spice("window-secret-8"));
  background_client client({"--duration", "6", plain_uri(qemu.port())});
  answer_in_window(client, "window-secret-8", "Return");
  BOOST_REQUIRE_MESSAGE(client.wait_for_log("credentials entered: connecting again", window_limit), client.log());
  auto run = client.finish(window_limit);
  BOOST_TEST_INFO(run.context());
  BOOST_TEST(run.exit_code() == exit_codes::ok);
  BOOST_TEST(run.process.stderr_text.find("window-secret-8") == std::string::npos);
  BOOST_TEST(run.process.stdout_text.find("window-secret-8") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(escape_in_the_password_field_keeps_exit_3, *boost::unit_test::label("qemu")) {
  temp_directory work("window-prompt-cancel");
  virtual_display display(work);
  qemu_server qemu(password_spice("never-typed-3"));
  background_client client({"--duration", "30", plain_uri(qemu.port())});
  answer_in_window(client, "", "Escape");
  auto run = client.finish(window_limit);
  BOOST_TEST_INFO(run.context());
  BOOST_TEST(run.exit_code() == exit_codes::auth_failed);
  BOOST_TEST(run.process.elapsed_seconds < 29.0);
}

BOOST_AUTO_TEST_SUITE_END()
