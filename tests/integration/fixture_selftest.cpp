// Checks the test-support fixtures themselves, without the client: QEMU comes
// up on free ports in every SPICE mode and goes away again, the test PKI is
// what QEMU presents, and the process runner reports exits, signals and
// timeouts correctly. If these fail, the client tests' failures mean nothing.
#include "child_process.hpp"
#include "loopback_ports.hpp"
#include "spice_link_probe.hpp"
#include "qemu_server.hpp"
#include "test_pki.hpp"

#include <boost/test/unit_test.hpp>

#include <signal.h>
#include <spice/enums.h>

#include <cerrno>
#include <set>

using namespace vigil::test_support;
using namespace std::chrono_literals;

namespace {

bool process_exists(pid_t pid) { return ::kill(pid, 0) == 0 || errno != ESRCH; }

process_result run_s_client(std::uint16_t tls_port, const std::string& ca_file) {
  return run_process({"openssl", "s_client", "-connect", "127.0.0.1:" + std::to_string(tls_port), "-CAfile",
                      ca_file, "-verify_return_error", "-verify_ip", "127.0.0.1"},
                     20s);
}

}  // namespace

BOOST_AUTO_TEST_CASE(free_loopback_ports_are_distinct_and_unused, *boost::unit_test::label("unit")) {
  const auto ports = find_free_loopback_ports(4);
  BOOST_TEST(std::set<std::uint16_t>(ports.begin(), ports.end()).size() == 4u);
  for (auto port : ports) {
    BOOST_TEST(port != 0);
    BOOST_TEST(!loopback_port_accepts_connections(port), "port " << port);
  }
}

BOOST_AUTO_TEST_CASE(run_process_captures_stdout_stderr_and_exit_code, *boost::unit_test::label("unit")) {
  const auto result = run_process({"sh", "-c", "echo to-stdout; echo to-stderr >&2; exit 3"}, 10s);
  BOOST_TEST(result.exit_code.value_or(-1) == 3);
  BOOST_TEST(!result.term_signal.has_value());
  BOOST_TEST(!result.timed_out);
  BOOST_TEST(result.stdout_text == "to-stdout\n");
  BOOST_TEST(result.stderr_text == "to-stderr\n");
}

BOOST_AUTO_TEST_CASE(run_process_terminates_a_child_past_its_timeout, *boost::unit_test::label("unit")) {
  const auto result = run_process({"sleep", "30"}, 300ms);
  BOOST_TEST(result.timed_out);
  BOOST_TEST(result.term_signal.value_or(0) == SIGTERM);
  BOOST_TEST(result.elapsed_seconds < 3.0);
}

BOOST_AUTO_TEST_CASE(run_process_kills_a_child_that_ignores_sigterm, *boost::unit_test::label("unit")) {
  const auto result = run_process({"sh", "-c", "trap '' TERM; exec sleep 30"}, 300ms, 300ms);
  BOOST_TEST(result.timed_out);
  BOOST_TEST(result.term_signal.value_or(0) == SIGKILL);
  BOOST_TEST(result.elapsed_seconds < 3.0);
}

BOOST_AUTO_TEST_CASE(run_process_reports_a_missing_program, *boost::unit_test::label("unit")) {
  BOOST_CHECK_THROW(run_process({"/nonexistent/vigil-no-such-program"}, 5s), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(test_pki_makes_a_server_certificate_the_ca_verifies, *boost::unit_test::label("unit")) {
  test_pki pki;
  const auto verified = run_process({"openssl", "verify", "-CAfile", pki.ca_cert(), pki.directory() + "/server-cert.pem"}, 20s);
  BOOST_TEST(verified.exit_code.value_or(-1) == 0, verified.stdout_text << verified.stderr_text);
  const auto wrong = run_process({"openssl", "verify", "-CAfile", pki.wrong_ca_cert(), pki.directory() + "/server-cert.pem"}, 20s);
  BOOST_TEST(wrong.exit_code.value_or(0) != 0);
  const auto subject = run_process(
      {"openssl", "x509", "-in", pki.directory() + "/server-cert.pem", "-noout", "-subject", "-nameopt", "RFC2253"}, 20s);
  // RFC 2253 lists the components in reverse order.
  BOOST_TEST(subject.stdout_text == "subject=CN=127.0.0.1,O=Vigil Test,L=Raanana,C=IL\n");
}

BOOST_AUTO_TEST_CASE(plain_qemu_listens_and_leaves_nothing_behind, *boost::unit_test::label("qemu")) {
  pid_t qemu_pid = 0;
  std::uint16_t port = 0;
  {
    qemu_server server(plain_spice());
    port = server.port();
    BOOST_TEST(server.is_running());
    BOOST_TEST(loopback_port_accepts_connections(port));
    BOOST_TEST(spice_link_error(port, SPICE_CHANNEL_MAIN) == SPICE_LINK_ERR_OK);
    qemu_pid = server.pid();
    BOOST_TEST(qemu_pid > 0);
  }
  BOOST_TEST(!process_exists(qemu_pid), "QEMU " << qemu_pid << " outlived its fixture");
  BOOST_TEST(!loopback_port_accepts_connections(port));
}

// The password fixture really wants the password: a bare link with a wrong
// or empty ticket is refused, the right one accepted (and a plain QEMU takes
// any ticket, so the refusal comes from the password, not from the probe).
BOOST_AUTO_TEST_CASE(password_qemu_listens_and_requires_its_password, *boost::unit_test::label("qemu")) {
  qemu_server server(password_spice("vigil-test-secret"));
  BOOST_TEST_REQUIRE(loopback_port_accepts_connections(server.port()));
  BOOST_TEST(spice_ticket_result(server.port(), "wrong-secret") == SPICE_LINK_ERR_PERMISSION_DENIED, server.output());
  BOOST_TEST(spice_ticket_result(server.port(), "") == SPICE_LINK_ERR_PERMISSION_DENIED, server.output());
  BOOST_TEST(spice_ticket_result(server.port(), "vigil-test-secret") == SPICE_LINK_ERR_OK, server.output());
  BOOST_TEST(server.is_running(), server.output());

  qemu_server plain(plain_spice());
  BOOST_TEST(spice_ticket_result(plain.port(), "wrong-secret") == SPICE_LINK_ERR_OK, plain.output());
}

BOOST_AUTO_TEST_CASE(tls_qemu_presents_the_test_certificate, *boost::unit_test::label("qemu")) {
  test_pki pki;
  qemu_server server(tls_only_spice(pki.directory()));
  const auto good = run_s_client(server.tls_port(), pki.ca_cert());
  BOOST_TEST_CONTEXT(good.stdout_text << good.stderr_text) {
    BOOST_TEST(good.exit_code.value_or(-1) == 0);
    BOOST_TEST(good.stdout_text.find("Verify return code: 0 (ok)") != std::string::npos);
    BOOST_TEST(good.stdout_text.find("CN = 127.0.0.1") != std::string::npos);
  }
  const auto wrong = run_s_client(server.tls_port(), pki.wrong_ca_cert());
  BOOST_TEST_CONTEXT(wrong.stdout_text << wrong.stderr_text) {
    BOOST_TEST(wrong.exit_code.value_or(0) != 0);
    BOOST_TEST(wrong.stderr_text.find("certificate verify failed") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(tls_channel_main_makes_plain_main_need_secured, *boost::unit_test::label("qemu")) {
  test_pki pki;
  qemu_server server(plain_and_tls_spice(pki.directory(), "main"));
  BOOST_TEST(spice_link_error(server.port(), SPICE_CHANNEL_MAIN) == SPICE_LINK_ERR_NEED_SECURED);
  BOOST_TEST(spice_link_error(server.port(), SPICE_CHANNEL_DISPLAY) == SPICE_LINK_ERR_OK);
  const auto good = run_s_client(server.tls_port(), pki.ca_cert());
  BOOST_TEST(good.exit_code.value_or(-1) == 0, good.stdout_text << good.stderr_text);
}

BOOST_AUTO_TEST_CASE(qemu_that_cannot_start_is_reported_with_its_output, *boost::unit_test::label("qemu")) {
  auto broken = tls_only_spice("/nonexistent/vigil-x509");
  try {
    qemu_server server(broken);
    BOOST_FAIL("qemu_server should have thrown");
  } catch (const std::runtime_error& error) {
    const std::string message = error.what();
    BOOST_TEST(message.find("server-cert.pem") != std::string::npos, message);
  }
}
