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
  // hostile size field must not make us allocate gigabytes). The buffer is
  // charged to `account` before it grows (by doubling, as bytes arrive):
  // twice its capacity, which covers the copy of the frame being handed out.
  // A refusal breaks the stream with an error that has budget_exceeded set.
  frame_reassembler(bool mini_header, std::size_t max_message_size, memory_account account = {});

  void feed(const std::uint8_t* data, std::size_t size);

  // The next complete frame, std::nullopt if more bytes are needed, or an
  // error (after which the stream is unusable).
  result<std::optional<frame>> next();

  std::size_t buffered_bytes() const;

private:
  bool mini_header_;
  std::size_t max_message_size_;
  // Makes room for `capacity` bytes, charged first; false: refused (broken).
  bool reserve(std::size_t capacity);
  void break_with(parse_error error);

  memory_account account_;
  memory_charge charge_;
  bytes buffer_;
  std::size_t read_pos_ = 0;
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
