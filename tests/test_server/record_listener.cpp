#include "record_listener.hpp"

#include <stdexcept>

#include "stdout_lines.hpp"
#include "tone_analysis.hpp"

namespace vigil::test_server {

namespace {

constexpr auto tick_interval = std::chrono::milliseconds(10);
// A guest opens its capture device a little after the channel is there.
constexpr auto start_delay = std::chrono::milliseconds(300);

}  // namespace

record_listener::record_listener(event_loop& loop, record_options options) : loop_(loop), options_(options) {
  interface_.base.type = SPICE_INTERFACE_RECORD;
  interface_.base.description = "vigil test server record";
  interface_.base.major_version = SPICE_INTERFACE_RECORD_MAJOR;
  interface_.base.minor_version = SPICE_INTERFACE_RECORD_MINOR;
  instance_.base.sif = &interface_.base;
}

record_listener::~record_listener() {
  if (timer_)
    loop_.remove_timer(timer_);
  if (start_timer_)
    loop_.remove_timer(start_timer_);
}

void record_listener::attach(SpiceServer* server) {
  if (spice_server_add_interface(server, &instance_.base) != 0)
    throw std::runtime_error("spice_server_add_interface(record) failed");
  // 48 kHz: spice-server offers SPICE_RECORD_CAP_OPUS and decodes Opus.
  spice_server_set_record_rate(&instance_, rate);
  start_timer_ = loop_.add_timer([this] { start_recording(); });
  timer_ = loop_.add_timer([this] { tick(); });
  print_line("record ready rate=%u", rate);
}

void record_listener::on_channel_event(int event, const SpiceChannelEventInfo& info) {
  if (info.type != SPICE_CHANNEL_RECORD)
    return;
  if (event == SPICE_CHANNEL_EVENT_INITIALIZED && !recording_)
    loop_.start_timer(start_timer_, start_delay);
  if (event == SPICE_CHANNEL_EVENT_DISCONNECTED && recording_) {
    // The guest stops too: spice-server would start the next client's
    // recording by itself, and a second spice_server_record_start then
    // aborts it (snd_channel_client_start: assertion !client->active).
    spice_server_record_stop(&instance_);
    recording_ = false;
    loop_.cancel_timer(timer_);
    second_.clear();
  }
}

void record_listener::start_recording() {
  if (options_.volume != 0) {
    uint16_t volume[2] = {options_.volume, options_.volume};
    spice_server_record_set_volume(&instance_, 2, volume);
  }
  if (options_.mute)
    spice_server_record_set_mute(&instance_, 1);
  spice_server_record_start(&instance_);
  recording_ = true;
  print_line("record started");
  loop_.start_timer(timer_, tick_interval);
}

void record_listener::tick() {
  if (!recording_)
    return;
  uint32_t samples[4096];
  for (;;) {
    const uint32_t got = spice_server_record_get_samples(&instance_, samples, 4096);
    for (uint32_t i = 0; i < got; ++i) {  // left in the low 16 bits
      second_.push_back(static_cast<std::int16_t>(samples[i] & 0xffff));
      second_.push_back(static_cast<std::int16_t>(samples[i] >> 16));
      if (second_.size() == 2 * rate)
        report_second();
    }
    frames_received_ += got;
    if (got < 4096)
      break;
  }
  if (!recording_)
    return;
  loop_.start_timer(timer_, tick_interval);
}

void record_listener::report_second() {
  const auto estimate = test::dominant_tone(second_, 2, rate, 0, 50, 8000);
  ++seconds_reported_;
  print_line("record second=%d hz=%.1f share=%.3f rms=%.0f", seconds_reported_, estimate.frequency_hz, estimate.share,
             estimate.rms);
  second_.clear();
  if (options_.stop_after_s != 0 && seconds_reported_ == options_.stop_after_s) {
    spice_server_record_stop(&instance_);
    recording_ = false;
    print_line("record stopped");
  }
}

}  // namespace vigil::test_server
