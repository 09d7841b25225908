#include "protocol/audio_messages.hpp"

#include <spice/enums.h>

#include <string>

namespace vigil::protocol {

result<audio_volume> parse_audio_volume(const bytes& body, const char* message) {
  byte_reader reader(body, message);
  audio_volume volume;
  const std::uint8_t count = reader.u8("nchannels");
  if (reader.fits("nchannels", count, 2))
    for (std::uint8_t i = 0; i < count; ++i)
      volume.volume.push_back(reader.u16("volume"));
  if (reader.failed())
    return reader.error();
  return volume;
}

result<audio_mute> parse_audio_mute(const bytes& body, const char* message) {
  byte_reader reader(body, message);
  audio_mute mute;
  mute.mute = reader.u8("mute") != 0;
  if (reader.failed())
    return reader.error();
  return mute;
}

void check_audio_start(byte_reader& reader, std::uint32_t channels, std::uint16_t format, std::uint32_t frequency,
                       std::uint32_t max_channels) {
  if (!reader.failed() && format != SPICE_AUDIO_FMT_S16)
    reader.fail("field format is " + std::to_string(format) + ", only S16 (" + std::to_string(SPICE_AUDIO_FMT_S16) +
                ") exists");
  if (!reader.failed() && (channels == 0 || channels > max_channels))
    reader.fail("field channels is " + std::to_string(channels) + ", expected 1 to " + std::to_string(max_channels));
  if (!reader.failed() && (frequency == 0 || frequency > 192000))
    reader.fail("field frequency is " + std::to_string(frequency) + " Hz, expected 1 to 192000");
}

const char* audio_mode_name(std::uint16_t mode) {
  switch (mode) {
    case SPICE_AUDIO_DATA_MODE_INVALID: return "invalid";
    case SPICE_AUDIO_DATA_MODE_RAW: return "raw";
    case 2: return "celt";  // SPICE_AUDIO_DATA_MODE_CELT_0_5_1, deprecated in the headers
    case SPICE_AUDIO_DATA_MODE_OPUS: return "opus";
    default: return "unknown";
  }
}

}  // namespace vigil::protocol
