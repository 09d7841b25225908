#include "protocol/playback_messages.hpp"

#include <spice/enums.h>

#include <string>

#include "protocol/byte_reader.hpp"

namespace vigil::protocol {

namespace {

bytes rest_of(byte_reader& reader, const char* field) {
  const std::size_t count = reader.remaining();
  const std::uint8_t* data = reader.raw(field, count);
  return data ? bytes(data, data + count) : bytes{};
}

}  // namespace

result<playback_data> parse_playback_data(const bytes& body) {
  byte_reader reader(body, "PLAYBACK_DATA");
  playback_data data;
  data.time = reader.u32("time");
  data.data = rest_of(reader, "data");
  if (reader.failed())
    return reader.error();
  return data;
}

result<playback_mode> parse_playback_mode(const bytes& body) {
  byte_reader reader(body, "PLAYBACK_MODE");
  playback_mode mode;
  mode.time = reader.u32("time");
  mode.mode = reader.u16("mode");
  mode.data = rest_of(reader, "data");
  if (reader.failed())
    return reader.error();
  return mode;
}

result<playback_start> parse_playback_start(const bytes& body) {
  byte_reader reader(body, "PLAYBACK_START");
  playback_start start;
  start.channels = reader.u32("channels");
  start.format = reader.u16("format");
  start.frequency = reader.u32("frequency");
  start.time = reader.u32("time");
  if (!reader.failed() && start.format != SPICE_AUDIO_FMT_S16)
    reader.fail("field format is " + std::to_string(start.format) + ", only S16 (" +
                std::to_string(SPICE_AUDIO_FMT_S16) + ") exists");
  if (!reader.failed() && (start.channels == 0 || start.channels > 8))
    reader.fail("field channels is " + std::to_string(start.channels) + ", expected 1 to 8");
  if (!reader.failed() && (start.frequency == 0 || start.frequency > 192000))
    reader.fail("field frequency is " + std::to_string(start.frequency) + " Hz, expected 1 to 192000");
  if (reader.failed())
    return reader.error();
  return start;
}

result<playback_volume> parse_playback_volume(const bytes& body) {
  byte_reader reader(body, "PLAYBACK_VOLUME");
  playback_volume volume;
  const std::uint8_t count = reader.u8("nchannels");
  if (reader.fits("nchannels", count, 2))
    for (std::uint8_t i = 0; i < count; ++i)
      volume.volume.push_back(reader.u16("volume"));
  if (reader.failed())
    return reader.error();
  return volume;
}

result<playback_mute> parse_playback_mute(const bytes& body) {
  byte_reader reader(body, "PLAYBACK_MUTE");
  playback_mute mute;
  mute.mute = reader.u8("mute") != 0;
  if (reader.failed())
    return reader.error();
  return mute;
}

result<playback_latency> parse_playback_latency(const bytes& body) {
  byte_reader reader(body, "PLAYBACK_LATENCY");
  playback_latency latency;
  latency.latency_ms = reader.u32("latency_ms");
  if (reader.failed())
    return reader.error();
  return latency;
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
