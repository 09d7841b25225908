// The one-shot connector against a real listening socket: a connection made
// for a channel that is gone by the time it is ready (killed while
// connecting) is closed, not leaked; the server sees it end.
#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>

#include "actors/socket_broker.hpp"

using namespace std::chrono_literals;
using namespace vigil;

namespace {

// A listening loopback socket on a port the kernel picks.
struct loopback_listener {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  std::uint16_t port = 0;
  loopback_listener() {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    BOOST_TEST_REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    BOOST_TEST_REQUIRE(::listen(fd, 4) == 0);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    port = ntohs(address.sin_port);
  }
  ~loopback_listener() { ::close(fd); }
};

bool readable_within(int fd, int milliseconds) {
  pollfd watched{fd, POLLIN, 0};
  return ::poll(&watched, 1, milliseconds) == 1;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_connection_made_for_a_requester_that_is_gone_is_closed) {
  loopback_listener listener;
  caf::actor_system_config config;
  caf::actor_system system{config};
  socket_settings settings;
  settings.host = "127.0.0.1";
  settings.port = listener.port;
  settings.connect_timeout = 5s;
  auto connector = spawn_socket_connector(system);
  // Asks, and is gone before the answer can arrive.
  system.spawn([connector, settings](caf::event_based_actor* self) {
    self->request(connector, 10s, connect_atom::value, settings).then([](const connect_outcome&) {});
    self->quit();
  });
  BOOST_TEST_REQUIRE(readable_within(listener.fd, 5000), "the connector never connected");
  int accepted = ::accept4(listener.fd, nullptr, nullptr, SOCK_CLOEXEC);
  BOOST_TEST_REQUIRE(accepted >= 0);
  bool ended = readable_within(accepted, 5000);
  char byte = 0;
  auto got = ended ? ::read(accepted, &byte, 1) : -1;
  ::close(accepted);
  BOOST_TEST(ended, "the client side stayed open: its socket leaked");
  BOOST_TEST(got == 0, "expected end of stream from the abandoned connection");
}
