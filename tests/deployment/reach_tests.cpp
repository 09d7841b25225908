// Reaching a server in the other ways real deployments need, against real
// QEMU: a Unix socket (libvirt's local guests), a server that comes up only
// after the client started (--wait), and a one-time ticket that has expired
// by the time the session reconnects.
#include "child_process.hpp"
#include "loopback_ports.hpp"
#include "qemu_server.hpp"
#include "qmp_client.hpp"
#include "temp_directory.hpp"
#include "client_run.hpp"
#include "waiting.hpp"

#include <boost/test/unit_test.hpp>

#include <future>
#include <thread>

using namespace vigil::test_support;
using namespace std::chrono_literals;

namespace {

constexpr int duration_s = 3;
constexpr auto run_timeout = 60s;

// Polls QMP query-spice until `count` channels are connected, or `limit` passes.
bool wait_for_spice_channels(qmp_client& qmp, std::size_t count, std::chrono::seconds limit) {
  return wait_until(
    [&] { return qmp.execute("query-spice").value("channels", nlohmann::json::array()).size() >= count; }, limit,
    100ms);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(reach)

BOOST_AUTO_TEST_CASE(unix_socket_uri_and_connection_file_connect_every_channel, *boost::unit_test::label("qemu")) {
  temp_directory directory("unix-spice");
  const std::string socket_path = directory.file("spice.sock");
  qemu_server qemu(unix_socket_spice(socket_path));
  auto by_uri = run_vigil({"--headless", "--duration", std::to_string(duration_s), "spice+unix://" + socket_path},
                          run_timeout);
  BOOST_TEST_INFO(by_uri.context());
  check_session_stayed_up(by_uri, duration_s, qemu_default_channels());
  BOOST_TEST(by_uri.snapshot->at("session").value("uri", "") == "spice+unix://" + socket_path);

  const std::string vv = directory.file("local.vv");
  write_text_file(vv, "[virt-viewer]\ntype=spice\nunix-path=" + socket_path + "\n");
  auto by_file = run_vigil({"--headless", "--duration", std::to_string(duration_s), vv}, run_timeout);
  BOOST_TEST_INFO(by_file.context());
  check_session_stayed_up(by_file, duration_s, qemu_default_channels());
}

BOOST_AUTO_TEST_CASE(missing_unix_socket_is_a_clear_connect_failure, *boost::unit_test::label("cli")) {
  temp_directory directory("unix-missing");
  auto run = run_vigil({"--headless", "--duration", "3", "spice+unix://" + directory.file("none.sock")}, run_timeout);
  BOOST_TEST_INFO(run.context());
  BOOST_TEST(run.exit_code() == exit_codes::connect_failed);
  BOOST_TEST(contains_ignoring_case(run.process.stderr_text, "connect to Unix socket " + directory.file("none.sock") +
                                                               " failed: No such file or directory"));
}

// QEMU starts 15 s after the client; --wait keeps trying (reconnect backoff
// capped at 2 s by the config) and the session comes up without counting a
// reconnect.
BOOST_AUTO_TEST_CASE(wait_retries_until_a_late_server_answers, *boost::unit_test::label("qemu")) {
  temp_directory directory("wait");
  const std::string config = directory.file("vigil.toml");
  write_text_file(config, "[reconnect]\ninitial_delay_ms = 500\nmax_delay_ms = 2000\n");
  const auto port = find_free_loopback_port();
  const int duration = 24;
  auto client = std::async(std::launch::async, [&] {
    return run_vigil({"--headless", "--wait", "--config", config, "--duration", std::to_string(duration),
                      plain_uri(port)},
                     run_timeout);
  });
  BOOST_TEST((client.wait_for(15s) == std::future_status::timeout), "the client waits instead of giving up");
  auto late = plain_spice();
  late.fixed_port = port;
  qemu_server qemu(late);
  auto run = client.get();
  BOOST_TEST_INFO(run.context());
  BOOST_TEST_REQUIRE(run.exit_code() == exit_codes::ok);
  check_snapshot_matches_exit(run);
  BOOST_TEST(run.snapshot->at("session").value("state", "") == "up");
  for (const auto& name : qemu_default_channels()) {
    const auto* channel = run.channel(name);
    BOOST_TEST_REQUIRE(channel != nullptr, name);
    BOOST_TEST(channel->value("state", "") == "up", name);
  }
  BOOST_TEST(run.snapshot->at("session").value("reconnects", -1) == 0);
  BOOST_TEST(contains_ignoring_case(run.process.stderr_text, "wait for the server (attempt"));
  BOOST_TEST(contains_ignoring_case(run.process.stderr_text, "connect to 127.0.0.1:" + std::to_string(port) +
                                                               " failed: Connection refused"));
}

BOOST_AUTO_TEST_CASE(without_wait_a_server_that_is_not_up_fails_at_once, *boost::unit_test::label("cli")) {
  auto run = run_vigil({"--headless", "--duration", "5", plain_uri(find_free_loopback_port())}, run_timeout);
  BOOST_TEST_INFO(run.context());
  BOOST_TEST(run.exit_code() == exit_codes::connect_failed);
  BOOST_TEST(run.process.elapsed_seconds < 4.0);
}

// A session that was up with a one-time ticket; the password is changed and
// the clients disconnected (QMP set_password connected=disconnect): the
// reconnect is refused and vigil stops at once, saying why.
BOOST_AUTO_TEST_CASE(expired_ticket_on_reconnect_stops_at_once_saying_so, *boost::unit_test::label("qemu")) {
  temp_directory directory("ticket");
  auto config = password_spice("ticket-one");
  config.qmp_socket = directory.file("qmp.sock");
  qemu_server qemu(config);
  qmp_client qmp(config.qmp_socket);
  const std::string password_file = directory.file("password");
  write_text_file(password_file, "ticket-one\n");
  auto client = std::async(std::launch::async, [&] {
    return run_vigil({"--headless", "--duration", "30", "--password-file", password_file, plain_uri(qemu.port())},
                     run_timeout);
  });
  BOOST_TEST_REQUIRE(wait_for_spice_channels(qmp, 4, 20s), "the session came up");
  qmp.execute("set_password", {{"protocol", "spice"}, {"password", "ticket-two"}, {"connected", "disconnect"}});
  auto run = client.get();
  BOOST_TEST_INFO(run.context());
  BOOST_TEST(run.exit_code() == exit_codes::auth_failed);
  BOOST_TEST(run.process.elapsed_seconds < 20.0, "stopped at once, not after the 30 s duration");
  const std::string says = "the server refused the ticket; it may have expired: open a new console file";
  BOOST_TEST(contains_ignoring_case(run.process.stderr_text, says));
  BOOST_REQUIRE(run.snapshot);
  BOOST_TEST(contains_ignoring_case(run.snapshot->at("session").value("last_fault", ""), says));
  BOOST_TEST(contains_ignoring_case(run.snapshot->at("exit").value("reason", ""), says));
  BOOST_TEST(run.snapshot->at("session").value("reconnects", -1) <= 1);
  BOOST_TEST(run.process.stderr_text.find("ticket-one") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
