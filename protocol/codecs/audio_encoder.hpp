// Record audio: interleaved signed 16-bit PCM cut into 10 ms packets (480
// frames at 48 kHz, the frame spice-server's Opus decoder expects) and
// encoded raw (SPICE_AUDIO_DATA_MODE_RAW: the samples little-endian) or as
// one Opus packet each (SPICE_AUDIO_DATA_MODE_OPUS, through libopus). The
// encoder keeps the part of a packet still missing between calls.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "protocol/codecs/audio_decoder.hpp"
#include "protocol/result.hpp"

namespace vigil::protocol {

class audio_encoder {
public:
  // Fails for a mode other than RAW or OPUS, for 0 or more than 2 channels,
  // a rate below 100 Hz (no frame in 10 ms) or above 192 kHz, and for Opus at a rate or
  // channel count libopus cannot encode (8/12/16/24/48 kHz, 1-2 channels).
  static result<audio_encoder> create(std::uint16_t mode, audio_format format);

  audio_encoder(audio_encoder&&) noexcept;
  audio_encoder& operator=(audio_encoder&&) noexcept;
  ~audio_encoder();

  // Appends `count` interleaved samples; returns the packets completed (none
  // until 10 ms are there). An Opus failure is an error naming it.
  result<std::vector<bytes>> push(const std::int16_t* samples, std::size_t count);

  // Interleaved samples per packet (frames x channels).
  std::size_t packet_samples() const { return packet_samples_; }
  std::uint16_t mode() const { return mode_; }
  const audio_format& format() const { return format_; }

private:
  struct opus_state;
  audio_encoder(std::uint16_t mode, audio_format format, std::unique_ptr<opus_state> opus);

  std::uint16_t mode_;
  audio_format format_;
  std::size_t packet_samples_;
  std::vector<std::int16_t> pending_;
  std::unique_ptr<opus_state> opus_;
};

}  // namespace vigil::protocol
