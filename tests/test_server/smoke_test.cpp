// Smoke test of vigil-test-server itself: it comes up on a free port, answers
// a SPICE link, and goes away cleanly on SIGTERM. The display-pipeline tests
// that use it rely on exactly this.
#include <boost/test/unit_test.hpp>

#include <spice/enums.h>

#include <chrono>
#include <string>
#include <thread>

#include "child_process.hpp"
#include "loopback_ports.hpp"
#include "scene_server.hpp"
#include "spice_link_probe.hpp"
#include "temp_directory.hpp"
#include "waiting.hpp"

using namespace vigil::test_support;
using namespace std::chrono_literals;

namespace {

const std::string server_binary = test_server_binary();

bool wait_for_text(const std::string& path, const std::string& text, std::chrono::milliseconds timeout) {
  return wait_until([&] { return read_text_file(path).find(text) != std::string::npos; }, timeout);
}

}  // namespace

BOOST_AUTO_TEST_CASE(server_listens_accepts_a_connection_and_exits_cleanly_on_sigterm) {
  temp_directory scratch("test-server-smoke");
  const std::string log = scratch.file("server.log");
  const std::uint16_t port = find_free_loopback_port();
  background_process server({server_binary, "--port", std::to_string(port), "--scene", "solid"}, log);

  BOOST_TEST_REQUIRE(wait_for_text(log, "listening port=" + std::to_string(port) + " tls-port=0", 10s),
                     "no listening line; output:\n" << read_text_file(log));
  BOOST_TEST(spice_link_error(port, SPICE_CHANNEL_MAIN) == SPICE_LINK_ERR_OK);
  // Only a link message: the client-connected event waits for the ticket.
  BOOST_TEST(wait_for_text(log, "event socket-connected", 5s), read_text_file(log));

  server.stop(5s);
  BOOST_TEST(server.describe_state() == "exit code 0", read_text_file(log));
  BOOST_TEST(read_text_file(log).find("exiting signal=TERM") != std::string::npos, read_text_file(log));
}

BOOST_AUTO_TEST_CASE(unknown_scene_is_a_usage_error) {
  const process_result result = run_process({server_binary, "--port", "1", "--scene", "no-such-scene"}, 10s);
  BOOST_TEST(result.exit_code.value_or(-1) == 64, result.describe());
  BOOST_TEST(result.stderr_text.find("unknown scene 'no-such-scene'") != std::string::npos, result.stderr_text);
}
