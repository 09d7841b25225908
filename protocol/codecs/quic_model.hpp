// The adaptive model of QUIC (private to quic.cpp): SPICE's fixed
// configuration of Starosolski's SFALIC coder.
//
// Every channel value is coded as a residual: its difference from a
// prediction, modulo 2^bpc, folded to a non-negative number (0 = exact, even =
// above the prediction, odd = below) and written with one of `bpc` Golomb-Rice
// codes (code k: quotient in unary, k low bits verbatim; quotients that would
// make a codeword too long switch to a fixed-length escape codeword). Which
// code is used depends on a bucket chosen by the previous residual of the same
// channel; each bucket counts how long every code would have been and uses the
// shortest. Buckets are only updated at randomly spaced pixels (a fixed
// pseudo-random table decides), with the spacing growing as the image goes on.
// Runs of pixels equal to their left neighbour are coded with an adaptive
// run-length (MELCODE) coder.
#pragma once

#include <array>
#include <cstdint>

#include "protocol/codecs/quic_bitstream.hpp"

namespace vigil::protocol::quic_detail {

constexpr unsigned max_bits_per_channel = 8;

// The Golomb codes and lookup tables for one channel depth (8 or 5 bits).
struct code_family {
  // A 64-bit lookahead <= escape_below_64[code] starts an escape codeword
  // (apart from the rest: the decoder compares with it for every codeword).
  std::array<std::uint64_t, max_bits_per_channel> escape_below_64{};
  // 1 << code: a multiplication by it needs no shift count in CL.
  std::array<std::uint32_t, max_bits_per_channel> code_unit{};
  struct golomb_code {
    std::uint32_t escape_base;     // first value coded by escape codewords
    std::uint8_t escape_length;    // length of an escape codeword
    std::uint8_t escape_value_bits;  // its trailing bits that carry (value - escape_base)
  };

  unsigned bits_per_channel = 0;
  unsigned max_value = 0;  // 2^bits_per_channel - 1
  std::array<golomb_code, max_bits_per_channel> codes{};
  // Codeword length of every residual under every code, for the bucket update.
  std::array<std::array<std::uint8_t, max_bits_per_channel>, 256> codeword_length{};
  // Folded residual -> difference from the prediction (modulo 2^bits).
  std::array<std::uint8_t, 256> unfold{};
  // Previous residual -> bucket index: buckets cover 1, 2, 4, 8, ... residuals.
  std::array<std::uint8_t, 256> bucket_of{};
  // Bucket n covers the residuals bucket_start[n] .. bucket_start[n + 1] - 1.
  std::array<std::uint16_t, max_bits_per_channel + 1> bucket_start{};
};

// Longest codeword the format allows, escape codewords included.
constexpr unsigned codeword_length_limit = 26;

constexpr unsigned bits_to_count(unsigned values) {  // ceil(log2(values))
  unsigned bits = 0;
  while ((1u << bits) < values)
    ++bits;
  return bits;
}

constexpr code_family make_family(unsigned bits) {
  code_family family;
  family.bits_per_channel = bits;
  family.max_value = (1u << bits) - 1;

  for (unsigned code = 0; code < bits; ++code) {
    // Escape codewords start with this many zeros; a Golomb codeword whose
    // unary quotient would be as long is replaced by one.
    unsigned escape_zeros = codeword_length_limit - bits;
    if (escape_zeros > (1u << (bits - code)) - 1)
      escape_zeros = (1u << (bits - code)) - 1;
    code_family::golomb_code& golomb = family.codes[code];
    golomb.escape_base = escape_zeros << code;
    golomb.escape_value_bits = static_cast<std::uint8_t>(bits_to_count((1u << bits) - golomb.escape_base));
    golomb.escape_length = static_cast<std::uint8_t>(escape_zeros + golomb.escape_value_bits);
    family.escape_below_64[code] = (std::uint64_t{1} << (64 - escape_zeros)) - 1;
    family.code_unit[code] = 1u << code;

    for (unsigned value = 0; value < 256; ++value)
      family.codeword_length[value][code] = static_cast<std::uint8_t>(
          value < golomb.escape_base ? (value >> code) + code + 1 : golomb.escape_length);
  }

  for (unsigned residual = 0; residual <= family.max_value; ++residual) {
    // Even residuals are non-negative differences, odd ones negative.
    family.unfold[residual] =
        static_cast<std::uint8_t>(residual & 1 ? family.max_value - (residual >> 1) : residual >> 1);
    // Bucket n holds residuals 2^n - 1 .. 2^(n+1) - 2; the last one the rest.
    unsigned bucket = 0;
    while (bucket + 1 < bits && residual + 1 >= (2u << bucket))
      ++bucket;
    family.bucket_of[residual] = static_cast<std::uint8_t>(bucket);
  }
  for (unsigned bucket = 0; bucket <= bits; ++bucket) {
    unsigned first = 0;
    while (first <= family.max_value && family.bucket_of[first] < bucket)
      ++first;
    family.bucket_start[bucket] = static_cast<std::uint16_t>(first);
  }
  return family;
}

// The two depths SPICE uses: 8 bits (RGB24, RGB32, RGBA) and 5 bits (RGB16),
// built at compile time (fixed addresses, nothing to initialise).
template <unsigned Bits>
inline constexpr code_family family_of = make_family(Bits);

// Reads one residual coded with Golomb code `code` of the `Bits` family
// (`far_from_end` as for bit_reader::skip). Only an escape codeword can name
// a value past the channel depth (a corrupt one, up to 511): its bits are
// added to `escape_bits`, which the caller checks once per row rather than
// branching here, and the value is cut to the depth. Forced inline: it runs
// once per channel per pixel, and GCC otherwise keeps it a call. Works on the
// whole 64-bit window (a codeword is at most 26 bits, and the window holds at
// least 32). The decoder's critical path runs from one codeword's length to
// the next codeword, so the length is one subtraction after the bit scan and
// the value is worked out beside it.
template <unsigned Bits, bool far_from_end>
[[gnu::always_inline]] inline unsigned read_residual(bit_reader& in, unsigned code, std::uint64_t& escape_bits) {
  constexpr const code_family& family = family_of<Bits>;
  const std::uint64_t lookahead = in.peek64();
  if (__builtin_expect(lookahead > family.escape_below_64[code], 1)) {  // escapes are rare: keep the loop straight
    // The codeword is `quotient` zeros, a one and `code` remainder bits, so
    // its top bits read as a number are 1 << code | remainder.
    const unsigned top_one = 63 ^ static_cast<unsigned>(__builtin_clzll(lookahead));  // 63 - quotient
    const unsigned length = (64 + code) - top_one;
    const unsigned top = static_cast<unsigned>(lookahead >> (top_one - code));
    in.skip<far_from_end>(length);
    return (62 - top_one) * family.code_unit[code] + top;  // ((quotient - 1) << code) + (1 << code | remainder)
  }
  const code_family::golomb_code& golomb = family.codes[code];
  const unsigned length = golomb.escape_length;
  const unsigned offset = static_cast<unsigned>(lookahead >> (64 - length)) & ((1u << golomb.escape_value_bits) - 1);
  in.skip<far_from_end>(length);
  const unsigned value = golomb.escape_base + offset;
  escape_bits |= value;
  return value & family.max_value;
}

// Whole RGB pixels in one lookup. Smooth images and flat areas code nearly
// every channel with code 0 or 1 in one to three bits, so the three
// codewords of a pixel mostly fit in the next `lookahead_bits` bits. For
// each combination of the three channels' codes (when all are small) and
// each value of those bits, the table holds what decoding them one by one
// gives; a pixel it cannot cover (a longer codeword, a bigger code) is
// decoded channel by channel as before, with the same result.
struct pixel_code_table {
  static constexpr unsigned small_codes = 2;     // codes 0 and 1
  static constexpr unsigned lookahead_bits = 9;  // three 3-bit codewords
  static constexpr unsigned block = 1u << lookahead_bits;
  // Entry (0: not covered): the next pixel's context (the buckets of the
  // residuals, 3 bits each, channel 0 highest), the pixel's codeword bits,
  // the unfolded differences of channels 0, 1, 2 in their pixel bytes
  // (shifts 16, 8, 0) and on top the residuals of channels 0, 1 and 2, a
  // byte each, in the order of the stored residual row.
  static constexpr std::uint64_t context_mask = 0x1ff;
  static constexpr unsigned length_shift = 9;
  static constexpr std::uint64_t length_mask = 0xf;
  static constexpr unsigned difference_shift = 16;
  static constexpr std::uint64_t difference_mask = 0xffffff;
  static constexpr unsigned residual_shift = 40;
  // Block (code0 * 4 + code1 * 2 + code2) covers those codes; the block
  // after them covers nothing (for the contexts with a bigger code).
  static constexpr unsigned uncovered_block = small_codes * small_codes * small_codes;
  std::array<std::uint64_t, (uncovered_block + 1) * block> entries{};
};

template <unsigned Bits>
constexpr pixel_code_table make_pixel_code_table() {
  constexpr const code_family& family = family_of<Bits>;
  constexpr unsigned n = pixel_code_table::small_codes;
  constexpr unsigned bits = pixel_code_table::lookahead_bits;
  pixel_code_table table;
  for (unsigned codes = 0; codes < n * n * n; ++codes) {
    for (unsigned pattern = 0; pattern < pixel_code_table::block; ++pattern) {
      unsigned used = 0;
      std::uint64_t entry = 0;
      bool covered = true;
      for (unsigned channel = 0; channel < 3 && covered; ++channel) {
        const unsigned code = codes >> (2 - channel) & 1;
        unsigned quotient = 0;
        while (used + quotient < bits && (pattern >> (bits - 1 - used - quotient) & 1) == 0)
          ++quotient;
        const unsigned length = quotient + 1 + code;
        if (used + length > bits || (quotient << code) >= family.codes[code].escape_base) {
          covered = false;
          break;
        }
        const unsigned remainder = pattern >> (bits - used - length) & ((1u << code) - 1);
        const unsigned residual = (quotient << code) + remainder;
        used += length;
        entry |= std::uint64_t{family.bucket_of[residual]} << 3 * (2 - channel);
        entry |= std::uint64_t{residual} << (pixel_code_table::residual_shift + 8 * channel);
        entry |= std::uint64_t{family.unfold[residual]} << (pixel_code_table::difference_shift + 16 - 8 * channel);
      }
      if (covered)
        table.entries[codes * pixel_code_table::block + pattern] = entry | std::uint64_t{used} << pixel_code_table::length_shift;
    }
  }
  return table;
}

template <unsigned Bits>
inline constexpr pixel_code_table pixel_codes_of = make_pixel_code_table<Bits>();

// One context bucket: the summed codeword lengths of each code so far.
struct bucket {
  std::array<std::uint32_t, max_bits_per_channel> total_length{};
  unsigned best_code = 0;
};

// Low 6 bits of the format's fixed pseudo-random table (the wait mask never
// has more than 6 bits, so the rest of each entry never matters).
extern const std::array<std::uint8_t, 256> update_spacing_random;

// Length of the remainder field of a run, by MELCODE state.
extern const std::array<std::uint8_t, 32> run_remainder_bits;

// The most bits a run spends besides its leading ones (each of which stands
// for one pixel or more): the closing zero and a remainder of up to 15 bits.
constexpr unsigned run_bits_limit = 16;

// The state one group of channels shares: RGB's three channels share one,
// the alpha plane has its own.
class adaptive_state {
public:
  adaptive_state() { enter_wait_mask_level(0); }

  // Pixels of a row are decoded in segments: the pseudo-random spacing of
  // model updates (the wait mask) widens after every 2048 pixels, up to 6
  // times, and a run never crosses a segment end. Returns the length of the
  // next segment of a row that still has `pixels_left` pixels.
  unsigned begin_segment(unsigned pixels_left) {
    if (pixels_left_at_level_ == 0 && wait_mask_level_ < last_wait_mask_level)
      enter_wait_mask_level(wait_mask_level_ + 1);
    if (wait_mask_level_ == last_wait_mask_level)
      return pixels_left;
    const unsigned length = pixels_left < pixels_left_at_level_ ? pixels_left : pixels_left_at_level_;
    pixels_left_at_level_ -= length;
    return length;
  }

  // Pixels decoded outside runs are counted down to the next model update:
  // the count lives in the caller's registers while it decodes.
  unsigned pixels_to_skip() const { return pixels_to_skip_; }
  void set_pixels_to_skip(unsigned pixels) { pixels_to_skip_ = pixels; }
  // At an update, the pixels to skip until the next one.
  unsigned next_update_spacing() { return update_spacing_random[++random_index_ & 0xff] & wait_mask_; }

  // Adds the codeword lengths of `residual` to `b`, picks its best code (ties
  // go to the higher code) and halves the totals once they pass the threshold.
  // (The depth a template parameter: a fixed number of codes, loops unrolled.)
  template <unsigned Bits>
  void update(bucket& b, unsigned residual) const {
    constexpr const code_family& family = family_of<Bits>;
    const auto& lengths = family.codeword_length[residual];
    unsigned best = family.bits_per_channel - 1;
    std::uint32_t best_total = b.total_length[best] += lengths[best];
    for (unsigned code = best; code-- > 0;) {
      const std::uint32_t total = b.total_length[code] += lengths[code];
      if (total < best_total) {
        best = code;
        best_total = total;
      }
    }
    b.best_code = best;
    if (best_total > halving_threshold_)
      for (unsigned code = 0; code < family.bits_per_channel; ++code)
        b.total_length[code] >>= 1;
  }

  // Reads a run length; false if the run would exceed `max_length` pixels,
  // which only a corrupt stream can ask for.
  bool read_run(bit_reader& in, unsigned max_length, unsigned& length);

private:
  static constexpr unsigned last_wait_mask_level = 6;
  static constexpr unsigned pixels_per_wait_mask_level = 2048;

  void enter_wait_mask_level(unsigned level);

  unsigned pixels_to_skip_ = 0;
  unsigned random_index_ = 0xff;
  unsigned wait_mask_level_ = 0;
  unsigned wait_mask_ = 0;
  unsigned pixels_left_at_level_ = 0;
  unsigned halving_threshold_ = 0;
  unsigned run_state_ = 0;  // MELCODE state, index into run_remainder_bits
};

}  // namespace vigil::protocol::quic_detail
