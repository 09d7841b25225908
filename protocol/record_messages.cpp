#include "protocol/record_messages.hpp"

#include <spice/enums.h>

#include <string>

#include "protocol/byte_reader.hpp"
#include "protocol/byte_writer.hpp"

namespace vigil::protocol {

result<record_start> parse_record_start(const bytes& body) {
  byte_reader reader(body, "RECORD_START");
  record_start start;
  start.channels = reader.u32("channels");
  start.format = reader.u16("format");
  start.frequency = reader.u32("frequency");
  check_audio_start(reader, start.channels, start.format, start.frequency, 2);
  if (reader.failed())
    return reader.error();
  return start;
}

result<record_volume> parse_record_volume(const bytes& body) { return parse_audio_volume(body, "RECORD_VOLUME"); }

result<record_mute> parse_record_mute(const bytes& body) { return parse_audio_mute(body, "RECORD_MUTE"); }

bytes build_record_mode(std::uint32_t time, std::uint16_t mode) { return byte_writer{}.u32(time).u16(mode).take(); }

bytes build_record_start_mark(std::uint32_t time) { return byte_writer{}.u32(time).take(); }

bytes build_record_data(std::uint32_t time, const std::uint8_t* data, std::size_t size) {
  return byte_writer{}.u32(time).raw(data, size).take();
}

result<record_packet> parse_record_data(const bytes& body) {
  byte_reader reader(body, "RECORD_DATA");
  record_packet packet;
  packet.time = reader.u32("time");
  const std::size_t count = reader.remaining();
  const std::uint8_t* data = reader.raw("data", count);
  if (reader.failed())
    return reader.error();
  packet.data.assign(data, data + count);
  return packet;
}

}  // namespace vigil::protocol
