#include "protocol/codecs/audio_encoder.hpp"

#include <spice/enums.h>

#include <opus.h>

#include <string>

namespace vigil::protocol {

namespace {
// Far above what 10 ms of Opus ever needs (spice-common allows 480 bytes).
constexpr int max_packet_bytes = 4000;
}  // namespace

struct audio_encoder::opus_state {
  OpusEncoder* encoder = nullptr;
  ~opus_state() { opus_encoder_destroy(encoder); }
};

result<audio_encoder> audio_encoder::create(std::uint16_t mode, audio_format format) {
  // Below 100 Hz a 10 ms packet holds no frame at all.
  if (format.channels == 0 || format.channels > 2 || format.frequency < 100 || format.frequency > 192000)
    return parse_error{"audio encoder: " + std::to_string(format.channels) + " channels at " +
                       std::to_string(format.frequency) + " Hz cannot be recorded"};
  if (mode == SPICE_AUDIO_DATA_MODE_RAW)
    return audio_encoder(mode, format, nullptr);
  if (mode != SPICE_AUDIO_DATA_MODE_OPUS)
    return parse_error{"audio encoder: mode " + std::to_string(mode) + " is neither RAW (" +
                       std::to_string(SPICE_AUDIO_DATA_MODE_RAW) + ") nor OPUS (" +
                       std::to_string(SPICE_AUDIO_DATA_MODE_OPUS) + ")"};
  auto opus = std::make_unique<opus_state>();
  int error = OPUS_OK;
  opus->encoder = opus_encoder_create(static_cast<opus_int32>(format.frequency), static_cast<int>(format.channels),
                                      OPUS_APPLICATION_VOIP, &error);
  if (error != OPUS_OK || !opus->encoder)
    return parse_error{std::string("audio encoder: opus_encoder_create failed: ") + opus_strerror(error)};
  return audio_encoder(mode, format, std::move(opus));
}

audio_encoder::audio_encoder(std::uint16_t mode, audio_format format, std::unique_ptr<opus_state> opus)
    : mode_(mode), format_(format), packet_samples_(format.frequency / 100 * format.channels), opus_(std::move(opus)) {}

audio_encoder::audio_encoder(audio_encoder&&) noexcept = default;
audio_encoder& audio_encoder::operator=(audio_encoder&&) noexcept = default;
audio_encoder::~audio_encoder() = default;

result<std::vector<bytes>> audio_encoder::push(const std::int16_t* samples, std::size_t count) {
  std::vector<bytes> packets;
  pending_.insert(pending_.end(), samples, samples + count);
  std::size_t used = 0;
  while (pending_.size() - used >= packet_samples_) {
    const std::int16_t* packet = pending_.data() + used;
    bytes out;
    if (mode_ == SPICE_AUDIO_DATA_MODE_RAW) {
      out.reserve(packet_samples_ * 2);
      for (std::size_t i = 0; i < packet_samples_; ++i) {
        const auto value = static_cast<std::uint16_t>(packet[i]);
        out.push_back(static_cast<std::uint8_t>(value));
        out.push_back(static_cast<std::uint8_t>(value >> 8));
      }
    } else {
      out.resize(max_packet_bytes);
      const int frames = static_cast<int>(packet_samples_ / format_.channels);
      const int written = opus_encode(opus_->encoder, packet, frames, out.data(), max_packet_bytes);
      if (written < 0) {
        pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(used + packet_samples_));
        return parse_error{std::string("audio encoder: opus_encode failed: ") + opus_strerror(written)};
      }
      out.resize(static_cast<std::size_t>(written));
    }
    packets.push_back(std::move(out));
    used += packet_samples_;
  }
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(used));
  return packets;
}

}  // namespace vigil::protocol
