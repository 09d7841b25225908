#include "pulse_daemon.hpp"

#include <cstdlib>

#include <boost/test/unit_test.hpp>

#include "waiting.hpp"

namespace vigil::test_support {

using namespace std::chrono_literals;

pulse_daemon::pulse_daemon(const std::string& modules) : work_("pulse") {
  const std::string socket = work_.file("native");
  write_text_file(work_.file("default.pa"),
                  "load-module module-native-protocol-unix socket=" + socket + " auth-anonymous=1\n" + modules);
  if (const char* home = std::getenv("HOME"))
    home_ = home;
  setenv("HOME", work_.path().c_str(), 1);
  setenv("XDG_RUNTIME_DIR", work_.path().c_str(), 1);
  setenv("PULSE_RUNTIME_PATH", work_.path().c_str(), 1);
  daemon_ = std::make_unique<background_process>(
    std::vector<std::string>{"pulseaudio", "-n", "-F", work_.file("default.pa"), "--daemonize=no",
                             "--exit-idle-time=-1", "--disable-shm=yes", "--use-pid-file=no", "--log-target=stderr"},
    work_.file("pulseaudio.log"));
  setenv("PULSE_SERVER", ("unix:" + socket).c_str(), 1);
  setenv("ALSOFT_DRIVERS", "pulse", 1);
  const bool up =
    wait_until([&] { return run_process({"pactl", "info"}, 5s).exit_code == std::optional<int>(0); }, 20s, 200ms);
  BOOST_TEST_REQUIRE(up, "PulseAudio did not come up: " << log());
}

pulse_daemon::~pulse_daemon() {
  daemon_.reset();
  for (const char* name : {"PULSE_SERVER", "ALSOFT_DRIVERS", "PULSE_RUNTIME_PATH", "XDG_RUNTIME_DIR"})
    unsetenv(name);
  setenv("HOME", home_.c_str(), 1);
}

std::string pulse_daemon::pactl(const std::vector<std::string>& arguments) const {
  std::vector<std::string> argv{"pactl"};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  const auto result = run_process(argv, 10s);
  return result.exit_code == std::optional<int>(0) ? result.stdout_text : "";
}

std::string pulse_daemon::log() const { return read_text_file(work_.file("pulseaudio.log")); }

}  // namespace vigil::test_support
