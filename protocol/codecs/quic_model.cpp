// Tables and the less frequent parts of the QUIC model (see quic_model.hpp).
#include "protocol/codecs/quic_model.hpp"

namespace vigil::protocol::quic_detail {
namespace {

// Bucket totals are halved when the best one passes this; indexed by the wait
// mask level (SPICE's model evolution setting 3).
constexpr std::array<std::uint16_t, 7> halving_threshold_by_level = {110, 550, 900, 800, 550, 400, 350};

}  // namespace

const std::array<std::uint8_t, 256> update_spacing_random = {
     2, 23, 19, 21,  7, 18, 40, 14, 12, 32, 47, 44, 36,  6, 18, 11,
     4, 19, 42, 29, 16, 63, 57, 51, 16,  3,  5, 14, 15, 30, 20,  9,
    36, 45,  3, 57, 61,  0,  8,  5, 41, 14, 43, 27, 43, 59, 31, 35,
    39, 60, 42, 38, 13, 54, 62,  1, 26,  3, 11, 61, 52, 34,  7, 48,
     4, 59, 22, 12, 22,  8, 50,  4, 10,  6, 44,  8, 11, 46, 31, 51,
    53, 17,  1, 43, 46, 60, 36, 54, 10, 27, 39, 44, 22, 41, 23,  2,
    44,  0, 40, 53, 40, 48, 16, 43, 32, 28, 33, 12, 20,  2, 56, 62,
    55, 58, 18, 20, 13, 55, 38, 29, 57, 19, 49, 33, 47, 63, 59,  0,
    35, 61, 19, 25, 46, 38, 60,  4, 35,  1, 26, 40, 28, 10,  5, 14,
    25, 18, 48, 49, 20, 59, 62, 34, 46,  7, 33, 52, 34, 58,  9, 29,
     8, 55, 62, 60, 37, 36, 37, 50,  6,  3, 10, 28, 48, 24, 26, 61,
    57, 30, 11, 54,  2,  6, 50, 47,  7, 17, 35, 53, 32, 12, 23, 17,
     5, 21, 49, 55, 51, 45, 52, 27, 39, 25, 39, 63, 22, 24, 42, 52,
    56, 38, 41, 41, 56, 32, 13, 24, 26, 51, 27, 56, 58, 37, 24, 42,
    15, 28, 17, 30, 31, 15, 16, 23, 25, 54, 33, 34,  1, 29, 31, 50,
    53, 21, 49, 15, 47,  9,  0, 58, 37, 45, 30, 13,  9, 45, 63, 21,
};

const std::array<std::uint8_t, 32> run_remainder_bits = {
    0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3,
    4, 4, 5, 5, 6, 6, 7, 7, 8, 9, 10, 11, 12, 13, 14, 15,
};

void adaptive_state::enter_wait_mask_level(unsigned level) {
  wait_mask_level_ = level;
  wait_mask_ = (1u << level) - 1;
  halving_threshold_ = halving_threshold_by_level[level];
  pixels_left_at_level_ = pixels_per_wait_mask_level;
}

// MELCODE: each leading 1 bit stands for 2^run_remainder_bits[state] pixels
// and moves to the next state; a 0 bit ends them, followed by the remainder
// in run_remainder_bits[state] bits. Each run then steps one state back.
bool adaptive_state::read_run(bit_reader& in, unsigned max_length, unsigned& length) {
  unsigned total = 0;
  for (;;) {
    const std::uint32_t lookahead = in.peek32();
    const unsigned ones = lookahead == 0xffffffffu ? 32 : static_cast<unsigned>(__builtin_clz(~lookahead));
    for (unsigned hit = 0; hit < ones; ++hit) {
      total += 1u << run_remainder_bits[run_state_];
      if (total > max_length)
        return false;
      if (run_state_ + 1 < run_remainder_bits.size())
        ++run_state_;
    }
    if (ones < 32) {
      in.skip(ones + 1);
      break;
    }
    in.skip(32);
  }
  if (const unsigned bits = run_remainder_bits[run_state_]; bits != 0) {
    total += in.peek32() >> (32 - bits);
    in.skip(bits);
    if (total > max_length)
      return false;
  }
  if (run_state_ != 0)
    --run_state_;
  length = total;
  return true;
}

}  // namespace vigil::protocol::quic_detail
