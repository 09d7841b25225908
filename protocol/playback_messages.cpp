#include "protocol/playback_messages.hpp"

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
  return reader.finish(std::move(data));
}

result<playback_mode> parse_playback_mode(const bytes& body) {
  byte_reader reader(body, "PLAYBACK_MODE");
  playback_mode mode;
  mode.time = reader.u32("time");
  mode.mode = reader.u16("mode");
  mode.data = rest_of(reader, "data");
  return reader.finish(std::move(mode));
}

result<playback_start> parse_playback_start(const bytes& body) {
  byte_reader reader(body, "PLAYBACK_START");
  playback_start start;
  start.channels = reader.u32("channels");
  start.format = reader.u16("format");
  start.frequency = reader.u32("frequency");
  start.time = reader.u32("time");
  check_audio_start(reader, start.channels, start.format, start.frequency, 8);
  return reader.finish(std::move(start));
}

result<playback_volume> parse_playback_volume(const bytes& body) {
  return parse_audio_volume(body, "PLAYBACK_VOLUME");
}

result<playback_mute> parse_playback_mute(const bytes& body) { return parse_audio_mute(body, "PLAYBACK_MUTE"); }

result<playback_latency> parse_playback_latency(const bytes& body) {
  byte_reader reader(body, "PLAYBACK_LATENCY");
  playback_latency latency;
  latency.latency_ms = reader.u32("latency_ms");
  return reader.finish(std::move(latency));
}

}  // namespace vigil::protocol
