// A TCP proxy between the client under test and a real SPICE server that
// corrupts video: on display channel connections it follows the server's side
// (link reply, link result, then mini-header messages) and overwrites the
// frame data of chosen DISPLAY_STREAM_DATA messages with 0xff bytes, keeping
// every size, so the SPICE stream stays intact and only the codec sees
// garbage. Everything else passes through untouched.
//
// Runs its own poll() thread; the counters are thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace vigil::video_test {

class stream_corrupting_proxy {
public:
  // Corrupts STREAM_DATA messages number first..last (1-based, counted over
  // every display connection) on their way from 127.0.0.1:upstream_port.
  stream_corrupting_proxy(std::uint16_t upstream_port, std::uint32_t first, std::uint32_t last);
  ~stream_corrupting_proxy();
  stream_corrupting_proxy(const stream_corrupting_proxy&) = delete;
  stream_corrupting_proxy& operator=(const stream_corrupting_proxy&) = delete;

  std::uint16_t port() const { return port_; }
  std::uint32_t stream_frames_seen() const { return frames_seen_; }
  std::uint32_t stream_frames_corrupted() const { return frames_corrupted_; }

private:
  struct connection;
  void run();
  void accept_one();
  bool pump(connection& link, bool from_client);
  void inspect_server_bytes(connection& link, std::uint8_t* data, std::size_t size);

  int listener_ = -1;
  int wake_pipe_[2] = {-1, -1};
  std::uint16_t port_ = 0;
  std::uint16_t upstream_port_ = 0;
  std::uint32_t first_ = 0;
  std::uint32_t last_ = 0;
  std::atomic<std::uint32_t> frames_seen_{0};
  std::atomic<std::uint32_t> frames_corrupted_{0};
  std::atomic<bool> stopping_{false};
  std::vector<std::unique_ptr<connection>> connections_;
  std::thread thread_;
};

}  // namespace vigil::video_test
