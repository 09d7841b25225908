// Bit reader for QUIC streams (private to quic.cpp and its helpers).
//
// A QUIC stream is a sequence of 32-bit little-endian words whose bits are
// read most significant first. The reader keeps at least 32 upcoming bits in a
// 64-bit window so a Golomb codeword (at most 26 bits) or a 32-bit header word
// can be looked at without a bounds check. Past the end of the input it
// appends zero words and counts them: nothing is ever read from beyond the
// input, and overran() tells afterwards whether any of those invented bits
// were consumed, i.e. whether the stream was too short for what was decoded.
#pragma once

#include <cstddef>
#include <cstdint>

namespace vigil::protocol::quic_detail {

class bit_reader {
public:
  // `words` whole 32-bit words at `data`.
  bit_reader(const std::uint8_t* data, std::size_t words)
      : next_(data), end_(data + 4 * words) {
    add_word();
  }

  // The next 32 bits, first bit in the most significant position.
  std::uint32_t peek32() const { return static_cast<std::uint32_t>(window_ >> 32); }
  // The same, followed by up to 31 more bits (zeros past what was read).
  std::uint64_t peek64() const { return window_; }

  // Consumes `count` bits, 1 <= count <= 32. With `far_from_end`, the caller
  // knows that the next word is in the input (see words_left): the end check
  // and its registers drop out of a hot loop. Always inlined, as are the
  // refills: out of line (GCC did so in the bigger pixel loops), the reader's
  // address escapes and its window goes through memory on every pixel.
  template <bool far_from_end = false>
  [[gnu::always_inline]] void skip(unsigned count) {
    window_ <<= count;
    window_bits_ -= count;
    if (window_bits_ < 32) {
      if constexpr (far_from_end)
        add_next_word();
      else
        add_word();
    }
  }

  // Whole words not read yet; consuming n bits reads at most n / 32 + 1 of them.
  std::size_t words_left() const { return static_cast<std::size_t>(end_ - next_) / 4; }

  // True once a bit beyond the end of the input has been consumed.
  bool overran() const { return invented_bits_ > window_bits_; }

private:
  [[gnu::always_inline]] void add_word() {
    if (next_ != end_) {
      add_next_word();
    } else {
      invented_bits_ += 32;
      window_bits_ += 32;
    }
  }

  [[gnu::always_inline]] void add_next_word() {
    const std::uint32_t word = static_cast<std::uint32_t>(next_[0]) | static_cast<std::uint32_t>(next_[1]) << 8 |
                               static_cast<std::uint32_t>(next_[2]) << 16 | static_cast<std::uint32_t>(next_[3]) << 24;
    next_ += 4;
    window_ |= static_cast<std::uint64_t>(word) << (32 - window_bits_);
    window_bits_ += 32;
  }

  // All 64-bit: a store of a decoded pixel (32-bit) or residual can then not
  // alias the reader's state, so the compiler keeps it in registers.
  const std::uint8_t* next_;
  const std::uint8_t* end_;
  std::uint64_t window_ = 0;         // upcoming bits, left-aligned
  std::uint64_t window_bits_ = 0;    // valid bits in window_ (32..63 between calls)
  std::uint64_t invented_bits_ = 0;  // zero bits appended past the input
};

}  // namespace vigil::protocol::quic_detail
