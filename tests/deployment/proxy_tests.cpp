// HTTP CONNECT proxies against real QEMU: Debian's tinyproxy on loopback for
// every channel (plain and TLS, --spice-proxy and SPICE_PROXY), a Proxmox-style
// console file through a proxy that maps the pseudo host to the test's QEMU,
// and proxies that refuse, answer garbage or close.
#include "connect_proxy_stub.hpp"

#include "child_process.hpp"
#include "loopback_ports.hpp"
#include "qemu_server.hpp"
#include "temp_directory.hpp"
#include "test_pki.hpp"
#include "client_run.hpp"
#include "waiting.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <sstream>
#include <thread>

using namespace vigil::test_support;
using vigil::deployment_test::connect_proxy_stub;
using namespace std::chrono_literals;

namespace {

constexpr int duration_s = 3;
constexpr auto run_timeout = 60s;

std::size_t count_equal(const std::vector<std::string>& lines, const std::string& wanted) {
  std::size_t count = 0;
  for (const auto& line : lines)
    count += line == wanted ? 1 : 0;
  return count;
}

// Debian's tinyproxy (tinyproxy-bin), on a free loopback port, CONNECT to any port.
class tinyproxy {
public:
  tinyproxy() : directory_("tinyproxy") {
    for (int attempt = 1; attempt <= 3; ++attempt) {
      port_ = find_free_loopback_port();
      write_text_file(directory_.file("tinyproxy.conf"), "Port " + std::to_string(port_) +
                                                            "\nListen 127.0.0.1\nAllow 127.0.0.1\nLogFile \"" +
                                                            log_path() + "\"\nLogLevel Connect\nMaxClients 64\n");
      process_ = std::make_unique<background_process>(
        std::vector<std::string>{"tinyproxy", "-d", "-c", directory_.file("tinyproxy.conf")},
        directory_.file("output.log"));
      if (wait_for_loopback_port(port_, 10s))
        return;
      process_->stop();
    }
    throw std::runtime_error("tinyproxy did not listen: " + read_text_file(directory_.file("output.log")));
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string log() const { return read_text_file(log_path()); }
  // How many times tinyproxy logged the request line `wanted`, waiting up to
  // 5 s for its log to catch up (it writes after relaying).
  std::size_t count_connects(const std::string& wanted, std::size_t expected) const {
    std::size_t found = 0;
    wait_until([&] { return (found = count_equal(connects(), wanted)) >= expected; }, 5s);
    return found;
  }
  // The CONNECT request lines tinyproxy logged.
  std::vector<std::string> connects() const {
    std::vector<std::string> found;
    std::istringstream lines(log());
    for (std::string line; std::getline(lines, line);)
      if (auto at = line.find("Request (file descriptor"); at != std::string::npos) {
        // "CONNECT   Dec 06 ... Request (file descriptor 9): CONNECT host:port HTTP/1.0"
        if (auto request = line.find("): ", at); request != std::string::npos)
          found.push_back(line.substr(request + 3));
      }
    return found;
  }

private:
  std::string log_path() const { return directory_.file("tinyproxy.log"); }
  temp_directory directory_;
  std::uint16_t port_ = 0;
  std::unique_ptr<background_process> process_;
};

std::string escaped_pem(const std::string& pem) {
  std::string out;
  for (char c : pem)
    out += c == '\n' ? std::string("\\n") : std::string(1, c);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(proxy)

BOOST_AUTO_TEST_CASE(tinyproxy_carries_every_plain_channel_given_with_spice_proxy, *boost::unit_test::label("qemu")) {
  qemu_server qemu(plain_spice());
  tinyproxy proxy;
  auto run = run_vigil({"--headless", "--duration", std::to_string(duration_s), "--spice-proxy", proxy.url(),
                        plain_uri(qemu.port())},
                       run_timeout);
  BOOST_TEST_INFO(run.context());
  check_session_stayed_up(run, duration_s, qemu_default_channels());
  const std::string target = "CONNECT 127.0.0.1:" + std::to_string(qemu.port()) + " HTTP/1.0";
  BOOST_TEST(proxy.count_connects(target, qemu_default_channels().size()) == qemu_default_channels().size(),
             proxy.log());
}

BOOST_AUTO_TEST_CASE(tinyproxy_from_spice_proxy_environment_carries_tls, *boost::unit_test::label("qemu")) {
  test_pki pki;
  qemu_server qemu(tls_only_spice(pki.directory()));
  tinyproxy proxy;
  setenv("SPICE_PROXY", proxy.url().c_str(), 1);  // one test case per process: nothing else sees it
  auto run = run_vigil({"--headless", "--duration", std::to_string(duration_s), "--spice-ca-file", pki.ca_cert(),
                        tls_uri(qemu.tls_port())},
                       run_timeout);
  unsetenv("SPICE_PROXY");
  BOOST_TEST_INFO(run.context());
  check_session_stayed_up(run, duration_s, qemu_default_channels());
  check_all_channels_tls(run, true);
  const std::string target = "CONNECT 127.0.0.1:" + std::to_string(qemu.tls_port()) + " HTTP/1.0";
  BOOST_TEST(proxy.count_connects(target, qemu_default_channels().size()) == qemu_default_channels().size(),
             proxy.log());
}

// A console file as Proxmox VE hands it out: a pseudo host only its
// spiceproxy understands, the proxy, TLS port only, inline CA, host subject,
// hotkeys, a one-time password, delete-this-file.
BOOST_AUTO_TEST_CASE(proxmox_console_file_reaches_qemu_through_a_mapping_proxy, *boost::unit_test::label("qemu")) {
  test_pki pki;
  auto config = tls_only_spice(pki.directory());
  config.password = "pve-ticket-0815";
  qemu_server qemu(config);
  const std::string pseudo_host = "pvespiceproxy:66f0c0de:100:node1::9a8b7c6d5e4f";
  const std::string pseudo_target = pseudo_host + ":61000";
  connect_proxy_stub proxy(
    connect_proxy_stub::behaviour::tunnel,
    [&](const std::string& target) -> std::optional<std::uint16_t> {
      if (target == pseudo_target)
        return qemu.tls_port();
      return std::nullopt;
    },
    "pve:proxy-secret-77");
  temp_directory directory("proxmox-vv");
  const std::string vv = directory.file("pve-spice.vv");
  write_text_file(vv, "[virt-viewer]\n"
                      "secure-attention=Ctrl+Alt+Ins\n"
                      "release-cursor=Ctrl+Alt+R\n"
                      "toggle-fullscreen=Shift+F11\n"
                      "delete-this-file=1\n"
                      "proxy=http://pve:proxy-secret-77@127.0.0.1:" + std::to_string(proxy.port()) + "\n"
                      "type=spice\n"
                      "title=VM 100 - vm1\n"
                      "host=" + pseudo_host + "\n"
                      "password=pve-ticket-0815\n"
                      "host-subject=" + std::string(test_pki::server_subject) + "\n"
                      "tls-port=61000\n"
                      "secure-channels=main;inputs;cursor;playback;record;display;smartcard;usbredir\n"
                      "ca=" + escaped_pem(read_text_file(pki.ca_cert())) + "\n");
  auto run = run_vigil({"--headless", "--duration", std::to_string(duration_s), vv}, run_timeout);
  BOOST_TEST_INFO(run.context());
  check_session_stayed_up(run, duration_s, qemu_default_channels());
  check_all_channels_tls(run, true);
  BOOST_TEST(!std::filesystem::exists(vv), "delete-this-file=1: the file is gone");
  auto requests = proxy.requests();
  BOOST_TEST(requests.size() == qemu_default_channels().size());
  for (const auto& lines : requests) {
    BOOST_REQUIRE(lines.size() >= 2u);
    BOOST_TEST(lines[0] == "CONNECT " + pseudo_target + " HTTP/1.0");
    BOOST_TEST(lines[1] == "Host: " + pseudo_target);
  }
  for (const std::string secret : {"proxy-secret-77", "pve-ticket-0815"}) {
    BOOST_TEST(run.process.stderr_text.find(secret) == std::string::npos);
    BOOST_TEST(run.process.stdout_text.find(secret) == std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(proxy_refusal_garbage_close_and_missing_credentials_are_clear_connect_failures, *boost::unit_test::label("qemu")) {
  qemu_server qemu(plain_spice());
  auto to_qemu = [&](const std::string&) -> std::optional<std::uint16_t> { return qemu.port(); };
  struct expectation {
    connect_proxy_stub::behaviour how;
    std::string credentials;  // the proxy wants these
    std::string user_info;    // what vigil is given
    std::string says;
  };
  const std::vector<expectation> cases = {
    {connect_proxy_stub::behaviour::refuse, "", "", "refused: HTTP/1.1 403 Forbidden by the test proxy"},
    {connect_proxy_stub::behaviour::garbage, "", "", "proxy reply is not HTTP: 'SSH-2.0-not-a-proxy"},
    {connect_proxy_stub::behaviour::close_at_once, "", "", "closed the connection without answering"},
    {connect_proxy_stub::behaviour::tunnel, "u:right", "u:wrong-secret-9@", "refused: HTTP/1.1 407 Proxy Authentication Required"},
  };
  for (const auto& expected : cases) {
    connect_proxy_stub proxy(expected.how, to_qemu, expected.credentials);
    const std::string url = "http://" + expected.user_info + "127.0.0.1:" + std::to_string(proxy.port());
    auto run = run_vigil({"--headless", "--duration", "5", "--spice-proxy", url, plain_uri(qemu.port())}, run_timeout);
    BOOST_TEST_CONTEXT(expected.says << "\n" << run.context()) {
      BOOST_TEST(run.exit_code() == exit_codes::connect_failed);
      const std::string named = "proxy http://127.0.0.1:" + std::to_string(proxy.port()) + " (CONNECT 127.0.0.1:" +
                                std::to_string(qemu.port()) + ")";
      BOOST_TEST(contains_ignoring_case(run.process.stderr_text, named));
      BOOST_TEST(contains_ignoring_case(run.process.stderr_text, expected.says));
      BOOST_TEST(contains_ignoring_case(run.process.stderr_text, "connect_failed"));
      BOOST_TEST(run.process.stderr_text.find("wrong-secret-9") == std::string::npos);
      BOOST_TEST(run.process.stdout_text.find("wrong-secret-9") == std::string::npos);
      BOOST_TEST(run.process.elapsed_seconds < 15.0);
    }
  }
}

BOOST_AUTO_TEST_CASE(bad_proxy_url_is_a_usage_error_naming_its_source, *boost::unit_test::label("cli")) {
  setenv("SPICE_PROXY", "socks5://127.0.0.1:1080", 1);
  auto run = run_vigil({"--headless", "--duration", "1", "spice://127.0.0.1:5900"}, run_timeout);
  unsetenv("SPICE_PROXY");
  BOOST_TEST_INFO(run.context());
  BOOST_TEST(run.exit_code() == exit_codes::usage_error);
  BOOST_TEST(contains_ignoring_case(run.process.stderr_text, "SPICE_PROXY: proxy URL scheme 'socks5'"));
}

BOOST_AUTO_TEST_SUITE_END()
