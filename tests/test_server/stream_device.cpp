#include "stream_device.hpp"

#include <spice/enums.h>
#include <spice/protocol.h>
#include <spice/stream-device.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "char_device.hpp"
#include "stdout_lines.hpp"
#include "video_test_encoder.hpp"

namespace vigil::test_server {

namespace {

constexpr std::size_t header_bytes = sizeof(StreamDevHeader);

void put_u16(std::uint8_t* at, std::uint16_t value) {
  at[0] = static_cast<std::uint8_t>(value);
  at[1] = static_cast<std::uint8_t>(value >> 8);
}

void put_u32(std::uint8_t* at, std::uint32_t value) {
  for (int i = 0; i < 4; ++i)
    at[i] = static_cast<std::uint8_t>(value >> (8 * i));
}

std::uint32_t get_u32(const std::uint8_t* at) {
  return std::uint32_t{at[0]} | std::uint32_t{at[1]} << 8 | std::uint32_t{at[2]} << 16 | std::uint32_t{at[3]} << 24;
}

}  // namespace

stream_device::stream_device(event_loop& loop, const stream_device_options& options)
    : loop_(loop), options_(options) {
  describe_char_device(interface_, instance_.instance, "vigil test server stream device", "port",
                       "org.spice-space.stream.0", hook_state, hook_write, hook_read);
  instance_.owner = this;

  test::encoder_settings settings;
  settings.width = options_.width;
  settings.height = options_.height;
  settings.fps = std::max(1, 1000 / options_.step_ms);
  settings.key_frame_interval = options_.frames;  // looping back to frame 0 starts at a key frame
  settings.bit_rate = 8'000'000;
  std::vector<std::vector<std::uint32_t>> frames;
  for (int i = 0; i < options_.frames; ++i)
    frames.push_back(test::known_scene_frame(options_.width, options_.height, i));
  packets_ = test::encode_video(options_.codec, settings, frames);
  std::size_t total = 0;
  for (const auto& packet : packets_)
    total += packet.size();
  print_line("stream-device encoded frames=%zu bytes=%zu", packets_.size(), total);
  timer_ = loop_.add_timer([this] { next_frame(); });
}

stream_device::~stream_device() {
  if (timer_)
    loop_.remove_timer(timer_);
}

stream_device& stream_device::from(SpiceCharDeviceInstance* instance) {
  return *reinterpret_cast<owned_instance*>(instance)->owner;
}

void stream_device::attach(SpiceServer* server) {
  if (spice_server_add_interface(server, &instance_.instance.base) != 0)
    throw std::runtime_error("spice_server_add_interface(stream device) failed");
  spice_server_port_event(&instance_.instance, SPICE_PORT_EVENT_OPENED);
  print_line("stream-device attached codec=%u size=%dx%d", options_.codec, options_.width, options_.height);
}

void stream_device::hook_state(SpiceCharDeviceInstance*, int) {}

// spice-server's messages to the agent: a StreamDevHeader and its body.
int stream_device::hook_write(SpiceCharDeviceInstance* instance, const uint8_t* data, int size) {
  auto& self = from(instance);
  self.from_server_.insert(self.from_server_.end(), data, data + size);
  while (self.from_server_.size() >= header_bytes) {
    const std::uint32_t body_size = get_u32(self.from_server_.data() + 4);
    if (self.from_server_.size() < header_bytes + body_size)
      break;
    const std::uint16_t type =
      static_cast<std::uint16_t>(self.from_server_[2] | self.from_server_[3] << 8);
    protocol::bytes body(self.from_server_.begin() + header_bytes,
                         self.from_server_.begin() + static_cast<std::ptrdiff_t>(header_bytes + body_size));
    self.from_server_.erase(self.from_server_.begin(),
                            self.from_server_.begin() + static_cast<std::ptrdiff_t>(header_bytes + body_size));
    self.on_server_message(type, body);
  }
  return size;
}

int stream_device::hook_read(SpiceCharDeviceInstance* instance, uint8_t* data, int size) {
  auto& self = from(instance);
  const auto count = std::min<std::size_t>(self.to_server_.size(), static_cast<std::size_t>(size));
  std::memcpy(data, self.to_server_.data(), count);
  self.to_server_.erase(self.to_server_.begin(), self.to_server_.begin() + static_cast<std::ptrdiff_t>(count));
  return static_cast<int>(count);
}

void stream_device::on_server_message(std::uint16_t type, const protocol::bytes& body) {
  if (type != STREAM_TYPE_START_STOP || body.empty())
    return;
  const std::size_t count = std::min<std::size_t>(body[0], body.size() - 1);
  std::string codecs;
  bool ours = false;
  for (std::size_t i = 0; i < count; ++i) {
    codecs += (codecs.empty() ? "" : ",") + std::to_string(body[1 + i]);
    ours = ours || body[1 + i] == options_.codec;
  }
  if (ours && !started_) {
    started_ = true;
    print_line("stream-device start codecs=%s", codecs.c_str());
    loop_.start_timer(timer_, std::chrono::milliseconds(0));
  } else if (!ours && started_) {
    started_ = false;
    format_sent_ = false;
    loop_.cancel_timer(timer_);
    print_line("stream-device stop codecs=%s", codecs.empty() ? "none" : codecs.c_str());
  }
}

void stream_device::queue(std::uint16_t type, const std::uint8_t* body, std::size_t size) {
  std::uint8_t header[header_bytes] = {STREAM_DEVICE_PROTOCOL, 0};
  put_u16(header + 2, type);
  put_u32(header + 4, static_cast<std::uint32_t>(size));
  to_server_.insert(to_server_.end(), header, header + header_bytes);
  to_server_.insert(to_server_.end(), body, body + size);
}

// One frame a step. While spice-server has not taken the last one (its
// stream queue is full: the client is behind) no other joins it: the next
// frame waits for a later step, so the bitstream stays whole.
void stream_device::next_frame() {
  loop_.start_timer(timer_, std::chrono::milliseconds(options_.step_ms));
  if (!format_sent_) {
    std::uint8_t format[sizeof(StreamMsgFormat)] = {};
    put_u32(format, static_cast<std::uint32_t>(options_.width));
    put_u32(format + 4, static_cast<std::uint32_t>(options_.height));
    format[8] = options_.codec;
    queue(STREAM_TYPE_FORMAT, format, sizeof format);
    format_sent_ = true;
  } else if (!to_server_.empty()) {
    spice_server_char_device_wakeup(&instance_.instance);
    return;
  }
  const auto& packet = packets_[static_cast<std::size_t>(frame_) % packets_.size()];
  queue(STREAM_TYPE_DATA, packet.data(), packet.size());
  print_line("video frame=%d", frame_);
  ++frame_;
  spice_server_char_device_wakeup(&instance_.instance);
}

}  // namespace vigil::test_server
