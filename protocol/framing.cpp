#include "protocol/framing.hpp"

#include <algorithm>

#include "protocol/byte_reader.hpp"
#include "protocol/byte_writer.hpp"

namespace vigil::protocol {

namespace {

// Past this capacity an emptied buffer is given back, so one large message
// does not keep its memory (and its charge) for the rest of the connection.
// The buffer grows by doubling as bytes arrive (never ahead of them: a
// header that declares 64 MiB costs nothing until the bytes come).
constexpr std::size_t kept_capacity = 1 << 20;

}  // namespace

frame_reassembler::frame_reassembler(bool mini_header, std::size_t max_message_size, memory_account account)
    : mini_header_(mini_header), max_message_size_(max_message_size), account_(std::move(account)) {}

void frame_reassembler::break_with(parse_error error) {
  broken_ = true;
  broken_because_ = std::move(error);
  buffer_ = bytes{};
  read_pos_ = 0;
  charge_.release();
}

bool frame_reassembler::reserve(std::size_t capacity) {
  if (capacity <= buffer_.capacity())
    return true;
  if (auto refused = account_.resize(charge_, 2 * std::uint64_t{capacity}, "message reassembly buffer")) {
    break_with(with_context("frame", *refused));
    return false;
  }
  buffer_.reserve(capacity);
  return true;
}

void frame_reassembler::feed(const std::uint8_t* data, std::size_t size) {
  if (broken_ || data == nullptr || size == 0)
    return;  // a broken stream is not read again; keep no bytes for it
  const std::size_t after = buffer_.size() + size;
  if (after > buffer_.capacity() && !reserve(std::max(after, 2 * buffer_.capacity())))
    return;
  buffer_.insert(buffer_.end(), data, data + size);
}

std::size_t frame_reassembler::buffered_bytes() const { return buffer_.size() - read_pos_; }

result<std::optional<frame>> frame_reassembler::next() {
  if (broken_)
    return parse_error{"frame: stream is unusable after an earlier error (" + broken_because_.message + ")",
                       broken_because_.budget_exceeded};
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
    break_with(parse_error{"frame: message type " + std::to_string(out.type) + " declares size " +
                           std::to_string(body_size) + " bytes, over max_message_size " +
                           std::to_string(max_message_size_)});
    return broken_because_;
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
    if (buffer_.capacity() > kept_capacity) {
      buffer_ = bytes{};
      charge_.release();
    }
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
