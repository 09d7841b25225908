// The one-shot connector against a real listening socket: a connection made
// for a channel that is gone by the time it is ready (killed while
// connecting) is closed, not leaked; the server sees it end. The broker's
// write buffer against a peer that never reads: bounded. Its socket's
// keepalive: as configured.
#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>

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
  // The connector is a spawn argument, not a capture: for an actor spawned
  // with no arguments CAF 0.17 binds a reference to a null tuple, which
  // UBSan reports (caf/detail/init_fun_factory.hpp; docs/testing.md).
  system.spawn(
    [settings](caf::event_based_actor* self, const socket_connector_actor& asked) {
      self->request(asked, 10s, connect_atom::value, settings).then([](const connect_outcome&) {});
      self->quit();
    },
    connector);
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

// Security review M4: every write appended to CAF's write buffer without a
// bound, so a server that stops reading while it keeps sending (PINGs to
// answer) grew the client's memory by what it sent.
BOOST_AUTO_TEST_CASE(a_peer_that_stops_reading_overflows_the_bounded_write_buffer) {
  int sockets[2];
  BOOST_TEST_REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sockets) == 0);
  caf::actor_system_config config;
  config.load<caf::io::middleman>();
  config.set("logger.verbosity", caf::atom("quiet"));
  caf::actor_system system{config};
  caf::scoped_actor owner{system};
  socket_settings settings;
  settings.max_unsent_bytes = 256 * 1024;
  auto broker = spawn_socket_broker(system, sockets[0], settings, owner, std::make_shared<chunk_pool>(8));
  bool ready = false;
  owner->receive([&](sock_ready_atom, const std::string&) { ready = true; },
                 caf::after(std::chrono::seconds(10)) >> [] {});
  BOOST_TEST_REQUIRE(ready);
  // The peer (sockets[1]) never reads: the kernel's buffer fills, then CAF's.
  const byte_buffer chunk(64 * 1024, 0x42);
  std::string overflow;
  std::size_t written = 0;
  for (int i = 0; i < 4096 && overflow.empty(); ++i) {
    owner->send(broker, sock_write_atom::value, chunk);
    written += chunk.size();
    owner->receive([&](sock_overflow_atom, const std::string& why) { overflow = why; },
                   caf::after(std::chrono::milliseconds(i % 16 == 0 ? 50 : 0)) >> [] {});
  }
  for (int wait = 0; wait < 100 && overflow.empty(); ++wait)
    owner->receive([&](sock_overflow_atom, const std::string& why) { overflow = why; },
                   caf::after(std::chrono::milliseconds(100)) >> [] {});
  BOOST_TEST_MESSAGE("overflowed after " << written << " bytes written: " << overflow);
  BOOST_TEST(!overflow.empty(), "no overflow after " << written << " bytes written to a peer that never reads");
  BOOST_TEST(overflow.find("limit 262144 (the server stopped reading)") != std::string::npos, overflow);
  ::close(sockets[1]);
}

// CAF's scribe switched SO_KEEPALIVE on for every socket it took, so
// `connection.tcp_keepalive.enabled = false` left keepalive on.
BOOST_AUTO_TEST_CASE(the_broker_keeps_the_configured_keepalive_of_its_socket) {
  loopback_listener listener;
  caf::actor_system_config config;
  config.load<caf::io::middleman>();
  config.set("logger.verbosity", caf::atom("quiet"));
  caf::actor_system system{config};
  for (const bool enabled : {false, true}) {
    int client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(listener.port);
    BOOST_TEST_REQUIRE(::connect(client, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    int accepted = ::accept4(listener.fd, nullptr, nullptr, SOCK_CLOEXEC);
    BOOST_TEST_REQUIRE(accepted >= 0);
    caf::scoped_actor owner{system};
    socket_settings settings;
    settings.keepalive.enabled = enabled;
    auto broker = spawn_socket_broker(system, client, settings, owner, std::make_shared<chunk_pool>(8));
    bool ready = false;
    owner->receive([&](sock_ready_atom, const std::string&) { ready = true; },
                   caf::after(std::chrono::seconds(10)) >> [] {});
    BOOST_TEST_REQUIRE(ready);
    int keepalive = -1;
    socklen_t length = sizeof keepalive;
    BOOST_TEST_REQUIRE(::getsockopt(client, SOL_SOCKET, SO_KEEPALIVE, &keepalive, &length) == 0);
    BOOST_TEST(keepalive == (enabled ? 1 : 0), "keepalive " << keepalive << " with enabled = " << enabled);
    owner->send(broker, sock_shutdown_atom::value);
    char byte = 0;
    BOOST_TEST(readable_within(accepted, 5000));
    BOOST_TEST(::read(accepted, &byte, 1) == 0);
    ::close(accepted);
  }
}
