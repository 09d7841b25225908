#include "actors/tcp_scribe.hpp"

#include <caf/io/network/interfaces.hpp>
#include <caf/io/network/native_socket.hpp>
#include <caf/policy/tcp.hpp>

namespace vigil {

namespace network = caf::io::network;

network::rw_state tcp_scribe::read_until_short::read_some(std::size_t& result, network::native_socket fd, void* buf,
                                                         std::size_t len) {
  if (drained) {
    result = 0;  // as for EAGAIN: the loop ends
    return network::rw_state::success;
  }
  const auto state = caf::policy::tcp::read_some(result, fd, buf, len);
  drained = state == network::rw_state::success && result < len;
  return state;
}

network::rw_state tcp_scribe::read_until_short::write_some(std::size_t& result, network::native_socket fd,
                                                          const void* buf, std::size_t len) {
  return caf::policy::tcp::write_some(result, fd, buf, len);
}

void tcp_scribe::stream::handle_event(network::operation op) {
  policy_.drained = false;  // a new readiness event: the socket has something
  handle_event_impl(op, policy_);
}

tcp_scribe::tcp_scribe(network::default_multiplexer& multiplexer, network::native_socket fd)
    : caf::io::scribe(network::conn_hdl_from_socket(fd)), stream_(multiplexer, fd) {}

void tcp_scribe::configure_read(caf::io::receive_policy::config config) {
  stream_.configure_read(config);
  if (!launched_) {
    launched_ = true;
    stream_.start(this);
  }
}

void tcp_scribe::ack_writes(bool enable) { stream_.ack_writes(enable); }

std::vector<char>& tcp_scribe::wr_buf() { return stream_.wr_buf(); }

std::vector<char>& tcp_scribe::rd_buf() { return stream_.rd_buf(); }

void tcp_scribe::graceful_shutdown() {
  stream_.graceful_shutdown();
  detach(&stream_.backend(), false);
}

void tcp_scribe::flush() { stream_.flush(this); }

std::string tcp_scribe::addr() const {
  auto address = network::remote_addr_of_fd(stream_.fd());
  return address ? *address : std::string{};
}

std::uint16_t tcp_scribe::port() const {
  auto port = network::remote_port_of_fd(stream_.fd());
  return port ? *port : 0;
}

void tcp_scribe::add_to_loop() { stream_.activate(this); }

void tcp_scribe::remove_from_loop() { stream_.passivate(); }

}  // namespace vigil
