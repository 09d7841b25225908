// vigil-hostile-server: a SPICE server that plays one attack of the December
// security review against a real client (README.md). It speaks the link
// handshake itself (an RSA-1024 key it makes at start; the ticket is
// ignored), the mini header, and then whatever its scenario sends; it pings
// main every 100 ms and counts the client's PONGs.
//
//   vigil-hostile-server --port P --scenario NAME
//
// stdout, one line each, flushed: "listening port=P", "linked TYPE:ID",
// "status pings=N pongs=M main_links=L connections=K late_pings=P
// slowest_pong_ms=S drawings=D" every second and at exit (SIGTERM):
// late_pings is the most PINGs ever seen unanswered for 10 s or more on an
// open main connection; drawings counts error-every-drawing's bad drawings.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <spice/enums.h>
#include <spice/protocol.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdarg>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "attacks.hpp"
#include "protocol/byte_writer.hpp"

namespace {

using namespace vigil::hostile;
using clock_type = std::chrono::steady_clock;
using vigil::protocol::byte_writer;

std::atomic<bool> stop_requested{false};
extern "C" void on_stop(int) { stop_requested.store(true); }

void say(const char* format, ...) __attribute__((format(printf, 1, 2)));
void say(const char* format, ...) {
  va_list arguments;
  va_start(arguments, format);
  std::vfprintf(stdout, format, arguments);
  va_end(arguments);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

// The link reply's public key: an RSA-1024 SubjectPublicKeyInfo (162 bytes).
bytes make_public_key() {
  EVP_PKEY* key = EVP_RSA_gen(1024);
  unsigned char* der = nullptr;
  const int length = i2d_PUBKEY(key, &der);
  bytes out(der, der + length);
  OPENSSL_free(der);
  EVP_PKEY_free(key);
  return out;
}

// The most a connection keeps queued; a flood is produced only below it, so
// the server's own memory stays small whatever the client does.
constexpr std::size_t queue_low_water = 256 * 1024;

// error-every-drawing: an hour of a bad drawing in every frame at 30 frames a
// second, sent as fast as the client reads them.
constexpr std::uint64_t bad_drawings_in_an_hour = 3600 * 30;

struct connection {
  int fd = -1;
  enum class stage { link_header, link_message, ticket, up } at = stage::link_header;
  bytes in;
  bytes out;
  std::size_t needed = 16;
  std::uint8_t type = 0;
  std::uint8_t id = 0;
  bool mini_header = false;
  bool reading = true;  // stop-reading: false once the attack starts
  bool agent_started = false;
  std::uint32_t step = 0;  // the scenario's own counter
  clock_type::time_point next_action{};
  clock_type::time_point next_ping{};
  std::uint32_t next_ping_id = 1;
  std::map<std::uint32_t, clock_type::time_point> unanswered;  // main's PINGs by id
};

struct server {
  std::string scenario;
  bytes public_key = make_public_key();
  std::map<int, connection> connections;
  std::uint64_t pings = 0;
  std::uint64_t pongs = 0;
  std::chrono::milliseconds slowest_pong{0};
  std::size_t most_late_pings = 0;
  std::uint64_t main_links = 0;
  std::uint64_t drawings = 0;  // error-every-drawing's, on every connection
  std::uint32_t session_id = 0x5ec0;

  void send(connection& c, std::uint16_t type, const bytes& body) {
    byte_writer header;
    if (c.mini_header)
      header.u16(type).u32(static_cast<std::uint32_t>(body.size()));
    else
      header.u64(0).u16(type).u32(static_cast<std::uint32_t>(body.size())).u32(0);
    const bytes head = header.take();
    c.out.insert(c.out.end(), head.begin(), head.end());
    c.out.insert(c.out.end(), body.begin(), body.end());
  }

  void on_link_message(connection& c) {
    // SpiceLinkMess: connection_id, channel_type, channel_id, num_common_caps, num_channel_caps, caps_offset, caps
    const std::uint8_t* m = c.in.data();
    c.type = m[4];
    c.id = m[5];
    std::uint32_t common_caps_count = 0, caps_offset = 0, common = 0;
    std::memcpy(&common_caps_count, m + 6, 4);
    std::memcpy(&caps_offset, m + 14, 4);
    if (common_caps_count > 0 && caps_offset + 4 <= c.in.size())
      std::memcpy(&common, m + caps_offset, 4);
    c.mini_header = (common >> SPICE_COMMON_CAP_MINI_HEADER) & 1;
    byte_writer reply;
    reply.u32(SPICE_LINK_ERR_OK).raw(public_key);
    reply.u32(1).u32(0).u32(178).u32(1u << SPICE_COMMON_CAP_MINI_HEADER | 1u << SPICE_COMMON_CAP_AUTH_SPICE);
    const bytes body = reply.take();
    byte_writer header;
    header.u32(SPICE_MAGIC).u32(SPICE_VERSION_MAJOR).u32(SPICE_VERSION_MINOR).u32(static_cast<std::uint32_t>(body.size()));
    const bytes head = header.take();
    c.out.insert(c.out.end(), head.begin(), head.end());
    c.out.insert(c.out.end(), body.begin(), body.end());
  }

  void on_linked(connection& c) {
    byte_writer result;
    result.u32(SPICE_LINK_ERR_OK);
    const bytes ok = result.take();
    c.out.insert(c.out.end(), ok.begin(), ok.end());
    say("linked %s:%u", c.type == SPICE_CHANNEL_MAIN ? "main" : c.type == SPICE_CHANNEL_DISPLAY ? "display"
                         : c.type == SPICE_CHANNEL_PLAYBACK                               ? "playback"
                                                                                          : "other",
        c.id);
    const auto now = clock_type::now();
    c.next_action = now;
    c.next_ping = now;
    if (c.type == SPICE_CHANNEL_MAIN) {
      ++main_links;
      send(c, SPICE_MSG_MAIN_INIT, main_init(session_id, scenario == "agent-flood"));
    } else if (c.type == SPICE_CHANNEL_DISPLAY) {
      start_display(c);
    } else if (c.type == SPICE_CHANNEL_PLAYBACK) {
      send(c, SPICE_MSG_PLAYBACK_MODE, playback_mode_raw());
    }
  }

  void start_display(connection& c) {
    if (scenario == "big-primary") {
      send(c, SPICE_MSG_DISPLAY_SURFACE_CREATE, surface_create(0, 16384, 16384, true));
      return;
    }
    if (scenario == "stop-reading") {
      send(c, SPICE_MSG_SET_ACK, set_ack(1, 1));
      c.reading = false;
    }
    const std::uint32_t side = scenario == "copy-bits" || scenario == "clip-explosion" ? 2048 : 1024;
    send(c, SPICE_MSG_DISPLAY_SURFACE_CREATE, surface_create(0, side, side == 1024 ? 768 : side, true));
  }

  std::vector<std::pair<std::uint8_t, std::uint8_t>> listed_channels() const {
    if (scenario == "channel-list-flood")
      return std::vector<std::pair<std::uint8_t, std::uint8_t>>(100000, {SPICE_CHANNEL_DISPLAY, 0});
    // One channel besides main, so the session comes up.
    if (scenario == "playback-switch")
      return {{SPICE_CHANNEL_MAIN, 0}, {SPICE_CHANNEL_PLAYBACK, 0}};
    if (scenario == "agent-flood" || scenario == "mouse-mode-flap")
      return {{SPICE_CHANNEL_MAIN, 0}, {SPICE_CHANNEL_INPUTS, 0}};
    return {{SPICE_CHANNEL_MAIN, 0}, {SPICE_CHANNEL_DISPLAY, 0}};
  }

  // A client message on a linked connection.
  void on_message(connection& c, std::uint16_t type, const std::uint8_t* body, std::size_t size) {
    if (type == SPICE_MSGC_PONG && c.type == SPICE_CHANNEL_MAIN) {
      std::uint32_t id = 0;
      if (size >= 4)
        std::memcpy(&id, body, 4);
      if (auto sent = c.unanswered.find(id); sent != c.unanswered.end()) {
        ++pongs;
        slowest_pong = std::max(slowest_pong, std::chrono::duration_cast<std::chrono::milliseconds>(
                                                clock_type::now() - sent->second));
        c.unanswered.erase(sent);
      }
      return;
    }
    if (c.type != SPICE_CHANNEL_MAIN)
      return;
    if (type == SPICE_MSGC_MAIN_ATTACH_CHANNELS)
      send(c, SPICE_MSG_MAIN_CHANNELS_LIST, channels_list(listed_channels()));
    else if (type == SPICE_MSGC_MAIN_AGENT_START)
      c.agent_started = true;
  }

  // PINGs on open main connections left unanswered for 10 s or more (a
  // server's connectivity check gives up after 30 s); the most ever seen.
  std::size_t late_pings(clock_type::time_point now) {
    std::size_t late = 0;
    for (const auto& [fd, c] : connections)
      for (const auto& [id, sent] : c.unanswered)
        late += now - sent >= std::chrono::seconds(10) ? 1 : 0;
    most_late_pings = std::max(most_late_pings, late);
    return most_late_pings;
  }

  void print_status(clock_type::time_point now) {
    say("status pings=%llu pongs=%llu main_links=%llu connections=%zu late_pings=%zu slowest_pong_ms=%lld "
        "drawings=%llu",
        static_cast<unsigned long long>(pings), static_cast<unsigned long long>(pongs),
        static_cast<unsigned long long>(main_links), connections.size(), late_pings(now),
        static_cast<long long>(slowest_pong.count()), static_cast<unsigned long long>(drawings));
  }

  // What the scenario sends now on this connection (called every few ms).
  void act(connection& c, clock_type::time_point now) {
    if (c.type == SPICE_CHANNEL_MAIN && now >= c.next_ping) {
      c.unanswered.emplace(c.next_ping_id, now);
      send(c, SPICE_MSG_PING, ping(c.next_ping_id++, 0));
      ++pings;
      c.next_ping = now + std::chrono::milliseconds(100);
    }
    if (now < c.next_action || c.out.size() > queue_low_water)
      return;
    auto every = [&](int ms) { c.next_action = now + std::chrono::milliseconds(ms); };
    if (c.type == SPICE_CHANNEL_MAIN) {
      if (scenario == "mouse-mode-flap") {
        // 100,000 mode changes a second: a flood a healthy client keeps up
        // with. Sent as fast as the socket drains instead, the PINGs behind
        // them waited on however much the kernel's autotuned loopback
        // buffers held (megabytes of 10-byte messages): 2 of 99 answered on
        // an idle machine, 93 of 102 on a loaded one.
        for (int i = 0; i < 2000; ++i)
          send(c, SPICE_MSG_MAIN_MOUSE_MODE, mouse_mode(++c.step % 2 ? SPICE_MOUSE_MODE_CLIENT : SPICE_MOUSE_MODE_SERVER));
        every(20);
      } else if (scenario == "agent-flood" && c.agent_started) {
        // Never waits for tokens: 4,097 chunks where 10 were allowed, again and again.
        for (int i = 0; i < 64; ++i)
          send(c, SPICE_MSG_MAIN_AGENT_DATA, agent_data_of_empty_messages(2040));
      }
      return;
    }
    if (c.type == SPICE_CHANNEL_PLAYBACK && scenario == "playback-switch") {
      // START with 1 then 8 channels, the frequency rising: each START reopens
      // the device while its thread may still pull in the old format (H6).
      const std::uint32_t channels = c.step % 2 ? 8 : 1;
      const std::uint32_t frequency = 8000 + (c.step * 4000) % 184000;
      send(c, SPICE_MSG_PLAYBACK_START, playback_start(channels, frequency, c.step * 10));
      send(c, SPICE_MSG_PLAYBACK_DATA, playback_data(c.step * 10, channels, frequency / 100));
      ++c.step;
      every(5);
      return;
    }
    if (c.type != SPICE_CHANNEL_DISPLAY)
      return;
    if (scenario == "surface-flood") {
      // 16 MiB surfaces with fresh ids until the budget refuses one, then
      // 16384x16384 ones (1 GiB each, over the per-surface cap).
      const std::uint32_t side = c.step < 64 ? 2048 : 16384;
      send(c, SPICE_MSG_DISPLAY_SURFACE_CREATE, surface_create(1 + c.step, side, side, false));
      ++c.step;
      every(40);
    } else if (scenario.rfind("bomb-", 0) == 0) {
      // First an image whose codec header claims more than its descriptor
      // (refused as malformed), then one the budget cannot afford.
      const std::uint32_t side = c.step % 2 ? 8192 : 64;
      send(c, SPICE_MSG_DISPLAY_DRAW_COPY, draw_copy(64, 64, bomb_image(scenario.substr(5), side)));
      ++c.step;
      every(200);
    } else if (scenario == "copy-bits") {
      send(c, SPICE_MSG_DISPLAY_COPY_BITS, copy_bits(2048, 2048));
      every(20);
    } else if (scenario == "clip-explosion") {
      send(c, SPICE_MSG_DISPLAY_DRAW_FILL, fill_with_staggered_clip(2048, 1024));
      every(50);
    } else if (scenario == "stop-reading") {
      for (int i = 0; i < 1000; ++i)
        send(c, SPICE_MSG_PING, ping(++c.step, 0));
    } else if (scenario == "error-every-drawing") {
      for (int i = 0; i < 64 && drawings < bad_drawings_in_an_hour; ++i, ++drawings)
        send(c, SPICE_MSG_DISPLAY_DRAW_COPY, draw_copy(16, 16, image_from_cache_miss(++c.step, 16, 16)));
      every(2);
    }
  }

  // Consumes what arrived; false: the connection is broken.
  bool on_input(connection& c) {
    while (c.in.size() >= c.needed) {
      switch (c.at) {
        case connection::stage::link_header: {
          std::uint32_t magic = 0, size = 0;
          std::memcpy(&magic, c.in.data(), 4);
          std::memcpy(&size, c.in.data() + 12, 4);
          if (magic != SPICE_MAGIC || size > 4096)
            return false;
          c.in.erase(c.in.begin(), c.in.begin() + 16);
          c.at = connection::stage::link_message;
          c.needed = size;
          break;
        }
        case connection::stage::link_message:
          on_link_message(c);
          c.in.erase(c.in.begin(), c.in.begin() + static_cast<std::ptrdiff_t>(c.needed));
          c.at = connection::stage::ticket;
          c.needed = 128;
          break;
        case connection::stage::ticket:
          c.in.erase(c.in.begin(), c.in.begin() + 128);
          c.at = connection::stage::up;
          c.needed = c.mini_header ? 6 : 18;
          on_linked(c);
          break;
        case connection::stage::up: {
          const std::size_t header = c.mini_header ? 6 : 18;
          std::uint16_t type = 0;
          std::uint32_t size = 0;
          std::memcpy(&type, c.in.data() + (c.mini_header ? 0 : 8), 2);
          std::memcpy(&size, c.in.data() + (c.mini_header ? 2 : 10), 4);
          if (c.in.size() < header + size) {
            c.needed = header + size;
            return true;
          }
          on_message(c, type, c.in.data() + header, size);
          c.in.erase(c.in.begin(), c.in.begin() + static_cast<std::ptrdiff_t>(header + size));
          c.needed = header;
          break;
        }
      }
    }
    return true;
  }
};

int listen_on(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  int yes = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(fd, 64) != 0) {
    std::perror("vigil-hostile-server: listen");
    std::exit(1);
  }
  return fd;
}

void usage() {
  std::fprintf(stderr, "usage: vigil-hostile-server --port P --scenario NAME\nscenarios:");
  for (const auto& name : scenario_names())
    std::fprintf(stderr, " %s", name.c_str());
  std::fprintf(stderr, "\n");
}

}  // namespace

int main(int argc, char** argv) {
  server state;
  int port = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string option = argv[i];
    if (option == "--port")
      port = std::atoi(argv[i + 1]);
    else if (option == "--scenario")
      state.scenario = argv[i + 1];
  }
  bool known = false;
  for (const auto& name : scenario_names())
    known = known || name == state.scenario;
  if (port <= 0 || port > 65535 || !known) {
    usage();
    return 64;
  }
  std::signal(SIGTERM, on_stop);
  std::signal(SIGINT, on_stop);
  std::signal(SIGPIPE, SIG_IGN);
  const int listener = listen_on(static_cast<std::uint16_t>(port));
  say("listening port=%d scenario=%s", port, state.scenario.c_str());
  auto next_status = clock_type::now() + std::chrono::seconds(1);
  std::vector<char> chunk(64 * 1024);
  while (!stop_requested.load()) {
    std::vector<pollfd> watched{{listener, POLLIN, 0}};
    for (auto& [fd, c] : state.connections)
      watched.push_back({fd, static_cast<short>((c.reading ? POLLIN : 0) | (c.out.empty() ? 0 : POLLOUT)), 0});
    ::poll(watched.data(), watched.size(), 2);
    const auto now = clock_type::now();
    if (watched[0].revents & POLLIN) {
      int fd = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
      if (fd >= 0)
        state.connections[fd].fd = fd;
    }
    std::vector<int> closed;
    for (std::size_t i = 1; i < watched.size(); ++i) {
      auto& c = state.connections[watched[i].fd];
      bool alive = true;
      if (watched[i].revents & (POLLERR | POLLHUP | POLLNVAL))
        alive = false;
      if (alive && (watched[i].revents & POLLIN)) {
        const ssize_t got = ::read(c.fd, chunk.data(), chunk.size());
        if (got <= 0)
          alive = false;
        else {
          c.in.insert(c.in.end(), chunk.begin(), chunk.begin() + got);
          alive = state.on_input(c);
        }
      }
      if (alive && !c.out.empty()) {
        const ssize_t sent = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
        if (sent > 0)
          c.out.erase(c.out.begin(), c.out.begin() + sent);
        else if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
          alive = false;
      }
      if (alive && c.at == connection::stage::up)
        state.act(c, now);
      if (!alive)
        closed.push_back(c.fd);
    }
    for (int fd : closed) {
      ::close(fd);
      state.connections.erase(fd);
    }
    if (now >= next_status) {
      state.print_status(now);
      next_status = now + std::chrono::seconds(1);
    }
  }
  state.print_status(clock_type::now());
  return 0;
}
