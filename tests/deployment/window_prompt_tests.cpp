// The window asks for a refused password: a masked field over the last
// frame, typed with real X key events (xdotool) under Xvfb, against QEMU with
// a password. Enter connects; Escape gives up with exit 3. A ticket that
// expires while the session is up is asked for again in the same field; and
// --wait shows "Waiting for HOST:PORT" until a late server answers.
#include "child_process.hpp"
#include "client_run.hpp"
#include "loopback_ports.hpp"
#include "qemu_server.hpp"
#include "qmp_client.hpp"
#include "temp_directory.hpp"
#include "waiting.hpp"
#include "x_display.hpp"

#include <boost/test/unit_test.hpp>

using namespace vigil::test_support;
using namespace std::chrono_literals;

namespace {

constexpr auto window_limit = 60s;  // a loaded 2-core machine with Mesa's software OpenGL

// Waits for the form, focuses the window and types `text`, then
// `final_key` (xdotool key names). The masked field on screen changes as
// `text` is typed (the form is drawn, with no OpenGL under Xvfb).
void answer_in_window(const virtual_display& display, const temp_directory& work, const background_client& client,
                      const std::string& text, const std::string& final_key) {
  BOOST_REQUIRE_MESSAGE(client.wait_for_log("asking for the password in the window", window_limit), client.log());
  auto window = wait_for_window("Vigil", window_limit);
  BOOST_REQUIRE_MESSAGE(!window.empty(), "no Vigil window was mapped");
  xdotool({"windowfocus", "--sync", window});
  if (!text.empty()) {
    const std::string before = display.grab(work.file("form-before.png"));
    xdotool({"type", "--delay", "60", text});
    long changed = 0;
    wait_until([&] { return (changed = differing_pixels(before, display.grab(work.file("form-typed.png")))) > 0; },
               10s, 250ms);
    BOOST_TEST_MESSAGE("typing changed " << changed << " pixels of the form");
    BOOST_TEST(changed > 0);
  }
  xdotool({"key", final_key});
}

// The lines saying the session is up ("[session] session N up").
std::size_t sessions_up(const background_client& client) {
  std::size_t up = 0;
  for (const auto& line : lines_with(client.log(), "[session] session "))
    up += line.size() >= 3 && line.compare(line.size() - 3, 3, " up") == 0;
  return up;
}

std::string window_name(const std::string& window) {
  return run_process({"xdotool", "getwindowname", window}, 30s).stdout_text;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(window_prompt)

BOOST_AUTO_TEST_CASE(window_asks_for_a_refused_password_in_a_masked_field, *boost::unit_test::label("qemu")) {
  temp_directory work("window-prompt");
  virtual_display display(work);
  qemu_server qemu(password_spice("window-secret-8"));
  background_client client({"--duration", "6", plain_uri(qemu.port())});
  answer_in_window(display, work, client, "window-secret-8", "Return");
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
  answer_in_window(display, work, client, "", "Escape");
  auto run = client.finish(window_limit);
  BOOST_TEST_INFO(run.context());
  BOOST_TEST(run.exit_code() == exit_codes::auth_failed);
  BOOST_TEST(run.process.elapsed_seconds < 29.0);
}

// A session up with a one-time ticket; the password changes and the clients
// are dropped (QMP set_password connected=disconnect). The reconnect is
// refused: the window offers the password field saying the ticket may have
// expired, and the new ticket typed there brings the session back.
BOOST_AUTO_TEST_CASE(window_asks_again_for_an_expired_ticket, *boost::unit_test::label("qemu")) {
  temp_directory work("window-expired");
  virtual_display display(work);
  auto config = password_spice("ticket-one-5");
  config.qmp_socket = work.file("qmp.sock");
  qemu_server qemu(config);
  qmp_client qmp(config.qmp_socket);
  const std::string password_file = work.file("password");
  write_text_file(password_file, "ticket-one-5\n");
  background_client client({"--duration", "120", "--password-file", password_file, plain_uri(qemu.port())});
  BOOST_REQUIRE_MESSAGE(wait_until([&] { return sessions_up(client) == 1; }, window_limit), client.log());
  qmp.execute("set_password", {{"protocol", "spice"}, {"password", "ticket-two-6"}, {"connected", "disconnect"}});
  answer_in_window(display, work, client, "ticket-two-6", "Return");
  BOOST_TEST(client.wait_for_log("asking again: The server refused the ticket; it may have expired", window_limit),
             client.log());
  BOOST_REQUIRE_MESSAGE(wait_until([&] { return sessions_up(client) == 2; }, window_limit), client.log());
  auto run = client.finish(1s);  // SIGTERM: a clean exit 0 with the snapshot
  BOOST_TEST_INFO(run.context());
  BOOST_TEST(run.exit_code() == exit_codes::ok);  // (stdout has one snapshot per run: the refused one, then this)
  BOOST_TEST(run.process.stderr_text.find("ticket-one-5") == std::string::npos);
  BOOST_TEST(run.process.stderr_text.find("ticket-two-6") == std::string::npos);
  BOOST_TEST(run.process.stdout_text.find("ticket-two-6") == std::string::npos);
}

// --wait in the window: the server is not up yet; the window says where it
// waits (its title carries the status banner's text) until QEMU starts on
// that port, then shows the session.
BOOST_AUTO_TEST_CASE(window_says_waiting_for_host_and_port, *boost::unit_test::label("qemu")) {
  temp_directory work("window-wait");
  virtual_display display(work);
  const std::string config = work.file("vigil.toml");
  write_text_file(config, "[reconnect]\ninitial_delay_ms = 500\nmax_delay_ms = 2000\n");
  const auto port = find_free_loopback_port();
  background_client client({"--wait", "--config", config, "--duration", "120", plain_uri(port)});
  const std::string waiting = "Waiting for 127.0.0.1:" + std::to_string(port);
  const auto window = wait_for_window(waiting, window_limit);
  BOOST_REQUIRE_MESSAGE(!window.empty(), "no window titled '" << waiting << "': " << client.log());
  BOOST_TEST_MESSAGE("while waiting the window is titled: " << window_name(window));
  BOOST_TEST(sessions_up(client) == 0u);
  auto late = plain_spice();
  late.fixed_port = port;
  qemu_server qemu(late);
  BOOST_REQUIRE_MESSAGE(wait_until([&] { return sessions_up(client) == 1; }, window_limit), client.log());
  BOOST_TEST(wait_until([&] { return window_name(window).find("Waiting") == std::string::npos; }, window_limit),
             window_name(window));
  auto run = client.finish(1s);
  BOOST_TEST_INFO(run.context());
  BOOST_TEST(run.exit_code() == exit_codes::ok);
  BOOST_REQUIRE(run.snapshot);
  BOOST_TEST(run.snapshot->at("session").value("reconnects", -1) == 0);
}

BOOST_AUTO_TEST_SUITE_END()
