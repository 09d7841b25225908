// A guest's streaming agent (spice-streaming-agent's side of spice-server's
// stream device): a spice port char device named org.spice-space.stream.0.
// spice-server turns it into a display channel of its own (the next free id)
// that forwards already-encoded frames to the client as STREAM_DATA, without
// encoding anything itself. The frames are encoded once at start-up with
// libavcodec (tests/support/video_test_encoder.hpp, the known scene) and
// played in a loop at a fixed rate once spice-server says a client can
// decode the codec (STREAM_TYPE_START_STOP).
//
// This is how the 1080p benchmark gets a VP9 stream at all: spice-server's
// own GStreamer VP9 encoder cannot encode 1080p in real time on the bench
// machine and restarts its stream every few seconds.
//
// Lines: `stream-device start codecs=N,...`, `stream-device stop`, and
// `video frame=N` for every frame handed to spice-server (as the video
// scenes print theirs).
#pragma once

#include <spice.h>

#include <cstdint>
#include <string>
#include <vector>

#include "event_loop.hpp"
#include "protocol/result.hpp"

namespace vigil::test_server {

struct stream_device_options {
  std::uint8_t codec = 0;  // SPICE_VIDEO_CODEC_TYPE_*; 0: no stream device
  int width = 1920;
  int height = 1080;
  int frames = 60;  // encoded once, played in a loop (the first is the only key frame)
  int step_ms = 66;
};

class stream_device {
public:
  stream_device(event_loop& loop, const stream_device_options& options);
  ~stream_device();
  stream_device(const stream_device&) = delete;
  stream_device& operator=(const stream_device&) = delete;

  // After spice_server_init: the port is opened at once, so the stream's
  // display channel is in the channel list the client gets.
  void attach(SpiceServer* server);

private:
  static stream_device& from(SpiceCharDeviceInstance* instance);
  static void hook_state(SpiceCharDeviceInstance* instance, int connected);
  static int hook_write(SpiceCharDeviceInstance* instance, const uint8_t* data, int size);
  static int hook_read(SpiceCharDeviceInstance* instance, uint8_t* data, int size);
  void on_server_message(std::uint16_t type, const protocol::bytes& body);
  void queue(std::uint16_t type, const std::uint8_t* body, std::size_t size);
  void next_frame();

  event_loop& loop_;
  stream_device_options options_;
  std::vector<std::vector<std::uint8_t>> packets_;
  SpiceTimer* timer_ = nullptr;
  SpiceCharDeviceInterface interface_{};
  struct owned_instance {
    SpiceCharDeviceInstance instance{};  // first: spice-server's pointer is also ours
    stream_device* owner = nullptr;
  } instance_;
  protocol::bytes from_server_;  // a partial message from spice-server
  protocol::bytes to_server_;    // what spice-server has not read yet
  bool started_ = false;
  bool format_sent_ = false;
  int frame_ = 0;
};

}  // namespace vigil::test_server
