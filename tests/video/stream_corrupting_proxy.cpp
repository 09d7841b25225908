#include "stream_corrupting_proxy.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>
#include <string>

namespace vigil::video_test {

namespace {

constexpr std::uint8_t display_channel = 2;        // SPICE_CHANNEL_DISPLAY
constexpr std::uint16_t stream_data_message = 123;  // SPICE_MSG_DISPLAY_STREAM_DATA
constexpr std::size_t stream_data_header = 12;      // u32 id, u32 mm_time, u32 data_size

int connect_upstream(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    if (fd >= 0)
      ::close(fd);
    return -1;
  }
  return fd;
}

std::uint32_t le32(const std::uint8_t* p) {
  return std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 | std::uint32_t(p[3]) << 24;
}

}  // namespace

// What the server sends on one connection, parsed as far as needed.
struct stream_corrupting_proxy::connection {
  int client = -1;
  int server = -1;
  std::vector<std::uint8_t> client_prefix;  // the client's first 21 bytes: the channel type is byte 20
  bool is_display = false;
  bool known = false;
  enum class stage { reply_header, reply_body, link_result, message_header, message_body } at = stage::reply_header;
  std::vector<std::uint8_t> header;  // bytes of the current fixed-size part
  std::uint64_t left = 0;            // bytes of the current body still to come
  std::uint64_t body_offset = 0;
  bool corrupting = false;
  ~connection() {
    if (client >= 0)
      ::close(client);
    if (server >= 0)
      ::close(server);
  }
};

stream_corrupting_proxy::stream_corrupting_proxy(std::uint16_t upstream_port, std::uint32_t first, std::uint32_t last)
    : upstream_port_(upstream_port), first_(first), last_(last) {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener_, 16) != 0 || ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0 ||
      ::pipe2(wake_pipe_, O_CLOEXEC) != 0)
    throw std::runtime_error(std::string("stream_corrupting_proxy: cannot listen: ") + std::strerror(errno));
  port_ = ntohs(address.sin_port);
  thread_ = std::thread([this] { run(); });
}

stream_corrupting_proxy::~stream_corrupting_proxy() {
  stopping_ = true;
  const char wake = 1;
  [[maybe_unused]] auto written = ::write(wake_pipe_[1], &wake, 1);
  thread_.join();
  connections_.clear();
  ::close(listener_);
  ::close(wake_pipe_[0]);
  ::close(wake_pipe_[1]);
}

void stream_corrupting_proxy::accept_one() {
  const int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
  if (client < 0)
    return;
  auto link = std::make_unique<connection>();
  link->client = client;
  link->server = connect_upstream(upstream_port_);
  if (link->server < 0)
    return;  // the client sees its connection closed
  connections_.push_back(std::move(link));
}

void stream_corrupting_proxy::inspect_server_bytes(connection& link, std::uint8_t* data, std::size_t size) {
  for (std::size_t i = 0; i < size; ++i) {
    switch (link.at) {
      case connection::stage::reply_header:  // SpiceLinkHeader: magic, major, minor, size
        link.header.push_back(data[i]);
        if (link.header.size() == 16) {
          link.left = le32(link.header.data() + 12);
          link.header.clear();
          link.at = link.left ? connection::stage::reply_body : connection::stage::link_result;
        }
        break;
      case connection::stage::reply_body:
        if (--link.left == 0)
          link.at = connection::stage::link_result;
        break;
      case connection::stage::link_result:
        link.header.push_back(data[i]);
        if (link.header.size() == 4) {
          link.header.clear();
          link.at = connection::stage::message_header;
        }
        break;
      case connection::stage::message_header:  // mini header: u16 type, u32 size
        link.header.push_back(data[i]);
        if (link.header.size() == 6) {
          const std::uint16_t type = std::uint16_t(link.header[0] | link.header[1] << 8);
          link.left = le32(link.header.data() + 2);
          link.header.clear();
          link.body_offset = 0;
          link.corrupting = false;
          if (type == stream_data_message) {
            const std::uint32_t number = ++frames_seen_;
            link.corrupting = number >= first_ && number <= last_;
            frames_corrupted_ += link.corrupting ? 1 : 0;
          }
          link.at = link.left ? connection::stage::message_body : connection::stage::message_header;
        }
        break;
      case connection::stage::message_body:
        if (link.corrupting && link.body_offset >= stream_data_header)
          data[i] = 0xff;
        ++link.body_offset;
        if (--link.left == 0)
          link.at = connection::stage::message_header;
        break;
    }
  }
}

// Moves what is readable one way; false when that side closed.
bool stream_corrupting_proxy::pump(connection& link, bool from_client) {
  std::uint8_t buffer[65536];
  const int from = from_client ? link.client : link.server;
  const int to = from_client ? link.server : link.client;
  const ssize_t got = ::recv(from, buffer, sizeof buffer, 0);
  if (got <= 0)
    return false;
  if (from_client && !link.known) {
    for (ssize_t i = 0; i < got && link.client_prefix.size() < 21; ++i)
      link.client_prefix.push_back(buffer[i]);
    if (link.client_prefix.size() == 21) {
      link.known = true;
      link.is_display = link.client_prefix[20] == display_channel;
    }
  }
  if (!from_client && link.is_display)
    inspect_server_bytes(link, buffer, static_cast<std::size_t>(got));
  std::size_t sent = 0;
  while (sent < static_cast<std::size_t>(got)) {
    const ssize_t n = ::send(to, buffer + sent, static_cast<std::size_t>(got) - sent, MSG_NOSIGNAL);
    if (n <= 0)
      return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

void stream_corrupting_proxy::run() {
  while (!stopping_) {
    std::vector<pollfd> watched{{wake_pipe_[0], POLLIN, 0}, {listener_, POLLIN, 0}};
    for (const auto& link : connections_) {
      watched.push_back({link->client, POLLIN, 0});
      watched.push_back({link->server, POLLIN, 0});
    }
    if (::poll(watched.data(), watched.size(), 500) <= 0)
      continue;
    const std::size_t polled = connections_.size();
    if (watched[1].revents & POLLIN)
      accept_one();
    for (std::size_t i = 0; i < polled; ++i) {
      const pollfd& client = watched[2 + 2 * i];
      const pollfd& server = watched[3 + 2 * i];
      bool alive = true;
      if (client.revents & (POLLIN | POLLHUP | POLLERR))
        alive = pump(*connections_[i], true);
      if (alive && (server.revents & (POLLIN | POLLHUP | POLLERR)))
        alive = pump(*connections_[i], false);
      if (!alive)
        connections_[i].reset();
    }
    // Closed connections leave both ends closed (the destructor); drop them.
    std::vector<std::unique_ptr<connection>> open;
    for (auto& link : connections_)
      if (link)
        open.push_back(std::move(link));
    connections_ = std::move(open);
  }
}

}  // namespace vigil::video_test
