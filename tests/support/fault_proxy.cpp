#include "fault_proxy.hpp"

#include "loopback_ports.hpp"
#include "waiting.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>
#include <string>

namespace vigil::test_support {

namespace {

constexpr std::size_t link_channel_type_offset = 20;  // 16-byte SpiceLinkHeader + u32 connection_id

void write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    ssize_t n = send(fd, data, size, MSG_NOSIGNAL);
    if (n <= 0)
      return;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

}  // namespace

struct fault_proxy::connection {
  int client = -1;
  int server = -1;
  int channel_type = -1;   // unknown until the client's link message arrives
  std::string link_prefix;  // first bytes from the client, until the type is known
  bool frozen = false;
  bool closed = false;
};

fault_proxy::fault_proxy(std::uint16_t upstream_port) : upstream_port_(upstream_port) {
  listen_on(0);
  if (pipe2(wake_pipe_, O_CLOEXEC) != 0)
    throw std::runtime_error("fault_proxy: pipe2 failed");
  thread_ = std::thread([this] { run(); });
}

// Port 0: a free one.
void fault_proxy::listen_on(std::uint16_t port) {
  listener_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int reuse = 1;
  setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &reuse, sizeof(reuse));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  socklen_t length = sizeof(address);
  if (bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 || listen(listener_, 16) != 0 ||
      getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0)
    throw std::runtime_error(std::string("fault_proxy: cannot listen: ") + std::strerror(errno));
  port_ = ntohs(address.sin_port);
}

void fault_proxy::refuse_connections() { set_listening(false); }
void fault_proxy::accept_connections() { set_listening(true); }

// The poll thread closes or reopens the listener (it owns it); this waits for that.
void fault_proxy::set_listening(bool listening) {
  want_listening_ = listening;
  char wake = 0;
  (void)write(wake_pipe_[1], &wake, 1);
  if (!wait_until([&] { return listening_ == listening; }, std::chrono::seconds(10), std::chrono::milliseconds(5)))
    throw std::runtime_error("fault_proxy: the listener did not " + std::string(listening ? "reopen" : "close"));
}

fault_proxy::~fault_proxy() {
  stopping_ = true;
  char wake = 0;
  (void)write(wake_pipe_[1], &wake, 1);
  thread_.join();
  for (auto& link : connections_) {
    if (link->client >= 0)
      close(link->client);
    if (link->server >= 0)
      close(link->server);
  }
  if (listener_ >= 0)
    close(listener_);
  close(wake_pipe_[0]);
  close(wake_pipe_[1]);
}

void fault_proxy::freeze(std::uint8_t channel_type) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& link : connections_)
    if (link->channel_type == channel_type)
      link->frozen = true;
}

void fault_proxy::cut(std::uint8_t channel_type) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& link : connections_)
    if (link->channel_type == channel_type && !link->closed) {
      shutdown(link->client, SHUT_RDWR);
      shutdown(link->server, SHUT_RDWR);
      link->closed = true;
    }
}

void fault_proxy::set_delay(std::chrono::milliseconds delay) { delay_ms_ = delay.count(); }

std::size_t fault_proxy::connections_seen(std::uint8_t channel_type) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::size_t count = 0;
  for (const auto& link : connections_)
    count += link->channel_type == channel_type ? 1 : 0;
  return count;
}

void fault_proxy::accept_one() {
  int client = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
  if (client < 0)
    return;
  int server = connect_loopback(upstream_port_);
  if (server < 0) {
    close(client);  // upstream down: the client sees a closed connection, like a dead server
    return;
  }
  auto link = std::make_unique<connection>();
  link->client = client;
  link->server = server;
  std::lock_guard<std::mutex> lock(mutex_);
  connections_.push_back(std::move(link));
}

void fault_proxy::pump(connection& link, bool from_client) {
  char buffer[65536];
  int from = from_client ? link.client : link.server;
  int to = from_client ? link.server : link.client;
  ssize_t n = recv(from, buffer, sizeof(buffer), 0);
  if (n <= 0) {
    shutdown(link.client, SHUT_RDWR);
    shutdown(link.server, SHUT_RDWR);
    link.closed = true;
    return;
  }
  if (from_client && link.channel_type < 0) {
    link.link_prefix.append(buffer, static_cast<std::size_t>(n));
    if (link.link_prefix.size() > link_channel_type_offset)
      link.channel_type = static_cast<unsigned char>(link.link_prefix[link_channel_type_offset]);
  }
  if (auto delay = delay_ms_.load(); delay > 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(delay));  // sleep-ok: the delay the test set
  write_all(to, buffer, static_cast<std::size_t>(n));
}

void fault_proxy::run() {
  while (!stopping_) {
    if (want_listening_ != listening_) {
      if (listening_) {
        close(listener_);
        listener_ = -1;
      } else {
        listen_on(port_);
      }
      listening_ = want_listening_.load();
    }
    // A closed listener (-1) is skipped by poll.
    std::vector<pollfd> watched{{wake_pipe_[0], POLLIN, 0}, {listener_, POLLIN, 0}};
    std::vector<std::pair<connection*, bool>> owners{{nullptr, false}, {nullptr, false}};
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (auto& link : connections_) {
        if (link->closed || link->frozen)
          continue;  // a frozen connection is simply not read: TCP backs up behind it
        watched.push_back({link->client, POLLIN, 0});
        owners.emplace_back(link.get(), true);
        watched.push_back({link->server, POLLIN, 0});
        owners.emplace_back(link.get(), false);
      }
    }
    if (poll(watched.data(), watched.size(), 100) <= 0)
      continue;
    if (watched[0].revents & POLLIN) {
      char drained[64];
      (void)read(wake_pipe_[0], drained, sizeof(drained));
    }
    if (watched[1].revents & POLLIN)
      accept_one();
    std::lock_guard<std::mutex> lock(mutex_);
    for (std::size_t i = 2; i < watched.size(); ++i)
      if ((watched[i].revents & (POLLIN | POLLHUP | POLLERR)) && !owners[i].first->closed && !owners[i].first->frozen)
        pump(*owners[i].first, owners[i].second);
  }
}

}  // namespace vigil::test_support
