// tcp_scribe: CAF's TCP scribe, except that its read loop ends after a read
// that did not fill the buffer.
//
// CAF 0.17 reads a readable socket up to middleman.max-consecutive-reads
// times (2 here, see ui/main.cpp) and stops at the first read that finds
// nothing. A SPICE server's message usually arrives whole in one read that
// leaves the socket empty, so the second read is a system call that only
// returns EAGAIN: one a video frame (mjpeg-video, headless), a sixth of the
// socket thread's system calls. A read that returns less than was asked for
// means the socket had no more at that moment; what arrives after it makes
// the socket readable again and epoll (level-triggered) reports it.
//
// Writes stay CAF's: sent from its event loop, so that a burst of them (a
// PONG and an ACK for each of thousands of PINGs) goes out in one send.
// Sending each flush at once, when nothing was in flight, cost a system
// call per message in such a burst: the display channel of the hostile
// stop-reading scenario then wrote too slowly to ever fill its bound.
//
// Everything else is CAF's scribe_impl as packaged (0.17.6): the same stream
// class and buffers.
#pragma once

#include <caf/io/network/default_multiplexer.hpp>
#include <caf/io/network/stream.hpp>
#include <caf/io/scribe.hpp>

namespace vigil {

class tcp_scribe final : public caf::io::scribe {
public:
  tcp_scribe(caf::io::network::default_multiplexer& multiplexer, caf::io::network::native_socket fd);

  void configure_read(caf::io::receive_policy::config config) override;
  void ack_writes(bool enable) override;
  std::vector<char>& wr_buf() override;
  std::vector<char>& rd_buf() override;
  void graceful_shutdown() override;
  void flush() override;
  std::string addr() const override;
  std::uint16_t port() const override;
  void add_to_loop() override;
  void remove_from_loop() override;

private:
  // policy::tcp, with a read that reports nothing (without a system call)
  // after a short read in the same readiness event.
  struct read_until_short {
    bool drained = false;
    caf::io::network::rw_state read_some(std::size_t& result, caf::io::network::native_socket fd, void* buf,
                                         std::size_t len);
    static caf::io::network::rw_state write_some(std::size_t& result, caf::io::network::native_socket fd,
                                                 const void* buf, std::size_t len);
    static constexpr bool must_read_more(caf::io::network::native_socket, std::size_t) { return false; }
  };

  class stream final : public caf::io::network::stream {
  public:
    using caf::io::network::stream::stream;
    void handle_event(caf::io::network::operation op) override;

  private:
    read_until_short policy_;
  };

  bool launched_ = false;
  stream stream_;
};

}  // namespace vigil
