// Asking for credentials: headless on a terminal (a real pty, as a person at
// a shell), the password without echo and a user name for SASL; without a
// terminal the refusal stays exit 3.
#include "child_process.hpp"
#include "qemu_server.hpp"
#include "temp_directory.hpp"
#include "client_run.hpp"

#include <boost/test/unit_test.hpp>

#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>

using namespace vigil::test_support;
using namespace std::chrono_literals;

namespace {

// vigil on a pseudo terminal; answers each prompt (matched in order) with its
// line, then reads until vigil exits.
struct pty_run {
  std::string output;  // everything vigil wrote to the terminal (stdout and stderr)
  int exit_code = -1;
};

pty_run run_on_pty(const std::vector<std::string>& arguments,
                   const std::vector<std::pair<std::string, std::string>>& answers, std::chrono::seconds limit) {
  std::vector<std::string> argv = {vigil_binary()};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  int master = -1;
  pid_t child = forkpty(&master, nullptr, nullptr, nullptr);
  if (child == 0) {
    std::vector<char*> raw;
    for (auto& arg : argv)
      raw.push_back(arg.data());
    raw.push_back(nullptr);
    execv(raw[0], raw.data());
    _exit(127);
  }
  pty_run run;
  std::size_t answered = 0, searched_from = 0;
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd waiter{master, POLLIN, 0};
    if (poll(&waiter, 1, 100) > 0) {
      char chunk[4096];
      ssize_t n = read(master, chunk, sizeof(chunk));
      if (n <= 0)
        break;  // the child closed the terminal: it exited
      run.output.append(chunk, static_cast<std::size_t>(n));
    }
    if (answered < answers.size()) {
      auto at = run.output.find(answers[answered].first, searched_from);
      if (at != std::string::npos) {
        std::string line = answers[answered].second + "\n";
        (void)!write(master, line.data(), line.size());
        searched_from = at + answers[answered].first.size();
        ++answered;
      }
    }
  }
  if (std::chrono::steady_clock::now() >= deadline)
    kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  close(master);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(prompt)

BOOST_AUTO_TEST_CASE(headless_on_a_terminal_asks_for_the_password_without_echo, *boost::unit_test::label("qemu")) {
  qemu_server qemu(password_spice("pty-secret-31"));
  auto run = run_on_pty({"--headless", "--duration", "3", plain_uri(qemu.port())},
                        {{"Password for spice://127.0.0.1?port=" + std::to_string(qemu.port()) + ": ", "pty-secret-31"}},
                        60s);
  BOOST_TEST_INFO(run.output);
  BOOST_TEST(run.exit_code == 0);
  BOOST_TEST(run.output.find("Password for") != std::string::npos);
  BOOST_TEST(run.output.find("pty-secret-31") == std::string::npos, "the password is neither echoed nor logged");
  BOOST_TEST(run.output.find("\"exit\":{\"code\":0") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(sasl_on_a_terminal_asks_for_user_name_and_password, *boost::unit_test::label("qemu")) {
  temp_directory directory("sasl-pty");
  write_text_file(directory.file("qemu.conf"),
                  "mech_list: digest-md5 scram-sha-256\nsasldb_path: " + directory.file("qemu.sasldb") + "\n");
  auto made = run_process({"sh", "-c", "printf %s pty-sasl-9 | saslpasswd2 -p -f \"$1\" -a qemu -c dave", "sh",
                           directory.file("qemu.sasldb")},
                          10s);
  BOOST_REQUIRE(made.exit_code == 0);
  setenv("SASL_CONF_PATH", directory.path().c_str(), 1);
  auto config = plain_spice();
  config.sasl = true;
  qemu_server qemu(config);
  auto run = run_on_pty({"--headless", "--duration", "3", plain_uri(qemu.port())},
                        {{"User name for", "dave"}, {"Password for", "pty-sasl-9"}}, 60s);
  BOOST_TEST_INFO(run.output);
  BOOST_TEST(run.exit_code == 0);
  BOOST_TEST(run.output.find("pty-sasl-9") == std::string::npos);
  BOOST_TEST(run.output.find("dave") != std::string::npos, "the user name is echoed as typed");
}

BOOST_AUTO_TEST_CASE(headless_without_a_terminal_keeps_exit_3, *boost::unit_test::label("qemu")) {
  qemu_server qemu(password_spice("no-tty-secret"));
  auto run = run_vigil({"--headless", "--duration", "3", plain_uri(qemu.port())}, 60s);
  BOOST_TEST_INFO(run.context());
  BOOST_TEST(run.exit_code() == exit_codes::auth_failed);
  BOOST_TEST(run.process.stderr_text.find("Password for") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
