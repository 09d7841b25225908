#include "protocol/codecs/audio_decoder.hpp"

#include <opus.h>
#include <spice/enums.h>

#include <string>

namespace vigil::protocol {

namespace {

// The longest Opus packet is 120 ms; at 48 kHz that is 5760 frames.
constexpr int max_opus_packet_ms = 120;
// A raw packet longer than this is refused (the reference server sends 10 ms).
constexpr std::uint64_t max_raw_packet_ms = 500;

bool opus_rate_supported(std::uint32_t frequency) {
  return frequency == 8000 || frequency == 12000 || frequency == 16000 || frequency == 24000 || frequency == 48000;
}

}  // namespace

struct audio_decoder::opus_state {
  OpusDecoder* decoder = nullptr;
  ~opus_state() {
    if (decoder)
      opus_decoder_destroy(decoder);
  }
};

result<audio_decoder> audio_decoder::create(std::uint16_t mode, audio_format format) {
  if (format.channels == 0)
    return parse_error{"audio decoder: the stream has no channels"};
  if (mode == SPICE_AUDIO_DATA_MODE_RAW)
    return audio_decoder(mode, format, nullptr);
  if (mode != SPICE_AUDIO_DATA_MODE_OPUS)
    return parse_error{"audio decoder: data mode " + std::to_string(mode) + " is neither RAW (" +
                       std::to_string(SPICE_AUDIO_DATA_MODE_RAW) + ") nor OPUS (" +
                       std::to_string(SPICE_AUDIO_DATA_MODE_OPUS) + ")"};
  if (!opus_rate_supported(format.frequency) || format.channels > 2)
    return parse_error{"audio decoder: Opus cannot decode " + std::to_string(format.frequency) + " Hz with " +
                       std::to_string(format.channels) + " channels"};
  auto opus = std::make_unique<opus_state>();
  int error = OPUS_OK;
  opus->decoder = opus_decoder_create(static_cast<opus_int32>(format.frequency), static_cast<int>(format.channels), &error);
  if (error != OPUS_OK || !opus->decoder)
    return parse_error{std::string("audio decoder: opus_decoder_create failed: ") + opus_strerror(error)};
  return audio_decoder(mode, format, std::move(opus));
}

audio_decoder::audio_decoder(std::uint16_t mode, audio_format format, std::unique_ptr<opus_state> opus)
    : mode_(mode), format_(format), opus_(std::move(opus)) {}
audio_decoder::audio_decoder(audio_decoder&&) noexcept = default;
audio_decoder& audio_decoder::operator=(audio_decoder&&) noexcept = default;
audio_decoder::~audio_decoder() = default;

result<std::vector<std::int16_t>> audio_decoder::decode(const std::uint8_t* data, std::size_t size) {
  const std::size_t frame_bytes = 2 * std::size_t{format_.channels};
  if (mode_ == SPICE_AUDIO_DATA_MODE_RAW) {
    if (size % frame_bytes != 0)
      return parse_error{"PLAYBACK_DATA: raw payload of " + std::to_string(size) + " bytes is not a whole number of " +
                         std::to_string(frame_bytes) + "-byte frames"};
    // Servers send 10-20 ms a packet; a packet of seconds would make the
    // edge to the sink hold gigabytes (security review L5).
    const std::uint64_t most_frames = std::uint64_t{format_.frequency} * max_raw_packet_ms / 1000;
    if (size / frame_bytes > most_frames)
      return parse_error{"PLAYBACK_DATA: raw payload of " + std::to_string(size / frame_bytes) + " frames is more than " +
                         std::to_string(max_raw_packet_ms) + " ms of audio"};
    std::vector<std::int16_t> samples(size / 2);
    for (std::size_t i = 0; i < samples.size(); ++i)
      samples[i] = static_cast<std::int16_t>(std::uint16_t{data[2 * i]} | std::uint16_t{data[2 * i + 1]} << 8);
    return samples;
  }
  if (size == 0)
    return parse_error{"PLAYBACK_DATA: empty Opus packet"};
  const int max_frames = static_cast<int>(format_.frequency / 1000 * max_opus_packet_ms);
  std::vector<std::int16_t> samples(static_cast<std::size_t>(max_frames) * format_.channels);
  const int frames = opus_decode(opus_->decoder, data, static_cast<opus_int32>(size), samples.data(), max_frames, 0);
  if (frames < 0)
    return parse_error{"PLAYBACK_DATA: Opus packet of " + std::to_string(size) + " bytes does not decode: " +
                       opus_strerror(frames)};
  samples.resize(static_cast<std::size_t>(frames) * format_.channels);
  return samples;
}

}  // namespace vigil::protocol
