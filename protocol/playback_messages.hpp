// The playback channel's server messages (spice.proto PlaybackChannel), as
// spice-server 0.15 sends them. Parsers only: the client sends nothing of its
// own on this channel.
#pragma once

#include <cstdint>
#include <vector>

#include "protocol/audio_messages.hpp"
#include "protocol/result.hpp"

namespace vigil::protocol {

// SPICE_MSG_PLAYBACK_DATA {u32 time, data to the end}: one packet of audio in
// the mode last set by MODE (raw S16 frames or one Opus packet). `time` is the
// server's multimedia time (ms) at which the packet should be heard.
struct playback_data {
  std::uint32_t time = 0;
  bytes data;
};
// SPICE_MSG_PLAYBACK_MODE {u32 time, u16 mode, data to the end}: how the
// following DATA packets are encoded (SPICE_AUDIO_DATA_MODE_RAW or _OPUS).
struct playback_mode {
  std::uint32_t time = 0;
  std::uint16_t mode = 0;
  bytes data;
};
// SPICE_MSG_PLAYBACK_START {u32 channels, u16 format, u32 frequency, u32 time}
struct playback_start {
  std::uint32_t channels = 0;
  std::uint16_t format = 0;  // SPICE_AUDIO_FMT_S16
  std::uint32_t frequency = 0;
  std::uint32_t time = 0;
};
// SPICE_MSG_PLAYBACK_VOLUME and _MUTE: protocol/audio_messages.hpp.
using playback_volume = audio_volume;
using playback_mute = audio_mute;
// SPICE_MSG_PLAYBACK_LATENCY {u32 latency_ms}: the delay the server wants the
// client to keep (spice-server sends it when a video stream needs audio to wait).
struct playback_latency {
  std::uint32_t latency_ms = 0;
};

result<playback_data> parse_playback_data(const bytes& body);
result<playback_mode> parse_playback_mode(const bytes& body);
// Also rejects what a client cannot play: a format other than S16, no
// channels or more than 8, a frequency of 0 or above 192 kHz.
result<playback_start> parse_playback_start(const bytes& body);
result<playback_volume> parse_playback_volume(const bytes& body);
result<playback_mute> parse_playback_mute(const bytes& body);
result<playback_latency> parse_playback_latency(const bytes& body);

}  // namespace vigil::protocol
