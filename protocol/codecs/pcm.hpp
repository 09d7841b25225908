// What happens to decoded PCM on its way out: the server's volume and mute
// (PLAYBACK_VOLUME / PLAYBACK_MUTE), and the WAV header of an audio dump.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "protocol/codecs/audio_decoder.hpp"
#include "protocol/result.hpp"

namespace vigil::protocol {

// Scales interleaved samples in place: channel c by volume[c] / 65535 (a
// linear gain, as the server's 16-bit volume is), the last given volume for
// any further channel, nothing when `volume` is empty; zero when muted.
void apply_volume(std::int16_t* samples, std::size_t frames, std::uint32_t channels,
                  const std::vector<std::uint16_t>& volume, bool mute);

// The 44-byte RIFF/WAVE header for `data_bytes` of 16-bit PCM in `format`.
bytes wav_header(const audio_format& format, std::uint32_t data_bytes);

}  // namespace vigil::protocol
