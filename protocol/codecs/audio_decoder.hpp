// Playback audio: raw S16 (SPICE_AUDIO_DATA_MODE_RAW, little-endian,
// interleaved) and Opus (SPICE_AUDIO_DATA_MODE_OPUS, one packet per DATA
// message, through libopus). Both decode to interleaved signed 16-bit PCM.
// An Opus decoder carries state from packet to packet, so one decoder serves
// one stream (START to STOP).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "protocol/result.hpp"

namespace vigil::protocol {

struct audio_format {
  std::uint32_t frequency = 48000;  // frames per second
  std::uint32_t channels = 2;
};

class audio_decoder {
public:
  // Fails for a mode other than RAW or OPUS, and for an Opus stream whose
  // rate or channel count libopus cannot decode (8/12/16/24/48 kHz, 1-2 channels).
  static result<audio_decoder> create(std::uint16_t mode, audio_format format);

  audio_decoder(audio_decoder&&) noexcept;
  audio_decoder& operator=(audio_decoder&&) noexcept;
  ~audio_decoder();

  // One DATA payload to interleaved samples (frames x channels). A raw payload
  // that is not a whole number of frames, or an Opus packet libopus rejects,
  // is an error naming the mode and the size.
  result<std::vector<std::int16_t>> decode(const std::uint8_t* data, std::size_t size);

  std::uint16_t mode() const { return mode_; }
  const audio_format& format() const { return format_; }

private:
  struct opus_state;
  audio_decoder(std::uint16_t mode, audio_format format, std::unique_ptr<opus_state> opus);

  std::uint16_t mode_;
  audio_format format_;
  std::unique_ptr<opus_state> opus_;
};

}  // namespace vigil::protocol
