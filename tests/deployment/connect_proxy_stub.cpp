#include "connect_proxy_stub.hpp"

#include "loopback_ports.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

namespace vigil::deployment_test {

namespace {

std::string base64(const std::string& text) {
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned bits = 0;
  int count = 0;
  for (unsigned char c : text) {
    bits = bits << 8 | c;
    count += 8;
    while (count >= 6) {
      count -= 6;
      out += alphabet[(bits >> count) & 63];
    }
  }
  if (count > 0)
    out += alphabet[(bits << (6 - count)) & 63];
  while (out.size() % 4)
    out += '=';
  return out;
}

void send_all(int fd, const std::string& text) {
  std::size_t sent = 0;
  while (sent < text.size()) {
    ssize_t n = ::send(fd, text.data() + sent, text.size() - sent, MSG_NOSIGNAL);
    if (n <= 0)
      return;
    sent += static_cast<std::size_t>(n);
  }
}

}  // namespace

connect_proxy_stub::connect_proxy_stub(behaviour how, target_map map, std::string basic_credentials)
    : how_(how), map_(std::move(map)) {
  if (!basic_credentials.empty())
    expected_authorization_ = "Proxy-Authorization: Basic " + base64(basic_credentials);
  listener_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 || listen(listener_, 16) != 0 ||
      getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0)
    throw std::runtime_error("connect_proxy_stub: cannot listen on loopback");
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

connect_proxy_stub::~connect_proxy_stub() {
  stopping_ = true;
  acceptor_.join();
  for (auto& worker : workers_)
    worker.join();
  close(listener_);
}

std::vector<std::vector<std::string>> connect_proxy_stub::requests() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return requests_;
}

void connect_proxy_stub::accept_loop() {
  while (!stopping_) {
    pollfd waiter{listener_, POLLIN, 0};
    if (poll(&waiter, 1, 100) <= 0)
      continue;
    int client = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client >= 0)
      workers_.emplace_back([this, client] { serve(client); });
  }
}

void connect_proxy_stub::serve(int client) {
  std::string request;
  char buffer[16384];
  while (request.find("\r\n\r\n") == std::string::npos && !stopping_) {
    pollfd waiter{client, POLLIN, 0};
    if (poll(&waiter, 1, 100) <= 0)
      continue;
    ssize_t n = recv(client, buffer, sizeof(buffer), 0);
    if (n <= 0) {
      close(client);
      return;
    }
    request.append(buffer, static_cast<std::size_t>(n));
  }
  std::vector<std::string> lines;
  for (std::size_t start = 0, end; (end = request.find("\r\n", start)) != std::string::npos && end != start;
       start = end + 2)
    lines.push_back(request.substr(start, end - start));
  {
    std::lock_guard<std::mutex> lock(mutex_);
    requests_.push_back(lines);
  }
  auto reply_and_close = [&](const std::string& reply) {
    send_all(client, reply);
    close(client);
  };
  switch (how_) {
    case behaviour::refuse: return reply_and_close("HTTP/1.1 403 Forbidden by the test proxy\r\n\r\n");
    case behaviour::garbage: return reply_and_close("SSH-2.0-not-a-proxy\r\n\r\n");
    case behaviour::close_at_once: return reply_and_close("");
    case behaviour::tunnel: break;
  }
  if (!expected_authorization_.empty()) {
    bool authorized = false;
    for (const auto& line : lines)
      authorized = authorized || line == expected_authorization_;
    if (!authorized)
      return reply_and_close("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n");
  }
  std::string target = lines.empty() ? "" : lines[0];
  if (target.rfind("CONNECT ", 0) == 0)
    target = target.substr(8, target.rfind(' ') - 8);
  auto port = map_(target);
  int server = port ? test_support::connect_loopback(*port) : -1;
  if (server < 0)
    return reply_and_close("HTTP/1.1 502 Bad Gateway\r\n\r\n");
  send_all(client, "HTTP/1.1 200 Connection established\r\n\r\n");
  pollfd ends[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
  while (!stopping_) {
    if (poll(ends, 2, 100) <= 0)
      continue;
    bool closed = false;
    for (int i = 0; i < 2; ++i) {
      if (!(ends[i].revents & (POLLIN | POLLHUP | POLLERR)))
        continue;
      ssize_t n = recv(ends[i].fd, buffer, sizeof(buffer), 0);
      if (n <= 0) {
        closed = true;
        break;
      }
      send_all(ends[1 - i].fd, std::string(buffer, static_cast<std::size_t>(n)));
    }
    if (closed)
      break;
  }
  close(server);
  close(client);
}

}  // namespace vigil::deployment_test
