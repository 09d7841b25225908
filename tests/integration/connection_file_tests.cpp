// remote-viewer connection files (.vv) against a real SPICE server: the
// vigil-test-server (libspice-server) on free loopback ports, with the test
// PKI and a password. Runs `vigil x.vv` / `vigil --file x.vv` headless.
#include "child_process.hpp"
#include "scene_server.hpp"
#include "temp_directory.hpp"
#include "test_pki.hpp"
#include "client_run.hpp"

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <memory>
#include <thread>

using namespace vigil::test_support;
using namespace vigil::test_support;
using namespace std::chrono_literals;

namespace {

constexpr const char* server_password = "vv-secret-4711";
constexpr int duration_s = 3;
constexpr auto run_timeout = 45s;

// vigil-test-server with both a plain and a TLS port, the test PKI and a
// password, showing the static `solid` scene.
std::unique_ptr<scene_server> tls_password_server(const test_pki& pki) {
  return std::make_unique<scene_server>(
    std::vector<std::string>{"--x509-dir", pki.directory(), "--password", server_password, "--scene", "solid"}, true);
}

// The CA as virt-viewer writes it: one line, "\n" escapes between PEM lines.
std::string escaped_pem(const std::string& pem) {
  std::string out;
  for (char c : pem)
    out += c == '\n' ? std::string("\\n") : std::string(1, c);
  return out;
}

std::string vv_file(const test_pki& pki, const scene_server& server, const std::string& password,
                    const std::string& extra = "") {
  return "[virt-viewer]\n"
         "type=spice\n"
         "host=127.0.0.1\n"
         "port=" + std::to_string(server.port()) + "\n"
         "tls-port=" + std::to_string(server.tls_port()) + "\n"
         "password=" + password + "\n"
         "ca=" + escaped_pem(read_text_file(pki.ca_cert())) + "\n"
         "host-subject=" + test_pki::server_subject + "\n"
         "secure-channels=all\n"
         "title=Test VM\n" + extra;
}

void check_password_never_shown(const client_run& run) {
  BOOST_TEST(run.process.stdout_text.find(server_password) == std::string::npos, "the password is on stdout");
  BOOST_TEST(run.process.stderr_text.find(server_password) == std::string::npos, "the password is on stderr");
  BOOST_REQUIRE(run.snapshot);
  const std::string uri = run.snapshot->at("session").value("uri", "");
  BOOST_TEST(uri.find("127.0.0.1") != std::string::npos, "snapshot uri: " << uri);
  BOOST_TEST(uri.find("password") == std::string::npos, "snapshot uri: " << uri);
}

void check_bad_file(const std::string& content, const std::string& message) {
  temp_directory directory("vv-bad");
  const std::string path = directory.file("bad.vv");
  write_text_file(path, content);
  const client_run run = run_vigil({"--headless", "--duration", "1", path}, 15s);
  BOOST_TEST(run.exit_code() == exit_codes::usage_error, run.context());
  BOOST_TEST(run.process.stderr_text.find(path) != std::string::npos, "stderr names the file: " << run.context());
  BOOST_TEST(run.process.stderr_text.find(message) != std::string::npos,
             "stderr should say \"" << message << "\": " << run.context());
}

}  // namespace


BOOST_AUTO_TEST_CASE(tls_file_with_password_connects_every_channel_over_tls, *boost::unit_test::label("server")) {
  test_pki pki;
  const auto server = tls_password_server(pki);
  temp_directory directory("vv-client");
  const std::string path = directory.file("console.vv");
  write_text_file(path, vv_file(pki, *server, server_password));
  // -v: debug logging too must not show the password.
  const client_run run = run_vigil({"--headless", "-v", "--duration", std::to_string(duration_s), path}, run_timeout);
  BOOST_TEST_MESSAGE(run.context());
  check_session_stayed_up(run, duration_s, {"main", "display", "inputs", "cursor"});
  check_all_channels_tls(run, true);  // secure-channels=all: never the plain port
  check_password_never_shown(run);
  BOOST_TEST(std::filesystem::exists(path), "no delete-this-file: the file stays");
}

// Security review M7: remote-viewer starts the channels secure-channels does
// not name on the plain port; Vigil starts every channel on TLS when the file
// has a tls-port (secure-channels then only keeps NEED_UNSECURED from moving
// a channel to plain text).
BOOST_AUTO_TEST_CASE(every_channel_starts_on_tls_whatever_secure_channels_names, *boost::unit_test::label("server")) {
  test_pki pki;
  const auto server = tls_password_server(pki);
  temp_directory directory("vv-client");
  const std::string path = directory.file("some-secure.vv");
  std::string content = vv_file(pki, *server, server_password);
  content.replace(content.find("secure-channels=all"), 19, "secure-channels=main;display");
  write_text_file(path, content);
  const client_run run = run_vigil({"--headless", "--duration", std::to_string(duration_s), path}, run_timeout);
  BOOST_REQUIRE_MESSAGE(run.exit_code() == 0 && run.snapshot, run.context());
  for (const auto& [channel, expect_tls] : std::vector<std::pair<std::string, bool>>{
         {"main", true}, {"display", true}, {"inputs", true}, {"cursor", true}}) {
    const auto* entry = run.channel(channel);
    BOOST_REQUIRE_MESSAGE(entry, channel << " missing: " << run.context());
    BOOST_TEST(entry->value("tls", !expect_tls) == expect_tls, channel << ": " << entry->dump());
  }
}

BOOST_AUTO_TEST_CASE(delete_this_file_removes_the_file_after_reading_it, *boost::unit_test::label("server")) {
  test_pki pki;
  const auto server = tls_password_server(pki);
  temp_directory directory("vv-client");
  const std::string path = directory.file("once.vv");
  write_text_file(path, vv_file(pki, *server, server_password, "delete-this-file=1\n"));
  const client_run run = run_vigil({"--headless", "--duration", std::to_string(duration_s), "--file", path}, run_timeout);
  BOOST_TEST(run.exit_code() == 0, run.context());
  BOOST_TEST(!std::filesystem::exists(path), "delete-this-file=1 but the file is still there");
  check_password_never_shown(run);
}

BOOST_AUTO_TEST_CASE(wrong_password_in_file_is_an_authentication_failure, *boost::unit_test::label("server")) {
  test_pki pki;
  const auto server = tls_password_server(pki);
  temp_directory directory("vv-client");
  const std::string path = directory.file("wrong.vv");
  write_text_file(path, vv_file(pki, *server, "not-the-password"));
  const client_run run = run_vigil({"--headless", "--duration", "60", path}, run_timeout);
  BOOST_TEST(run.exit_code() == exit_codes::auth_failed, run.context());
  BOOST_TEST(run.process.stderr_text.find("not-the-password") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(password_file_on_the_command_line_overrides_the_file, *boost::unit_test::label("server")) {
  test_pki pki;
  const auto server = tls_password_server(pki);
  temp_directory directory("vv-client");
  const std::string path = directory.file("stale.vv");
  write_text_file(path, vv_file(pki, *server, "stale-password"));
  const std::string password_file = directory.file("password");
  write_text_file(password_file, std::string(server_password) + "\n");
  const client_run run = run_vigil(
    {"--headless", "--duration", std::to_string(duration_s), "--password-file", password_file, "--file", path},
    run_timeout);
  BOOST_TEST(run.exit_code() == 0, run.context());
  check_password_never_shown(run);
}

BOOST_AUTO_TEST_CASE(bad_files_are_usage_errors_naming_file_key_and_problem, *boost::unit_test::label("cli")) {
  check_bad_file("[remote]\ntype=spice\n", "no [virt-viewer] section");
  check_bad_file("[virt-viewer]\ntype=vnc\nhost=h\nport=5900\n", ":2: key 'type' is 'vnc'");
  check_bad_file("[virt-viewer]\ntype=spice\nhost=h\nport=70000\n", ":4: key 'port' value '70000'");
  check_bad_file("[virt-viewer]\ntype=spice\nhost=h\ntls-port=5901\nca=not a certificate\\n\n", "key 'ca'");
  check_bad_file("[virt-viewer]\ntype=spice\nhost=h\nport=5900\nsecure-channels=all\n",
                 "key 'secure-channels' asks for TLS but there is no tls-port");
}

BOOST_AUTO_TEST_CASE(unreadable_file_is_a_usage_error, *boost::unit_test::label("cli")) {
  temp_directory directory("vv-missing");
  const std::string path = directory.file("absent.vv");
  const client_run run = run_vigil({"--headless", "--file", path}, 15s);
  BOOST_TEST(run.exit_code() == exit_codes::usage_error, run.context());
  BOOST_TEST(run.process.stderr_text.find("cannot read connection file '" + path + "'") != std::string::npos,
             run.context());
}

// A desktop launcher (vigil.desktop's %u) may pass a console file as a
// file:// URL: vigil reads the file it names, %-escapes decoded.
BOOST_AUTO_TEST_CASE(a_file_url_names_the_connection_file, *boost::unit_test::label("cli")) {
  temp_directory directory("vv-url");
  const std::string path = directory.file("my console.vv");
  write_text_file(path, "[remote]\ntype=spice\n");
  const client_run run = run_vigil({"--headless", "--duration", "1", "file://" + directory.path() + "/my%20console.vv"}, 15s);
  BOOST_TEST(run.exit_code() == exit_codes::usage_error, run.context());
  BOOST_TEST(run.process.stderr_text.find(path) != std::string::npos, "stderr names the file: " << run.context());
  BOOST_TEST(run.process.stderr_text.find("no [virt-viewer] section") != std::string::npos, run.context());
  const client_run remote = run_vigil({"--headless", "--duration", "1", "file://otherhost"}, 15s);
  BOOST_TEST(remote.exit_code() == exit_codes::usage_error, remote.context());
  BOOST_TEST(remote.process.stderr_text.find("names no local file") != std::string::npos, remote.context());
}

// `vigil -` reads the connection file from standard input, as remote-viewer
// does when a browser hands it a console file: a complete TLS + password file
// on stdin connects every channel over TLS; an empty stdin is a usage error
// naming <stdin>.
BOOST_AUTO_TEST_CASE(dash_reads_the_file_from_standard_input, *boost::unit_test::label("server")) {
  test_pki pki;
  const auto server = tls_password_server(pki);
  temp_directory directory("vv-stdin");
  const std::string path = directory.file("console.vv");
  write_text_file(path, vv_file(pki, *server, server_password, "delete-this-file=1\n"));
  const client_run run =
    run_vigil({"--headless", "--duration", std::to_string(duration_s), "-"}, run_timeout, path);
  BOOST_TEST_MESSAGE(run.context());
  check_session_stayed_up(run, duration_s, {"main", "display", "inputs", "cursor"});
  check_all_channels_tls(run, true);
  check_password_never_shown(run);
  BOOST_TEST(std::filesystem::exists(path), "delete-this-file does not apply to standard input");

  const client_run empty = run_vigil({"--headless", "-"}, run_timeout);  // stdin: /dev/null
  BOOST_TEST(empty.exit_code() == exit_codes::usage_error, empty.context());
  BOOST_TEST(empty.process.stderr_text.find("<stdin>: no [virt-viewer] section") != std::string::npos, empty.context());
}
