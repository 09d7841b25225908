// What the playback and record channels share (spice.proto's
// PlaybackChannel and RecordChannel): VOLUME and MUTE have the same layout on
// both, START the same audio format fields, and DATA/MODE the same modes.
#pragma once

#include <cstdint>
#include <vector>

#include "protocol/byte_reader.hpp"
#include "protocol/result.hpp"

namespace vigil::protocol {

// VOLUME {u8 nchannels, u16 volume[nchannels]}: 0..65535 per channel.
struct audio_volume {
  std::vector<std::uint16_t> volume;
};
// MUTE {u8 mute}
struct audio_mute {
  bool mute = false;
};

// `message` names the message in errors ("PLAYBACK_VOLUME", "RECORD_MUTE").
result<audio_volume> parse_audio_volume(const bytes& body, const char* message);
result<audio_mute> parse_audio_mute(const bytes& body, const char* message);

// Fails `reader` for a START format a client cannot handle: not S16, no
// channels or more than `max_channels`, a frequency of 0 or above 192 kHz.
void check_audio_start(byte_reader& reader, std::uint32_t channels, std::uint16_t format, std::uint32_t frequency,
                       std::uint32_t max_channels);

const char* audio_mode_name(std::uint16_t mode);  // "raw", "opus", "celt", "invalid", "unknown"

}  // namespace vigil::protocol
