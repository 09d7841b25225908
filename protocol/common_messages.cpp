#include "protocol/common_messages.hpp"

#include "protocol/byte_reader.hpp"
#include "protocol/byte_writer.hpp"

namespace vigil::protocol {

// Trailing bytes beyond the known fields are ignored, as spice-gtk does, so a
// newer server may extend a message without breaking us.

result<set_ack> parse_set_ack(const bytes& body) {
  byte_reader reader(body, "SET_ACK");
  set_ack out;
  out.generation = reader.u32("generation");
  out.window = reader.u32("window");
  return reader.finish(std::move(out));
}

result<ping> parse_ping(const bytes& body) {
  byte_reader reader(body, "PING");
  ping out;
  out.id = reader.u32("id");
  out.timestamp = reader.u64("timestamp");
  if (reader.failed())
    return reader.error();
  out.padding = reader.remaining();  // the bandwidth-test payload
  return out;
}

result<disconnecting> parse_disconnecting(const bytes& body) {
  byte_reader reader(body, "DISCONNECTING");
  disconnecting out;
  out.timestamp = reader.u64("time_stamp");
  out.reason = reader.u32("reason");
  return reader.finish(std::move(out));
}

result<notify> parse_notify(const bytes& body) {
  byte_reader reader(body, "NOTIFY");
  notify out;
  out.timestamp = reader.u64("time_stamp");
  out.severity = reader.u32("severity");
  out.visibility = reader.u32("visibility");
  out.what = reader.u32("what");
  out.text = reader.counted_text("message_len", "message");
  return reader.finish(std::move(out));
}

wait_for_channels read_wait_list(byte_reader& reader) {
  wait_for_channels out;
  const std::uint8_t count = reader.u8("wait_count");
  constexpr std::size_t item_size = 1 + 1 + 8;
  if (reader.fits("wait_count", count, item_size)) {
    out.items.reserve(count);
    for (unsigned i = 0; i < count; ++i) {
      wait_for_channels::wait_item item;
      item.channel_type = reader.u8("wait_list.channel_type");
      item.channel_id = reader.u8("wait_list.channel_id");
      item.message_serial = reader.u64("wait_list.message_serial");
      out.items.push_back(item);
    }
  }
  return out;
}

result<wait_for_channels> parse_wait_for_channels(const bytes& body) {
  byte_reader reader(body, "WAIT_FOR_CHANNELS");
  auto out = read_wait_list(reader);
  return reader.finish(std::move(out));
}

bytes build_ack_sync(std::uint32_t generation) { return byte_writer().u32(generation).take(); }

bytes build_ack() { return {}; }

bytes build_pong(const ping& answered) {
  return byte_writer().u32(answered.id).u64(answered.timestamp).take();
}

bytes build_disconnecting(std::uint64_t timestamp, std::uint32_t reason) {
  return byte_writer().u64(timestamp).u32(reason).take();
}

bytes ack_window::on_set_ack(const set_ack& request) {
  window_ = request.window;
  received_since_ack_ = 0;
  return build_ack_sync(request.generation);
}

bool ack_window::on_message_received() {
  if (window_ == 0)
    return false;
  if (++received_since_ack_ < window_)
    return false;
  received_since_ack_ = 0;
  return true;
}

}  // namespace vigil::protocol
