// A playback device for spice-server's playback channel that plays a sine
// tone, so tests can check the frequency a client decodes. Samples are made
// on the event loop's timer in step with the clock (48 kHz stereo S16, the
// rate at which spice-server uses Opus for clients that offer it).
#pragma once

#include <spice.h>

#include <cstdint>
#include <optional>

#include "event_loop.hpp"

namespace vigil::test_server {

struct tone_options {
  int frequency_hz = 440;
  std::optional<std::uint16_t> volume;  // sent as PLAYBACK_VOLUME (both channels) when set
  bool mute = false;                    // sent as PLAYBACK_MUTE
  bool clicks_only = false;             // silence, and a click at each click() (the av-sync scene)
};

class playback_tone {
public:
  static constexpr std::uint32_t rate = 48000;

  playback_tone(event_loop& loop, tone_options options);
  playback_tone(const playback_tone&) = delete;
  playback_tone& operator=(const playback_tone&) = delete;
  ~playback_tone();

  // Adds the playback interface and starts playing (after spice_server_init).
  void attach(SpiceServer* server);
  // Puts a buffer that starts with a 5 ms click now, so spice-server stamps
  // it with this moment's multimedia time; prints `av click mm_time=T`.
  void click();

private:
  void tick();
  void make_due();
  std::uint32_t sample_at(std::uint64_t frame) const;

  event_loop& loop_;
  tone_options options_;
  SpicePlaybackInterface interface_{};
  SpicePlaybackInstance instance_{};
  SpiceTimer* timer_ = nullptr;
  event_loop::clock::time_point started_;
  std::uint64_t frames_made_ = 0;  // including frames nobody took (no client)
  bool client_seen_ = false;
};

}  // namespace vigil::test_server
