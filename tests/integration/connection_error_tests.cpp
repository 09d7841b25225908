// Sessions that must fail, promptly and with a message that says why: TLS
// verification, authentication, nothing listening, and usage errors.
#include "loopback_ports.hpp"
#include "qemu_server.hpp"
#include "test_pki.hpp"
#include "client_run.hpp"

#include <boost/test/unit_test.hpp>

using namespace vigil::test_support;
using namespace vigil::test_support;
using namespace std::chrono_literals;

namespace {

// The failure must come from the connection attempt, not from --duration.
constexpr int long_duration_s = 60;
constexpr double prompt_failure_s = 15.0;
constexpr double prompt_usage_error_s = 5.0;
constexpr auto failure_timeout = 45s;

std::vector<std::string> headless_for_long(std::vector<std::string> more) {
  std::vector<std::string> arguments{"--headless", "--duration", std::to_string(long_duration_s)};
  arguments.insert(arguments.end(), more.begin(), more.end());
  return arguments;
}

void check_failed_promptly_with(const client_run& run, int expected_exit, const std::string& message) {
  BOOST_TEST(run.exit_code() == static_cast<int>(expected_exit));
  BOOST_TEST(run.process.elapsed_seconds < prompt_failure_s, "took " << run.process.elapsed_seconds << " s");
  BOOST_TEST(contains_ignoring_case(run.process.stderr_text, message), "stderr should say \"" << message << "\"");
  check_snapshot_matches_exit(run);
}

}  // namespace

BOOST_AUTO_TEST_CASE(tls_session_with_wrong_ca_is_refused_clearly, *boost::unit_test::label("qemu")) {
  test_pki pki;
  qemu_server server(tls_only_spice(pki.directory()));
  const client_run run =
      run_vigil(headless_for_long({"--spice-ca-file", pki.wrong_ca_cert(), tls_uri(server.tls_port())}), failure_timeout);
  BOOST_TEST_CONTEXT(run.context()) {
    check_failed_promptly_with(run, exit_codes::connect_failed, "certificate verify failed");
    const std::string error_line = line_containing(run.process.stderr_text, "certificate verify failed");
    BOOST_TEST(contains_ignoring_case(error_line, "main"), "the error line should name the channel: " << error_line);
  }
}

BOOST_AUTO_TEST_CASE(host_subject_mismatch_is_refused, *boost::unit_test::label("qemu")) {
  test_pki pki;
  qemu_server server(tls_only_spice(pki.directory()));
  const client_run run = run_vigil(headless_for_long({"--spice-ca-file", pki.ca_cert(), "--host-subject",
                                                     "C=IL, L=Raanana, O=Somebody Else, CN=127.0.0.1",
                                                     tls_uri(server.tls_port())}),
                                  failure_timeout);
  BOOST_TEST_CONTEXT(run.context()) {
    check_failed_promptly_with(run, exit_codes::connect_failed, "host subject");
  }
}

BOOST_AUTO_TEST_CASE(password_wrong_fails_with_authentication_error, *boost::unit_test::label("qemu")) {
  qemu_server server(password_spice("vigil-test-secret"));
  temp_directory secrets("secrets");
  const std::string password_file = secrets.file("password");
  write_text_file(password_file, "not-the-password\n");
  const client_run run =
      run_vigil(headless_for_long({"--password-file", password_file, plain_uri(server.port())}), failure_timeout);
  BOOST_TEST_CONTEXT(run.context()) {
    check_failed_promptly_with(run, exit_codes::auth_failed, "authentication failed");
  }
}

BOOST_AUTO_TEST_CASE(server_not_listening_gives_clear_error, *boost::unit_test::label("cli")) {
  const std::uint16_t closed_port = find_free_loopback_port();
  const client_run run = run_vigil(headless_for_long({plain_uri(closed_port)}), failure_timeout);
  BOOST_TEST_CONTEXT(run.context()) {
    check_failed_promptly_with(run, exit_codes::connect_failed, "connection refused");
  }
}

// Usage errors are found before any connection is made, so no server is needed:
// the URIs point at a port nobody listens on.

BOOST_AUTO_TEST_CASE(bad_uri_is_a_usage_error, *boost::unit_test::label("cli")) {
  const client_run run = run_vigil({"--headless", "--duration", "5", "ftp://x"}, failure_timeout);
  BOOST_TEST_CONTEXT(run.context()) {
    BOOST_TEST(run.exit_code() == exit_codes::usage_error);
    BOOST_TEST(run.process.elapsed_seconds < prompt_usage_error_s);
    const std::string& log = run.process.stderr_text;
    // The scheme named as the thing that is wrong, and what would be right:
    // not just the argument echoed back.
    BOOST_TEST(log.find("scheme 'ftp' is not supported") != std::string::npos, "stderr should name the bad scheme");
    BOOST_TEST(log.find("spice://") != std::string::npos, "stderr should say which schemes work");
  }
}

BOOST_AUTO_TEST_CASE(bad_config_is_a_usage_error, *boost::unit_test::label("cli")) {
  temp_directory config_directory("config");
  const std::string config_file = config_directory.file("broken-vigil.toml");
  write_text_file(config_file, "[reconnect\nmax_attempts = = 3\n");
  const client_run run = run_vigil(
      {"--headless", "--duration", "5", "--config", config_file, plain_uri(find_free_loopback_port())}, failure_timeout);
  BOOST_TEST_CONTEXT(run.context()) {
    BOOST_TEST(run.exit_code() == exit_codes::usage_error);
    BOOST_TEST(run.process.elapsed_seconds < prompt_usage_error_s);
    BOOST_TEST(contains_ignoring_case(run.process.stderr_text, "broken-vigil.toml"),
               "stderr should name the config file that did not parse");
  }
}

BOOST_AUTO_TEST_CASE(negative_duration_is_a_usage_error, *boost::unit_test::label("cli")) {
  const client_run run =
      run_vigil({"--headless", "--duration", "-5", plain_uri(find_free_loopback_port())}, failure_timeout);
  BOOST_TEST_CONTEXT(run.context()) {
    BOOST_TEST(run.exit_code() == exit_codes::usage_error);
    BOOST_TEST(run.process.elapsed_seconds < prompt_usage_error_s);
    BOOST_TEST(contains_ignoring_case(run.process.stderr_text, "duration"), "stderr should name --duration");
  }
}

// Security review L3: a CA or host subject for a connection without a TLS
// port was ignored, and the session went on in plain text.
BOOST_AUTO_TEST_CASE(certificate_options_without_a_tls_port_are_a_usage_error, *boost::unit_test::label("cli")) {
  for (const std::vector<std::string>& option : {std::vector<std::string>{"--spice-ca-file", "/etc/hostname"},
                                                 std::vector<std::string>{"--host-subject", "CN=vm"}}) {
    std::vector<std::string> arguments{"--headless", "--duration", "5"};
    arguments.insert(arguments.end(), option.begin(), option.end());
    arguments.push_back(plain_uri(find_free_loopback_port()));
    const client_run run = run_vigil(arguments, failure_timeout);
    BOOST_TEST_CONTEXT(run.context()) {
      BOOST_TEST(run.exit_code() == exit_codes::usage_error);
      BOOST_TEST(contains_ignoring_case(run.process.stderr_text, option.front() + " is given but the connection has no TLS port"));
    }
  }
}
