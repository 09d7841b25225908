// tcp_scribe: CAF's TCP scribe, except that its read loop ends after a read
// that did not fill the buffer, and a flush sends at once.
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
// CAF 0.17 sends only from its event loop: a flush registers the socket for
// writability (epoll_ctl), the loop wakes for it (epoll_wait), sends, and
// unregisters it (epoll_ctl). A flush with nothing in flight now sends right
// away and leaves CAF only what the socket did not take: a video stream's
// report, an ACK or a key press goes out in one system call, not four.
// Bytes sent that way are not reported as data_transferred_msg (that would
// re-enter the broker from within its own handler): they are added to a
// counter the broker keeps (sent_at_once), not a reference to the scribe,
// which holds its broker: the two would keep each other alive.
//
// Everything else is CAF's scribe_impl as packaged (0.17.6): the same stream
// class and buffers.
#pragma once

#include <cstdint>
#include <memory>

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

  // Counts the bytes flushes sent themselves (CAF's loop reports the rest
  // as data_transferred_msg); whoever keeps it resets it.
  const std::shared_ptr<std::uint64_t>& sent_at_once() const { return sent_at_once_; }

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
    // Sends what was written, as far as the socket takes it, when nothing
    // is in flight; the bytes sent.
    std::size_t send_at_once();

  private:
    read_until_short policy_;
  };

  bool launched_ = false;
  std::shared_ptr<std::uint64_t> sent_at_once_ = std::make_shared<std::uint64_t>(0);
  stream stream_;
};

}  // namespace vigil
