// Smoke test of vigil-test-server itself: it comes up on a free port, answers
// a SPICE link, and goes away cleanly on SIGTERM. The display-pipeline tests
// that use it rely on exactly this.
#define BOOST_TEST_MODULE vigil_test_server_smoke
#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <spice/enums.h>
#include <spice/protocol.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <string>
#include <thread>

#include "child_process.hpp"
#include "loopback_ports.hpp"
#include "temp_directory.hpp"

using namespace vigil::test_support;
using namespace std::chrono_literals;

namespace {

const std::string server_binary = VIGIL_TEST_SERVER_BINARY;

bool wait_for_text(const std::string& path, const std::string& text, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (read_text_file(path).find(text) != std::string::npos)
      return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

// Connects, sends a link message for the main channel and returns the link
// reply's error code (SPICE_LINK_ERR_*), or -1 without a complete reply.
int main_channel_link_error(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  BOOST_TEST_REQUIRE(fd >= 0);
  timeval receive_timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &receive_timeout, sizeof receive_timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int error = -1;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    SpiceLinkHeader header{};
    header.magic = SPICE_MAGIC;
    header.major_version = SPICE_VERSION_MAJOR;
    header.minor_version = SPICE_VERSION_MINOR;
    header.size = sizeof(SpiceLinkMess);
    SpiceLinkMess link{};
    link.channel_type = SPICE_CHANNEL_MAIN;
    link.caps_offset = sizeof(SpiceLinkMess);
    char request[sizeof header + sizeof link];
    std::memcpy(request, &header, sizeof header);
    std::memcpy(request + sizeof header, &link, sizeof link);
    char reply[sizeof(SpiceLinkHeader) + sizeof(std::uint32_t)];
    if (::send(fd, request, sizeof request, MSG_NOSIGNAL) == static_cast<ssize_t>(sizeof request) &&
        ::recv(fd, reply, sizeof reply, MSG_WAITALL) == static_cast<ssize_t>(sizeof reply)) {
      std::uint32_t code = 0;
      std::memcpy(&code, reply + sizeof(SpiceLinkHeader), sizeof code);
      error = static_cast<int>(code);
    }
  }
  ::close(fd);
  return error;
}

}  // namespace

BOOST_AUTO_TEST_CASE(server_listens_accepts_a_connection_and_exits_cleanly_on_sigterm) {
  temp_directory scratch("test-server-smoke");
  const std::string log = scratch.file("server.log");
  const std::uint16_t port = find_free_loopback_port();
  background_process server({server_binary, "--port", std::to_string(port), "--scene", "solid"}, log);

  BOOST_TEST_REQUIRE(wait_for_text(log, "listening port=" + std::to_string(port) + " tls-port=0", 10s),
                     "no listening line; output:\n" << read_text_file(log));
  BOOST_TEST(main_channel_link_error(port) == SPICE_LINK_ERR_OK);
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
