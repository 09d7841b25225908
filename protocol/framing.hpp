// SPICE data framing after the link: mini header {u16 type, u32 size} when both
// sides have MINI_HEADER, else the full header {u64 serial, u16 type, u32 size,
// u32 sub_list}. The reassembler accepts bytes in arbitrary pieces.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>

#include "protocol/memory_budget.hpp"
#include "protocol/result.hpp"

namespace vigil::protocol {

constexpr std::size_t mini_header_size = 6;
constexpr std::size_t full_header_size = 18;

struct frame {
  std::uint16_t type = 0;
  std::uint64_t serial = 0;  // 0 with the mini header
  bytes body;
};

class frame_reassembler {
public:
  // Messages larger than `max_message_size` are a parse error (a corrupt or
  // hostile size field must not make us allocate gigabytes). Every buffer is
  // charged to `account` before it grows, and grows only as bytes arrive: the
  // staging buffer (small messages, headers) twice its capacity, which covers
  // the copy of the frame handed out of it; a body read into its own buffer
  // once. A refusal breaks the stream with an error that has budget_exceeded set.
  frame_reassembler(bool mini_header, std::size_t max_message_size, memory_account account = {});

  void feed(const std::uint8_t* data, std::size_t size);

  // The next complete frame, std::nullopt if more bytes are needed, or an
  // error (after which the stream is unusable).
  result<std::optional<frame>> next();

  std::size_t buffered_bytes() const;

  // Hands a frame's body back once the caller is done with it. The next
  // message that does not come whole in one piece is read into it: a channel
  // whose every frame is one large message (a 1080p lossless image, 1.6 MB)
  // reuses one buffer instead of allocating, page-faulting in and copying a
  // fresh one per message. It is kept (and charged) only while it is at most
  // twice the largest of the recent messages and the session's budget is at
  // most half used; otherwise it is freed here.
  void recycle(bytes&& body);
  // Frees the kept buffer (a channel gone idle).
  void release_spare();
  std::size_t spare_capacity() const { return spare_.capacity(); }

private:
  struct header {
    std::uint16_t type = 0;
    std::uint64_t serial = 0;
    std::uint32_t body_size = 0;
  };
  std::size_t header_size() const;
  header read_header(const std::uint8_t* at) const;
  // Makes room in the staging buffer for `capacity` bytes, charged first;
  // false: refused (broken).
  bool reserve(std::size_t capacity);
  void stage(const std::uint8_t* data, std::size_t size);
  // Starts reading the body of `message` into a buffer of its own (the spare).
  void start_body(const header& message);
  // False: the buffer's growth was refused (broken).
  bool append_body(const std::uint8_t* data, std::size_t size);
  void note_message_size(std::size_t size);
  std::size_t largest_recent_message() const;
  void break_with(parse_error error);

  bool mini_header_;
  std::size_t max_message_size_;
  memory_account account_;
  // Staging: bytes not yet cut into frames, from read_pos_ on.
  memory_charge charge_;
  bytes buffer_;
  std::size_t read_pos_ = 0;
  // The body being read straight into its own buffer, if any.
  bool assembling_ = false;
  header assembling_header_;
  bytes body_;
  memory_charge body_charge_;
  // A handed-back body, for the next one.
  bytes spare_;
  memory_charge spare_charge_;
  // The largest message of this window of messages and of the one before.
  std::size_t largest_this_window_ = 0;
  std::size_t largest_last_window_ = 0;
  std::size_t window_messages_ = 0;
  bool broken_ = false;
  parse_error broken_because_;
};

// Builds outbound frames; keeps the serial counter the full header needs.
class frame_writer {
public:
  explicit frame_writer(bool mini_header) : mini_header_(mini_header) {}
  bytes build(std::uint16_t type, const bytes& body);

private:
  bool mini_header_;
  std::uint64_t next_serial_ = 1;
};

}  // namespace vigil::protocol
