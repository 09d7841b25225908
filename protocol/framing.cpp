#include "protocol/framing.hpp"

#include "protocol/byte_reader.hpp"
#include "protocol/byte_writer.hpp"

namespace vigil::protocol {

frame_reassembler::frame_reassembler(bool mini_header, std::size_t max_message_size)
    : mini_header_(mini_header), max_message_size_(max_message_size) {}

void frame_reassembler::feed(const std::uint8_t* data, std::size_t size) {
  if (broken_ || data == nullptr || size == 0)
    return;  // a broken stream is not read again; keep no bytes for it
  buffer_.insert(buffer_.end(), data, data + size);
}

std::size_t frame_reassembler::buffered_bytes() const { return buffer_.size() - read_pos_; }

result<std::optional<frame>> frame_reassembler::next() {
  if (broken_)
    return parse_error{"frame: stream is unusable after an earlier framing error"};
  const std::size_t header_size = mini_header_ ? mini_header_size : full_header_size;
  if (buffered_bytes() < header_size)
    return std::optional<frame>{};

  byte_reader header(buffer_.data() + read_pos_, header_size, "frame header");
  frame out;
  if (!mini_header_)
    out.serial = header.u64("serial");
  out.type = header.u16("type");
  const std::uint32_t body_size = header.u32("size");
  // sub_list (full header only) is an offset inside the body; the body keeps it.
  if (body_size > max_message_size_) {
    broken_ = true;
    buffer_.clear();
    read_pos_ = 0;
    return parse_error{"frame: message type " + std::to_string(out.type) + " declares size " +
                       std::to_string(body_size) + " bytes, over max_message_size " +
                       std::to_string(max_message_size_)};
  }
  if (buffered_bytes() - header_size < body_size)
    return std::optional<frame>{};

  const auto body_begin = buffer_.begin() + static_cast<std::ptrdiff_t>(read_pos_ + header_size);
  out.body.assign(body_begin, body_begin + body_size);
  read_pos_ += header_size + body_size;

  // Compact once the consumed prefix is at least as large as what is left, so
  // each byte is moved O(1) times on average and consumed bytes never pile up.
  if (read_pos_ == buffer_.size()) {
    buffer_.clear();
    read_pos_ = 0;
  } else if (read_pos_ >= buffer_.size() - read_pos_) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(read_pos_));
    read_pos_ = 0;
  }
  return std::optional<frame>{std::move(out)};
}

bytes frame_writer::build(std::uint16_t type, const bytes& body) {
  byte_writer out;
  if (mini_header_) {
    out.u16(type).u32(static_cast<std::uint32_t>(body.size()));
  } else {
    out.u64(next_serial_++).u16(type).u32(static_cast<std::uint32_t>(body.size())).u32(0);
  }
  return out.raw(body).take();
}

}  // namespace vigil::protocol
