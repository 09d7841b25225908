#include "protocol/codecs/pcm.hpp"

#include <algorithm>

#include "protocol/byte_writer.hpp"

namespace vigil::protocol {

void apply_volume(std::int16_t* samples, std::size_t frames, std::uint32_t channels,
                  const std::vector<std::uint16_t>& volume, bool mute) {
  if (mute) {
    std::fill(samples, samples + frames * channels, std::int16_t{0});
    return;
  }
  if (volume.empty())
    return;
  for (std::uint32_t c = 0; c < channels; ++c) {
    const std::int64_t gain = volume[std::min<std::size_t>(c, volume.size() - 1)];
    if (gain == 65535)
      continue;
    for (std::size_t f = 0; f < frames; ++f) {
      auto& sample = samples[f * channels + c];
      sample = static_cast<std::int16_t>(sample * gain / 65535);
    }
  }
}

bytes wav_header(const audio_format& format, std::uint32_t data_bytes) {
  const std::uint32_t block_align = 2 * format.channels;
  byte_writer out;
  out.raw(reinterpret_cast<const std::uint8_t*>("RIFF"), 4);
  out.u32(36 + data_bytes);
  out.raw(reinterpret_cast<const std::uint8_t*>("WAVEfmt "), 8);
  out.u32(16);  // fmt chunk size
  out.u16(1);   // PCM
  out.u16(static_cast<std::uint16_t>(format.channels));
  out.u32(format.frequency);
  out.u32(format.frequency * block_align);
  out.u16(static_cast<std::uint16_t>(block_align));
  out.u16(16);  // bits per sample
  out.raw(reinterpret_cast<const std::uint8_t*>("data"), 4);
  out.u32(data_bytes);
  return out.take();
}

}  // namespace vigil::protocol
