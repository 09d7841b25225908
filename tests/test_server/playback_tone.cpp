#include "playback_tone.hpp"

#include <time.h>

#include <cmath>
#include <stdexcept>

#include "stdout_lines.hpp"

namespace vigil::test_server {

namespace {

constexpr auto tick_interval = std::chrono::milliseconds(10);
constexpr double amplitude = 0.5 * 32767;
constexpr double pi = 3.14159265358979323846;

}  // namespace

playback_tone::playback_tone(event_loop& loop, tone_options options) : loop_(loop), options_(options) {
  interface_.base.type = SPICE_INTERFACE_PLAYBACK;
  interface_.base.description = "vigil test server tone";
  interface_.base.major_version = SPICE_INTERFACE_PLAYBACK_MAJOR;
  interface_.base.minor_version = SPICE_INTERFACE_PLAYBACK_MINOR;
  instance_.base.sif = &interface_.base;
}

playback_tone::~playback_tone() {
  if (timer_)
    loop_.remove_timer(timer_);
}

void playback_tone::attach(SpiceServer* server) {
  if (spice_server_add_interface(server, &instance_.base) != 0)
    throw std::runtime_error("spice_server_add_interface(playback) failed");
  // 48 kHz makes spice-server encode Opus for clients with SPICE_PLAYBACK_CAP_OPUS.
  spice_server_set_playback_rate(&instance_, rate);
  if (options_.volume) {
    uint16_t volume[2] = {*options_.volume, *options_.volume};
    spice_server_playback_set_volume(&instance_, 2, volume);
  }
  if (options_.mute)
    spice_server_playback_set_mute(&instance_, 1);
  spice_server_playback_start(&instance_);
  started_ = event_loop::clock::now();
  timer_ = loop_.add_timer([this] { tick(); });
  loop_.start_timer(timer_, tick_interval);
  print_line("playback tone hz=%d rate=%u", options_.frequency_hz, rate);
}

// Stereo S16 packed as spice-server wants it: left in the low 16 bits.
std::uint32_t playback_tone::sample_at(std::uint64_t frame) const {
  if (options_.clicks_only)
    return 0;
  const double phase = 2 * pi * options_.frequency_hz * static_cast<double>(frame % rate) / rate;
  const auto value = static_cast<std::int16_t>(std::lround(amplitude * std::sin(phase)));
  const auto bits = static_cast<std::uint16_t>(value);
  return std::uint32_t{bits} | std::uint32_t{bits} << 16;
}

// Makes every frame due by now. spice-server hands out a buffer only while a
// client's playback channel is connected; without one the frames are skipped,
// so the tone stays in step with the clock.
void playback_tone::tick() {
  make_due();
  loop_.start_timer(timer_, tick_interval);
}

void playback_tone::click() {
  if (!timer_)
    return;
  make_due();
  uint32_t* samples = nullptr;
  uint32_t count = 0;
  spice_server_playback_get_buffer(&instance_, &samples, &count);
  if (!samples || count == 0)
    return;
  constexpr std::uint32_t click_frames = rate / 200;
  for (uint32_t i = 0; i < count; ++i) {
    // A 1 kHz square wave at 90 % of full scale, then silence.
    const auto value = static_cast<std::int16_t>(i >= click_frames ? 0 : (i / 24) % 2 ? 29490 : -29490);
    const auto bits = static_cast<std::uint16_t>(value);
    samples[i] = std::uint32_t{bits} | std::uint32_t{bits} << 16;
  }
  spice_server_playback_put_samples(&instance_, samples);
  frames_made_ += count;
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  print_line("av click mm_time=%u",
             static_cast<unsigned>(static_cast<std::uint64_t>(now.tv_sec) * 1000 + now.tv_nsec / 1000000));
}

void playback_tone::make_due() {
  const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(event_loop::clock::now() - started_);
  const auto due = static_cast<std::uint64_t>(elapsed.count()) * rate / 1000000;
  while (frames_made_ < due) {
    uint32_t* samples = nullptr;
    uint32_t count = 0;
    spice_server_playback_get_buffer(&instance_, &samples, &count);
    if (!samples || count == 0) {
      frames_made_ = due;
      break;
    }
    for (uint32_t i = 0; i < count; ++i)
      samples[i] = sample_at(frames_made_ + i);
    spice_server_playback_put_samples(&instance_, samples);
    frames_made_ += count;
    if (!client_seen_) {
      client_seen_ = true;
      print_line("playback client-active frames-per-buffer=%u", count);
    }
  }
}

}  // namespace vigil::test_server
