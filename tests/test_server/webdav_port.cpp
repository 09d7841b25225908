#include "webdav_port.hpp"

#include <spice/protocol.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "char_device.hpp"
#include "stdout_lines.hpp"

namespace vigil::test_server {

webdav_port::webdav_port(event_loop& loop, std::string socket_path) : loop_(loop), socket_path_(std::move(socket_path)) {
  describe_char_device(interface_, instance_.instance, "vigil test server webdav port", "port",
                       "org.spice-space.webdav.0", hook_state, hook_write, hook_read);
  instance_.owner = this;

  listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (socket_path_.size() >= sizeof address.sun_path)
    throw std::runtime_error("--webdav-socket path too long: " + socket_path_);
  std::strcpy(address.sun_path, socket_path_.c_str());
  ::unlink(socket_path_.c_str());
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(listen_fd_, 1) != 0)
    throw std::runtime_error("cannot listen on " + socket_path_ + ": " + std::strerror(errno));
  listen_watch_ = loop_.add_watch(listen_fd_, SPICE_WATCH_EVENT_READ, [this](int, int) { on_listen_ready(); });
}

webdav_port::~webdav_port() {
  drop_guest();
  if (listen_watch_)
    loop_.remove_watch(listen_watch_);
  ::close(listen_fd_);
  ::unlink(socket_path_.c_str());
}

webdav_port& webdav_port::from(SpiceCharDeviceInstance* instance) {
  return *reinterpret_cast<owned_instance*>(instance)->owner;
}

void webdav_port::attach(SpiceServer* server) {
  if (spice_server_add_interface(server, &instance_.instance.base) != 0)
    throw std::runtime_error("spice_server_add_interface(webdav port) failed");
  print_line("webdav attached");
}

void webdav_port::on_listen_ready() {
  int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
  if (fd < 0)
    return;
  if (guest_fd_ >= 0) {
    ::close(fd);  // one guest at a time
    return;
  }
  guest_fd_ = fd;
  guest_watch_ = loop_.add_watch(guest_fd_, SPICE_WATCH_EVENT_READ, [this](int, int) { on_guest_ready(); });
  spice_server_port_event(&instance_.instance, SPICE_PORT_EVENT_OPENED);
  print_line("webdav guest connected");
}

void webdav_port::on_guest_ready() {
  std::uint8_t buffer[65536];
  auto n = ::read(guest_fd_, buffer, sizeof buffer);
  if (n <= 0) {
    drop_guest();
    return;
  }
  to_client_.insert(to_client_.end(), buffer, buffer + n);
  spice_server_char_device_wakeup(&instance_.instance);
}

void webdav_port::drop_guest() {
  if (guest_fd_ < 0)
    return;
  loop_.remove_watch(guest_watch_);
  guest_watch_ = nullptr;
  ::close(guest_fd_);
  guest_fd_ = -1;
  spice_server_port_event(&instance_.instance, SPICE_PORT_EVENT_CLOSED);
  print_line("webdav guest gone");
}

void webdav_port::hook_state(SpiceCharDeviceInstance*, int) {}

// The client's bytes go to the test as they are (a test that stops reading
// stalls the harness, which the test would notice anyway).
int webdav_port::hook_write(SpiceCharDeviceInstance* instance, const uint8_t* data, int size) {
  auto& self = from(instance);
  if (self.guest_fd_ < 0)
    return size;  // nobody listening: dropped, as a closed port would
  int done = 0;
  while (done < size) {
    auto n = ::send(self.guest_fd_, data + done, static_cast<std::size_t>(size - done), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    done += static_cast<int>(n);
  }
  return size;
}

int webdav_port::hook_read(SpiceCharDeviceInstance* instance, uint8_t* data, int size) {
  auto& self = from(instance);
  auto count = std::min<std::size_t>(self.to_client_.size(), static_cast<std::size_t>(size));
  std::memcpy(data, self.to_client_.data(), count);
  self.to_client_.erase(self.to_client_.begin(), self.to_client_.begin() + static_cast<std::ptrdiff_t>(count));
  return static_cast<int>(count);
}

}  // namespace vigil::test_server
