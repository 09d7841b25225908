// SASL against QEMU -spice sasl=on with a sasldb made by saslpasswd2, as
// docs/test-targets.md describes: DIGEST-MD5 with its security layer over
// plain TCP, SCRAM-SHA-256 over TLS, wrong password, wrong user, missing
// credentials; and a fake server whose mechanism list is empty or huge.
#include "child_process.hpp"
#include "qemu_server.hpp"
#include "temp_directory.hpp"
#include "test_pki.hpp"
#include "client_run.hpp"

#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <spice/protocol.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <thread>

using namespace vigil::test_support;
using namespace std::chrono_literals;

namespace {

constexpr int duration_s = 3;
constexpr auto run_timeout = 60s;

// QEMU's SASL configuration (app name "qemu") and a sasldb with one user.
class sasl_setup {
public:
  sasl_setup(const std::string& user, const std::string& password) : directory_("sasl") {
    write_text_file(directory_.file("qemu.conf"), "mech_list: digest-md5 scram-sha-256\nsasldb_path: " +
                                                    directory_.file("qemu.sasldb") + "\n");
    auto made = run_process({"sh", "-c", "printf %s \"$1\" | saslpasswd2 -p -f \"$2\" -a qemu -c \"$3\"", "sh",
                             password, directory_.file("qemu.sasldb"), user},
                            10s);
    if (made.exit_code != 0)
      throw std::runtime_error("saslpasswd2 failed: " + made.describe() + made.stderr_text);
    // QEMU (started after this) inherits it; one test case per process.
    setenv("SASL_CONF_PATH", directory_.path().c_str(), 1);
    write_text_file(directory_.file("password"), password + "\n");
    write_text_file(directory_.file("wrong-password"), password + "-wrong\n");
  }
  ~sasl_setup() { unsetenv("SASL_CONF_PATH"); }
  std::string password_file() const { return directory_.file("password"); }
  std::string wrong_password_file() const { return directory_.file("wrong-password"); }
  const temp_directory& directory() const { return directory_; }

private:
  temp_directory directory_;
};

spice_listen_config with_sasl(spice_listen_config config) {
  config.sasl = true;
  return config;
}

void check_sasl_on_every_channel(const client_run& run, const std::string& mechanism, bool layer) {
  BOOST_REQUIRE(run.snapshot);
  for (const auto& channel : run.snapshot->at("channels")) {
    const std::string name = channel.value("channel", "?");
    BOOST_TEST_REQUIRE(channel.contains("auth"), name);
    BOOST_TEST(channel["auth"].value("method", "") == "sasl", name);
    BOOST_TEST(channel["auth"].value("mechanism", "") == mechanism, name);
    const unsigned ssf = channel["auth"].value("ssf", 0u);
    BOOST_TEST((layer ? ssf >= 56 : ssf == 0), name << " ssf " << ssf);
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sasl)

BOOST_AUTO_TEST_CASE(plain_tcp_uses_digest_md5_and_its_security_layer_on_every_channel, *boost::unit_test::label("qemu")) {
  sasl_setup setup("alice", "wonderland-42");
  qemu_server qemu(with_sasl(plain_spice()));
  auto run = run_vigil({"--headless", "--duration", std::to_string(duration_s), "--password-file",
                        setup.password_file(), "spice://alice@127.0.0.1:" + std::to_string(qemu.port())},
                       run_timeout);
  BOOST_TEST_INFO(run.context());
  check_session_stayed_up(run, duration_s, qemu_default_channels());
  check_sasl_on_every_channel(run, "DIGEST-MD5", true);
  // Display traffic really went through the layer (SeaBIOS's screen, pings).
  const auto* display = run.channel("display");
  BOOST_REQUIRE(display);
  BOOST_TEST(display->value("messages_in", 0) > 3);
  BOOST_TEST(run.process.stderr_text.find("wonderland-42") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(tls_uses_scram_sha_256_with_credentials_from_a_connection_file, *boost::unit_test::label("qemu")) {
  sasl_setup setup("bob", "builder-77");
  test_pki pki;
  qemu_server qemu(with_sasl(tls_only_spice(pki.directory())));
  const std::string vv = setup.directory().file("sasl.vv");
  write_text_file(vv, "[virt-viewer]\ntype=spice\nhost=127.0.0.1\ntls-port=" + std::to_string(qemu.tls_port()) +
                        "\nusername=bob\npassword=builder-77\n");
  auto run = run_vigil({"--headless", "--duration", std::to_string(duration_s), "--spice-ca-file", pki.ca_cert(), vv},
                       run_timeout);
  BOOST_TEST_INFO(run.context());
  check_session_stayed_up(run, duration_s, qemu_default_channels());
  check_all_channels_tls(run, true);
  check_sasl_on_every_channel(run, "SCRAM-SHA-256", false);
}

BOOST_AUTO_TEST_CASE(wrong_password_wrong_user_and_no_credentials_are_authentication_failures, *boost::unit_test::label("qemu")) {
  sasl_setup setup("carol", "right-pass-5");
  qemu_server qemu(with_sasl(plain_spice()));
  const std::string target = "127.0.0.1:" + std::to_string(qemu.port());
  struct attempt {
    std::vector<std::string> arguments;
    std::string says;
  };
  const std::vector<attempt> attempts = {
    {{"--password-file", setup.wrong_password_file(), "spice://carol@" + target}, "SASL authentication failed"},
    {{"--password-file", setup.password_file(), "spice://mallory@" + target}, "SASL authentication failed"},
    {{"spice://" + target}, "asks for a user name and password"},
  };
  for (const auto& tried : attempts) {
    std::vector<std::string> arguments = {"--headless", "--duration", "5"};
    arguments.insert(arguments.end(), tried.arguments.begin(), tried.arguments.end());
    auto run = run_vigil(arguments, run_timeout);
    BOOST_TEST_CONTEXT(run.context()) {
      BOOST_TEST(run.exit_code() == exit_codes::auth_failed);
      BOOST_TEST(contains_ignoring_case(run.process.stderr_text, tried.says));
      BOOST_TEST(run.process.stderr_text.find("right-pass-5") == std::string::npos);
      BOOST_TEST(run.process.elapsed_seconds < 15.0);
    }
  }
}

// A fake server that offers SASL and then sends a broken mechanism list.
BOOST_AUTO_TEST_CASE(empty_and_huge_mechanism_lists_are_refused_clearly, *boost::unit_test::label("cli")) {
  for (std::uint32_t list_length : {0u, 100000u}) {
    int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    BOOST_REQUIRE(bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
    BOOST_REQUIRE(listen(listener, 4) == 0);
    getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);
    const auto port = ntohs(address.sin_port);
    std::thread server([listener, list_length] {
      pollfd waiter{listener, POLLIN, 0};
      if (poll(&waiter, 1, 20000) <= 0)
        return;
      int client = accept(listener, nullptr, nullptr);
      char buffer[4096];
      (void)!recv(client, buffer, sizeof(buffer), 0);  // the link message
      std::vector<std::uint8_t> reply;
      auto u32 = [&](std::uint32_t v) {
        for (int i = 0; i < 4; ++i)
          reply.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
      };
      u32(SPICE_MAGIC), u32(SPICE_VERSION_MAJOR), u32(SPICE_VERSION_MINOR), u32(178 + 8);
      u32(SPICE_LINK_ERR_OK);
      reply.insert(reply.end(), SPICE_TICKET_PUBKEY_BYTES, 0);
      u32(1), u32(1), u32(178);
      u32(1u << SPICE_COMMON_CAP_PROTOCOL_AUTH_SELECTION | 1u << SPICE_COMMON_CAP_AUTH_SASL |
          1u << SPICE_COMMON_CAP_MINI_HEADER);
      u32(0);
      u32(list_length);  // the mechanism list's length, with no list after it
      send(client, reply.data(), reply.size(), MSG_NOSIGNAL);
      pollfd closed{client, POLLIN, 0};
      while (poll(&closed, 1, 10000) > 0 && recv(client, buffer, sizeof(buffer), 0) > 0) {
      }
      close(client);
    });
    auto run = run_vigil({"--headless", "--duration", "5", "spice://u@127.0.0.1:" + std::to_string(port)}, run_timeout);
    server.join();
    close(listener);
    BOOST_TEST_CONTEXT(run.context()) {
      BOOST_TEST(run.exit_code() == exit_codes::connect_failed);
      BOOST_TEST(contains_ignoring_case(run.process.stderr_text,
                                        list_length == 0 ? "the server offered no mechanism"
                                                         : "SASL mechanism list of 100000 bytes exceeds the limit of 300"));
      BOOST_TEST(run.process.elapsed_seconds < 15.0);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
