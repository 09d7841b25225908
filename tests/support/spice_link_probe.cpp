#include "spice_link_probe.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <spice/enums.h>
#include <spice/protocol.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstring>

namespace vigil::test_support {

int spice_link_error(std::uint16_t port, std::uint8_t channel_type) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
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
    link.channel_type = channel_type;
    link.caps_offset = sizeof(SpiceLinkMess);
    char request[sizeof header + sizeof link];
    std::memcpy(request, &header, sizeof header);
    std::memcpy(request + sizeof header, &link, sizeof link);
    // The reply starts with a link header and the link error code.
    char reply[sizeof(SpiceLinkHeader) + sizeof(std::uint32_t)];
    if (::send(fd, request, sizeof request, MSG_NOSIGNAL) == static_cast<ssize_t>(sizeof request) &&
        ::recv(fd, reply, sizeof reply, MSG_WAITALL) == static_cast<ssize_t>(sizeof reply)) {
      SpiceLinkHeader reply_header;
      std::memcpy(&reply_header, reply, sizeof reply_header);
      std::uint32_t reply_error = 0;
      std::memcpy(&reply_error, reply + sizeof reply_header, sizeof reply_error);
      if (reply_header.magic == SPICE_MAGIC)
        error = static_cast<int>(reply_error);
    }
  }
  ::close(fd);
  return error;
}

}  // namespace vigil::test_support
