#include "spice_link_probe.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <spice/enums.h>
#include <spice/protocol.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstring>
#include <optional>
#include <vector>

#include "protocol/link.hpp"

namespace vigil::test_support {

namespace {

// A connected loopback socket with 5 s connect, send and receive timeouts, closed on scope exit.
class probe_socket {
public:
  explicit probe_socket(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    if (fd_ < 0)
      return;
    timeval receive_timeout{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &receive_timeout, sizeof receive_timeout);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &receive_timeout, sizeof receive_timeout);  // bounds connect()
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~probe_socket() {
    if (fd_ >= 0)
      ::close(fd_);
  }
  probe_socket(const probe_socket&) = delete;
  probe_socket& operator=(const probe_socket&) = delete;

  bool connected() const { return fd_ >= 0; }
  bool send_all(const void* data, std::size_t size) {
    return ::send(fd_, data, size, MSG_NOSIGNAL) == static_cast<ssize_t>(size);
  }
  bool receive_all(void* data, std::size_t size) {
    return ::recv(fd_, data, size, MSG_WAITALL) == static_cast<ssize_t>(size);
  }

private:
  int fd_;
};

// Sends a link message with no capabilities and reads the whole reply; the
// reply body (error code, public key, capabilities), or nullopt.
std::optional<std::vector<std::uint8_t>> link(probe_socket& socket, std::uint8_t channel_type) {
  if (!socket.connected())
    return std::nullopt;
  SpiceLinkHeader header{};
  header.magic = SPICE_MAGIC;
  header.major_version = SPICE_VERSION_MAJOR;
  header.minor_version = SPICE_VERSION_MINOR;
  header.size = sizeof(SpiceLinkMess);
  SpiceLinkMess message{};
  message.channel_type = channel_type;
  message.caps_offset = sizeof(SpiceLinkMess);
  char request[sizeof header + sizeof message];
  std::memcpy(request, &header, sizeof header);
  std::memcpy(request + sizeof header, &message, sizeof message);
  SpiceLinkHeader reply_header{};
  if (!socket.send_all(request, sizeof request) || !socket.receive_all(&reply_header, sizeof reply_header) ||
      reply_header.magic != SPICE_MAGIC || reply_header.size < sizeof(std::uint32_t) || reply_header.size > 4096)
    return std::nullopt;
  std::vector<std::uint8_t> body(reply_header.size);
  if (!socket.receive_all(body.data(), body.size()))
    return std::nullopt;
  return body;
}

}  // namespace

int spice_link_error(std::uint16_t port, std::uint8_t channel_type) {
  probe_socket socket(port);
  const auto body = link(socket, channel_type);
  if (!body)
    return -1;
  std::uint32_t error = 0;
  std::memcpy(&error, body->data(), sizeof error);
  return static_cast<int>(error);
}

int spice_ticket_result(std::uint16_t port, const std::string& password) {
  probe_socket socket(port);
  const auto body = link(socket, SPICE_CHANNEL_MAIN);
  if (!body)
    return -1;
  const auto reply = protocol::parse_link_reply_body(body->data(), body->size());
  if (!reply || reply->error != SPICE_LINK_ERR_OK)
    return -1;
  const auto ticket = protocol::encrypt_ticket(reply->public_key_der, password);
  if (!ticket)
    return -1;
  std::uint32_t verdict = 0;
  if (!socket.send_all(ticket->data(), ticket->size()) || !socket.receive_all(&verdict, sizeof verdict))
    return -1;
  return static_cast<int>(verdict);
}

}  // namespace vigil::test_support
