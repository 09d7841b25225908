// A record device for spice-server's record channel, as a guest that records
// from its microphone: once a client's record channel is connected it starts
// recording (spice_server_record_start, so the client gets RECORD_START), takes
// what the client sends every 10 ms (spice_server_record_get_samples: 48 kHz
// stereo S16, decoded from Opus by spice-server when the client sends Opus)
// and reports, once per second of audio received, its dominant frequency
// (Goertzel, tests/support/tone_analysis.hpp), so tests can check what the
// client captured.
#pragma once

#include <spice.h>

#include <cstdint>
#include <vector>

#include "event_loop.hpp"

namespace vigil::test_server {

struct record_options {
  bool enabled = false;         // --record on
  int stop_after_s = 0;         // --record-stop-after S: RECORD_STOP after S seconds of audio (0: never)
  std::uint16_t volume = 0;     // --record-volume V: RECORD_VOLUME for both channels (0: none sent)
  bool mute = false;            // --record-mute 1: RECORD_MUTE
};

class record_listener {
public:
  static constexpr std::uint32_t rate = 48000;

  record_listener(event_loop& loop, record_options options);
  record_listener(const record_listener&) = delete;
  record_listener& operator=(const record_listener&) = delete;
  ~record_listener();

  // Adds the record interface (after spice_server_init).
  void attach(SpiceServer* server);
  // Starts recording when a client's record channel connects.
  void on_channel_event(int event, const SpiceChannelEventInfo& info);

private:
  void start_recording();
  void tick();
  void report_second();

  event_loop& loop_;
  record_options options_;
  SpiceRecordInterface interface_{};
  SpiceRecordInstance instance_{};
  SpiceTimer* start_timer_ = nullptr;
  SpiceTimer* timer_ = nullptr;
  bool recording_ = false;
  std::vector<std::int16_t> second_;  // interleaved stereo, up to one second
  std::uint64_t frames_received_ = 0;
  int seconds_reported_ = 0;
};

}  // namespace vigil::test_server
