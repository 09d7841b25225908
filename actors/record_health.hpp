// The record channel's numbers for the health snapshot (actors/record_channel.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vigil {

struct record_health {
  bool active = false;            // between RECORD_START and RECORD_STOP: the guest records
  std::string mode;               // raw | opus, what the DATA packets carry
  std::uint32_t frequency = 0;    // from the last START
  std::uint32_t channels = 0;
  std::uint64_t starts = 0;
  std::string device;             // the capture device, "none" without one
  std::string device_error;       // why it does not capture; "" while fine
  bool capturing = false;         // the device runs now
  std::uint64_t captured_frames = 0;
  std::uint64_t dropped_frames = 0;  // captured but over record.buffer_ms before they could be sent
  std::uint64_t packets_sent = 0;    // RECORD_DATA messages
  std::uint64_t bytes_sent = 0;      // their payload
  std::uint64_t encode_errors = 0;
  std::vector<std::uint16_t> volume;  // from RECORD_VOLUME; empty: none received
  bool mute = false;                  // RECORD_MUTE from the guest
  bool microphone_muted = false;      // the user's toggle in the window
};

}  // namespace vigil
