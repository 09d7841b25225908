#include "protocol/framing.hpp"

#include <algorithm>
#include <utility>

#include "protocol/byte_reader.hpp"
#include "protocol/byte_writer.hpp"

namespace vigil::protocol {

namespace {

// Past this capacity an emptied staging buffer is given back, so one large
// message does not keep its memory (and its charge) for the rest of the
// connection. It grows by doubling as bytes arrive (never ahead of them: a
// header that declares 64 MiB costs nothing until the bytes come).
constexpr std::size_t kept_capacity = 1 << 20;

// How many messages make a window for "the largest recent message": a kept
// body buffer outlives the large message it was grown for by one to two
// windows, and is then freed.
constexpr std::size_t messages_per_window = 64;

}  // namespace

frame_reassembler::frame_reassembler(bool mini_header, std::size_t max_message_size, memory_account account)
    : mini_header_(mini_header), max_message_size_(max_message_size), account_(std::move(account)) {}

std::size_t frame_reassembler::header_size() const { return mini_header_ ? mini_header_size : full_header_size; }

frame_reassembler::header frame_reassembler::read_header(const std::uint8_t* at) const {
  byte_reader reader(at, header_size(), "frame header");
  header out;
  if (!mini_header_)
    out.serial = reader.u64("serial");
  out.type = reader.u16("type");
  out.body_size = reader.u32("size");
  // sub_list (full header only) is an offset inside the body; the body keeps it.
  return out;
}

void frame_reassembler::break_with(parse_error error) {
  broken_ = true;
  broken_because_ = std::move(error);
  buffer_ = bytes{};
  read_pos_ = 0;
  charge_.release();
  assembling_ = false;
  body_ = bytes{};
  body_charge_.release();
  release_spare();
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

void frame_reassembler::stage(const std::uint8_t* data, std::size_t size) {
  const std::size_t after = buffer_.size() + size;
  if (after > buffer_.capacity() && !reserve(std::max(after, 2 * buffer_.capacity())))
    return;
  buffer_.insert(buffer_.end(), data, data + size);
}

void frame_reassembler::start_body(const header& message) {
  assembling_ = true;
  assembling_header_ = message;
  body_ = std::move(spare_);
  body_.clear();
  body_charge_ = std::move(spare_charge_);
  spare_ = bytes{};
}

bool frame_reassembler::append_body(const std::uint8_t* data, std::size_t size) {
  const std::size_t after = body_.size() + size;
  if (after > body_.capacity()) {
    // Doubling as bytes arrive: a header alone costs nothing. It ends an
    // eighth over the declared size, so that the next messages, which this
    // buffer takes, fit it even when each is a little larger (a changing
    // image compresses to a different size each frame).
    const std::size_t declared = assembling_header_.body_size;
    const std::size_t capacity = std::min(declared + declared / 8, std::max(after, 2 * body_.capacity()));
    if (auto refused = account_.resize(body_charge_, capacity, "message reassembly buffer")) {
      break_with(with_context("frame", *refused));
      return false;
    }
    body_.reserve(capacity);
  }
  body_.insert(body_.end(), data, data + size);
  return true;
}

void frame_reassembler::feed(const std::uint8_t* data, std::size_t size) {
  if (broken_ || data == nullptr || size == 0)
    return;  // a broken stream is not read again; keep no bytes for it
  if (!assembling_ && buffered_bytes() == 0 && size >= header_size()) {
    // No frame waits before this message: if its body does not come whole
    // in this piece, it is read straight into a buffer of its own (no
    // staging, no copy out). A size over the limit is left to next().
    const header message = read_header(data);
    if (message.body_size <= max_message_size_ && size - header_size() < message.body_size) {
      buffer_.clear();
      read_pos_ = 0;
      start_body(message);
      data += header_size();
      size -= header_size();
    }
  }
  if (assembling_) {
    const std::size_t taken = std::min(size, assembling_header_.body_size - body_.size());
    if (!append_body(data, taken))
      return;
    data += taken;
    size -= taken;
  }
  if (size > 0)
    stage(data, size);  // after a body in its own buffer, only once it is complete
}

std::size_t frame_reassembler::buffered_bytes() const {
  return buffer_.size() - read_pos_ + (assembling_ ? header_size() + body_.size() : 0);
}

void frame_reassembler::note_message_size(std::size_t size) {
  largest_this_window_ = std::max(largest_this_window_, size);
  if (++window_messages_ < messages_per_window)
    return;
  largest_last_window_ = std::exchange(largest_this_window_, 0);
  window_messages_ = 0;
}

std::size_t frame_reassembler::largest_recent_message() const {
  return std::max(largest_this_window_, largest_last_window_);
}

void frame_reassembler::recycle(bytes&& body) {
  const std::size_t capacity = body.capacity();
  if (broken_ || capacity <= spare_.capacity() || capacity > 2 * largest_recent_message())
    return;  // `body` is freed
  // Memory the session needs for surfaces and images comes first.
  const std::uint64_t in_use_without_spare = account_.pool_in_use() - spare_charge_.bytes();
  if (in_use_without_spare + capacity > account_.pool_limit() / 2)
    return;
  if (account_.resize(spare_charge_, capacity, "kept message buffer"))
    return;
  spare_ = std::move(body);
  spare_.clear();
}

void frame_reassembler::release_spare() {
  spare_ = bytes{};
  spare_charge_.release();
}

result<std::optional<frame>> frame_reassembler::next() {
  if (broken_)
    return parse_error{"frame: stream is unusable after an earlier error (" + broken_because_.message + ")",
                       broken_because_.budget_exceeded};
  if (assembling_) {
    if (body_.size() < assembling_header_.body_size)
      return std::optional<frame>{};
    assembling_ = false;
    frame out{assembling_header_.type, assembling_header_.serial, std::exchange(body_, bytes{})};
    body_charge_.release();  // the caller's now; recycle() may bring it back
    note_message_size(out.body.size());
    return std::optional<frame>{std::move(out)};
  }
  if (buffered_bytes() < header_size())
    return std::optional<frame>{};

  const header message = read_header(buffer_.data() + read_pos_);
  if (message.body_size > max_message_size_) {
    break_with(parse_error{"frame: message type " + std::to_string(message.type) + " declares size " +
                           std::to_string(message.body_size) + " bytes, over max_message_size " +
                           std::to_string(max_message_size_)});
    return broken_because_;
  }
  const std::size_t body_begin = read_pos_ + header_size();
  std::optional<frame> out;
  if (buffer_.size() - body_begin < message.body_size) {
    // The rest of the body goes straight into a buffer of its own: what came
    // of it so far is the last thing staged.
    start_body(message);
    if (!append_body(buffer_.data() + body_begin, buffer_.size() - body_begin))
      return broken_because_;
    read_pos_ = buffer_.size();
  } else {
    out = frame{message.type, message.serial, {}};
    const auto body = buffer_.begin() + static_cast<std::ptrdiff_t>(body_begin);
    out->body.assign(body, body + message.body_size);
    read_pos_ = body_begin + message.body_size;
    note_message_size(message.body_size);
  }

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
  return out;
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
