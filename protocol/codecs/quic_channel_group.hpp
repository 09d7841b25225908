// One group of QUIC's coded channels (RGB, or alpha), decoded row by row:
// the pixel loops and their tables (private to quic.cpp, which reads the
// header and interleaves the groups; the model is in quic_model.hpp). Kept
// apart from quic.cpp for size only: it is included by that one file.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

#include "protocol/codecs/quic_bitstream.hpp"
#include "protocol/codecs/quic_model.hpp"

namespace vigil::protocol::quic_detail {

// Where a group of coded channels lives in a 0xAARRGGBB pixel. RGB16 keeps
// its 5-bit values in the same places until the image is finished.
struct rgb_channels {
  static constexpr unsigned count = 3;
  static constexpr bool writes_first = true;  // stores whole pixels, alpha 0
  static constexpr std::array<unsigned, 3> shifts = {16, 8, 0};  // coded in the order R, G, B
  static constexpr std::uint32_t pixel_mask = 0x00ffffff;
  static constexpr const char* name = "RGB";
};

struct alpha_channel {
  static constexpr unsigned count = 1;
  static constexpr bool writes_first = false;  // adds its bits to the row RGB wrote
  static constexpr std::array<unsigned, 1> shifts = {24};
  static constexpr std::uint32_t pixel_mask = 0xff000000;
  static constexpr const char* name = "alpha";
};

enum class row_status { ok, run_too_long };

// Writes the bytes of `bytes` to `to`, lowest first, as one store (GCC
// does not merge the byte stores into one).
[[gnu::always_inline]] inline void store_bytes(std::uint8_t* to, std::uint32_t bytes) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  bytes = __builtin_bswap32(bytes);
#endif
  std::memcpy(to, &bytes, sizeof bytes);
}

template <class F, unsigned... I>
[[gnu::always_inline]] inline void for_each_index(F& f, std::integer_sequence<unsigned, I...>) {
  (f(std::integral_constant<unsigned, I>{}), ...);
}

// Calls f(std::integral_constant<unsigned, I>{}) for I = 0 .. count - 1: each
// channel gets its own code with constant offsets. A plain loop over the
// channels stays a loop at -O2, and its counter and indexed loads were half
// of the decoder's instructions.
template <unsigned count, class F>
[[gnu::always_inline]] inline void for_each_channel(F&& f) {
  for_each_index(f, std::make_integer_sequence<unsigned, count>{});
}

// Decodes one group of channels of `Bits` bits each, row by row. RGB
// overwrites each pixel (the buffer may hold anything before), alpha then
// fills in the top byte. Rows of several groups (RGBA) interleave in stream
// order. The channel depth is a template parameter so that its tables sit at
// fixed addresses and its masks are constants.
template <class Channels, unsigned Bits>
class channel_group_decoder {
public:
  explicit channel_group_decoder(unsigned width) : width_(width), residuals_(4 * (std::size_t{width} + 1), 0) {
    const auto initial_code = static_cast<std::uint8_t>(Bits - 1);
    for (auto& channel_buckets : buckets_)
      for (bucket& b : channel_buckets)
        b.best_code = initial_code;
    for (auto& code_of : code_of_context_)
      code_of.fill(initial_code);
    for (auto& code_of : code_of_)
      code_of.fill(initial_code);
    block_of_context_.fill(uncovered_block());
    for_each_channel<count>([&](auto i) {
      for (unsigned residual = 0; residual < 256; ++residual) {
        unfold_at_[i][residual] = std::uint32_t{family.unfold[residual]} << Channels::shifts[i];
        context_part_[i][residual] = static_cast<std::uint16_t>(family.bucket_of[residual] << context_shift(i));
      }
    });
  }

  // `above` is the previous row, or null for the first row.
  row_status decode_row(bit_reader& in, std::uint32_t* row, const std::uint32_t* above) {
    // The first pixel's context is the first residual of the row above.
    for (unsigned i = 0; i < count; ++i)
      residuals_[i] = above ? residuals_[4 + i] : 0;
    if constexpr (whole_pixels)
      if (by_table_next_row()) {
        if (contexts_stale_)
          refresh_contexts();
        return decode_row<true>(in, row, above);
      }
    return decode_row<false>(in, row, above);
  }

  // True if an escape codeword named a residual the channel depth cannot have.
  bool saw_invalid_residual() const { return escape_bits_seen_ > family.max_value; }

private:
  // Each loop is a function of its own so that GCC allocates its registers
  // alone: with both in one function the table loop's bit window and context
  // went to the stack.
  template <bool by_table>
  [[gnu::noinline]] row_status decode_row(bit_reader& in, std::uint32_t* row, const std::uint32_t* above) {
    for (unsigned x = 0; x < width_;) {
      const unsigned end = x + state_.begin_segment(width_ - x);
      // Most segments cannot reach the end of the input even if every
      // codeword were of the longest kind: they skip the reader's end check.
      const bool far_from_end = in.words_left() > std::size_t{end - x} * max_bits_per_pixel / 32 + 1;
      row_status status = row_status::ok;
      if (!above && far_from_end)
        decode_first_row_segment<true, by_table>(in, row, x, end);
      else if (!above)
        decode_first_row_segment<false, by_table>(in, row, x, end);
      else if (far_from_end)
        status = decode_segment<true, by_table>(in, row, above, x, end);
      else
        status = decode_segment<false, by_table>(in, row, above, x, end);
      if (status != row_status::ok)
        return status;
      x = end;
    }
    return row_status::ok;
  }

  static constexpr unsigned count = Channels::count;
  static constexpr const code_family& family = family_of<Bits>;
  using channel_values = std::array<unsigned, count>;
  // A pixel's codewords at their longest, or a run attempt: an empty run
  // can come before a coded pixel, and a run's ones are at most its pixels.
  static constexpr unsigned max_bits_per_pixel = count * codeword_length_limit + run_bits_limit + 1;

  // A value in each of the group's channel bytes of a pixel.
  static constexpr std::uint32_t in_each_channel(std::uint32_t value) {
    std::uint32_t pixel = 0;
    for (unsigned shift : Channels::shifts)
      pixel |= value << shift;
    return pixel;
  }

  // The group's channels of two pixels (nothing in other bytes) added
  // channel by channel, modulo 2^Bits: 5-bit sums cannot carry out of their
  // byte, 8-bit ones add their low 7 bits and flip the top bit.
  static std::uint32_t add_channels(std::uint32_t a, std::uint32_t b) {
    if constexpr (Bits < 8) {
      return (a + b) & in_each_channel(family.max_value);
    } else {
      constexpr std::uint32_t low = in_each_channel(0x7f);
      return ((a & low) + (b & low)) ^ ((a ^ b) & in_each_channel(0x80));
    }
  }

  // (a + b) / 2 rounded down in every channel, a and b as above.
  static std::uint32_t mean_channels(std::uint32_t a, std::uint32_t b) {
    return (a & b) + (((a ^ b) & in_each_channel(0xfe)) >> 1);
  }

  static bool same_pixel(std::uint32_t a, std::uint32_t b) { return ((a ^ b) & Channels::pixel_mask) == 0; }

  static void store(std::uint32_t& to, std::uint32_t bits) {
    if constexpr (Channels::writes_first)
      to = bits;
    else
      to |= bits;
  }

  // A pixel's context: the bucket of each channel's previous residual (that
  // of the left pixel, or after a run what the rows above left there), 3
  // bits a channel, the first channel highest.
  static constexpr unsigned context_shift(unsigned channel) { return 3 * (count - 1 - channel); }
  static unsigned bucket_in(unsigned context, unsigned channel) { return context >> context_shift(channel) & 7; }
  unsigned context_of(const channel_values& residuals) const {
    unsigned context = 0;
    for_each_channel<count>([&](auto i) __attribute__((always_inline)) { context |= context_part_[i][residuals[i]]; });
    return context;
  }

  // What a segment runs on, in registers: the bit reader, the context, the
  // left pixel's channels of this group and the pixels to go until the next
  // model update. The context is packed (context_of) for the table loop,
  // the channels' residuals for the channel-by-channel loop.
  template <bool by_table>
  struct cursor {
    bit_reader bits;
    std::conditional_t<by_table, unsigned, channel_values> context;
    std::uint32_t left;
    unsigned pixels_to_skip;
  };

  // residuals_[4 * (x + 1) + i]: channel i's residual of pixel x, or
  // x = -1: the row's first context. Run pixels leave theirs as the rows
  // above left them.
  channel_values residuals_at(unsigned x) const {
    channel_values values;
    for_each_channel<count>([&](auto i) __attribute__((always_inline)) { values[i] = residuals_[4 * x + i]; });
    return values;
  }

  template <bool by_table>
  auto context_at(unsigned x) const {
    if constexpr (by_table)
      return context_of(residuals_at(x));
    else
      return residuals_at(x);
  }

  template <bool by_table>
  cursor<by_table> begin(const bit_reader& in, const std::uint32_t* row, unsigned x) const {
    return cursor<by_table>{in, context_at<by_table>(x), x == 0 ? 0 : row[x - 1] & Channels::pixel_mask,
                            state_.pixels_to_skip()};
  }

  template <class Cursor>
  void finish(const Cursor& at, bit_reader& in) {
    in = at.bits;
    state_.set_pixels_to_skip(at.pixels_to_skip);
  }

  // RGB pixels may be decoded whole (pixel_code_table, which packs its
  // differences in rgb_channels' places): block_of_context_ points at the
  // table block for the channels' codes in a context (the uncovered block
  // when a code is too big for the table). A table entry holds the next
  // context, so from one pixel to the next it is two loads.
  static constexpr bool whole_pixels = std::is_same_v<Channels, rgb_channels>;

  const std::uint64_t* block_of(unsigned context) const {
    unsigned block = 0, codes = 0;
    for (unsigned channel = 0; channel < count; ++channel) {
      const unsigned code = code_of_context_[channel][context];
      block += code << (2 - channel);
      codes |= code;
    }
    if (codes >= pixel_code_table::small_codes)
      block = pixel_code_table::uncovered_block;
    return pixel_codes_of<Bits>.entries.data() + block * pixel_code_table::block;
  }

  // Decodes pixel x from `prediction` (the group's channels of a pixel),
  // whole by the table where it can (by_table), else channel by channel.
  template <bool far_from_end, bool by_table>
  [[gnu::always_inline]] void decode_pixel(cursor<by_table>& at, std::uint32_t* row, std::uint8_t* residuals,
                                           unsigned x, std::uint32_t prediction) {
    channel_values residual;
    std::uint32_t difference = 0;
    std::uint8_t* const residuals_of_x = residuals + 4 * (std::size_t{x} + 1);
    if constexpr (by_table) {
      unsigned next_context = 0;
      const std::uint64_t entry =
          block_of_context_[at.context][at.bits.peek64() >> (64 - pixel_code_table::lookahead_bits)];
      if (__builtin_expect(entry != 0, 1)) {
        using entry_layout = pixel_code_table;
        at.bits.template skip<far_from_end>(entry >> entry_layout::length_shift & entry_layout::length_mask);
        store_bytes(residuals_of_x, static_cast<std::uint32_t>(entry >> entry_layout::residual_shift));
        difference =
            static_cast<std::uint32_t>(entry >> entry_layout::difference_shift & entry_layout::difference_mask);
        next_context = static_cast<unsigned>(entry & entry_layout::context_mask);
      } else {
        for_each_channel<count>([&](auto i) __attribute__((always_inline)) {
          residual[i] = read_residual<Bits, far_from_end>(at.bits, code_of_context_[i][at.context], escape_bits_seen_);
          residuals_of_x[i] = static_cast<std::uint8_t>(residual[i]);
          difference |= unfold_at_[i][residual[i]];
          next_context |= context_part_[i][residual[i]];
        });
      }
      at.left = add_channels(difference, prediction);
      store(row[x], at.left);
      if (at.pixels_to_skip != 0) {
        --at.pixels_to_skip;
      } else {
        at.pixels_to_skip = state_.next_update_spacing();
        // (Read back: unpacking the table's residuals is only worth it here.)
        update(at.context, residuals_of_x);
      }
      at.context = next_context;
    } else {
      // Each channel's code waits only for that channel's previous residual.
      for_each_channel<count>([&](auto i) __attribute__((always_inline)) {
        residual[i] = read_residual<Bits, far_from_end>(at.bits, code_of_[i][at.context[i]], escape_bits_seen_);
        residuals_of_x[i] = static_cast<std::uint8_t>(residual[i]);
        difference |= unfold_at_[i][residual[i]];
      });
      at.left = add_channels(difference, prediction);
      store(row[x], at.left);
      if (at.pixels_to_skip != 0) {
        --at.pixels_to_skip;
      } else {
        at.pixels_to_skip = state_.next_update_spacing();
        update(residuals_of_x - 4);
      }
      at.context = residual;
    }
  }

  // Which loop decodes the next row: the table's, if at the model updates of
  // the rows before the table covered the pixel's codes often enough.
  bool by_table_next_row() {
    const bool by_table = covered_samples_ * 4 >= samples_ * 3;
    if (samples_ >= 64) {  // the rows before weigh less and less
      samples_ /= 2;
      covered_samples_ /= 2;
    }
    return by_table;
  }

  void sample_table(bool covered) {
    ++samples_;
    covered_samples_ += covered;
  }

  static const std::uint64_t* uncovered_block() {
    return pixel_codes_of<Bits>.entries.data() + pixel_code_table::uncovered_block * pixel_code_table::block;
  }

  // The buckets of `context` learn the pixel's `residuals` (see residuals_at).
  // Not inlined: inlined into the pixel loop, it left GCC too few registers
  // there and the bit window and the context went through the stack on every
  // pixel.
  [[gnu::noinline]] void update(unsigned context, const std::uint8_t* residuals) {
    sample_table(block_of_context_[context] != uncovered_block());
    for_each_channel<count>([&](auto i) __attribute__((always_inline)) {
      update<true>(i, bucket_in(context, i), residuals[i]);
    });
  }

  // The same for the channel loop, whose context is the residuals before
  // `residuals` (see residuals_at). Not inlined either, for the same reason.
  [[gnu::noinline]] void update(const std::uint8_t* context_then_residuals) {
    const std::uint8_t* residuals = context_then_residuals + 4;
    if constexpr (whole_pixels) {
      unsigned codes = 0;
      for_each_channel<count>(
          [&](auto i) __attribute__((always_inline)) { codes |= code_of_[i][context_then_residuals[i]]; });
      sample_table(codes < pixel_code_table::small_codes);
    }
    for_each_channel<count>([&](auto i) __attribute__((always_inline)) {
      update<false>(i, family.bucket_of[context_then_residuals[i]], residuals[i]);
    });
  }

  // Bucket `which` of `channel` learns `residual`; the codes of the residuals
  // with that bucket follow its best code, and so do the contexts' codes and
  // blocks in the table loop (the channel loop leaves them to be refreshed
  // when the table loop next runs: photos change best codes often).
  template <bool by_table>
  void update(unsigned channel, unsigned which, unsigned residual) {
    bucket& b = buckets_[channel][which];
    const unsigned before = b.best_code;
    state_.update<Bits>(b, residual);
    if (b.best_code == before)
      return;
    std::fill(code_of_[channel].begin() + family.bucket_start[which],
              code_of_[channel].begin() + family.bucket_start[which + 1], static_cast<std::uint8_t>(b.best_code));
    if constexpr (by_table)
      follow_best_code(channel, which, before);
    else
      contexts_stale_ = true;
  }

  // The contexts with bucket `which` of `channel` follow its new best code.
  [[gnu::noinline]] void follow_best_code(unsigned channel, unsigned which, unsigned before) {
    const bucket& b = buckets_[channel][which];
    const unsigned shift = context_shift(channel);
    [[maybe_unused]] const bool table_changes =
        b.best_code < pixel_code_table::small_codes || before < pixel_code_table::small_codes;
    for (unsigned others = 0; others < 1u << 3 * (count - 1); ++others) {  // the other channels' buckets
      const unsigned low = others & ((1u << shift) - 1);
      const unsigned context = (others - low) << 3 | which << shift | low;
      code_of_context_[channel][context] = static_cast<std::uint8_t>(b.best_code);
      if constexpr (whole_pixels)
        if (table_changes)
          block_of_context_[context] = block_of(context);
    }
  }

  // Every context's codes and block from the buckets' best codes.
  [[gnu::noinline]] void refresh_contexts() {
    for (unsigned context = 0; context < block_of_context_.size(); ++context) {
      for (unsigned channel = 0; channel < count; ++channel)
        code_of_context_[channel][context] =
            static_cast<std::uint8_t>(buckets_[channel][bucket_in(context, channel)].best_code);
      block_of_context_[context] = block_of(context);
    }
    contexts_stale_ = false;
  }

  // The first row predicts from the left neighbour only and has no runs.
  template <bool far_from_end, bool by_table>
  [[gnu::noinline]] void decode_first_row_segment(bit_reader& in, std::uint32_t* row, unsigned x, unsigned end) {
    auto at = begin<by_table>(in, row, x);  // the first pixel's left values are 0
    std::uint8_t* residuals = residuals_.data();
    for (; x < end; ++x)
      decode_pixel<far_from_end, by_table>(at, row, residuals, x, at.left);
    finish(at, in);
  }

  // Later rows predict from the mean of left and above (the first pixel from
  // above). A run may start at a pixel past the third whose two left
  // neighbours are equal while the pixel above equals its own left
  // neighbour; it repeats the left pixel.
  template <bool far_from_end, bool by_table>
  [[gnu::noinline]] row_status decode_segment(bit_reader& in, std::uint32_t* row, const std::uint32_t* above,
                                              unsigned x, unsigned end) {
    auto at = begin<by_table>(in, row, x);
    std::uint8_t* residuals = residuals_.data();
    if (x == 0) {
      decode_pixel<far_from_end, by_table>(at, row, residuals, x, above[0] & Channels::pixel_mask);
      ++x;
    }
    unsigned last_run_start = 0;  // an empty run must not start again at the same pixel
    while (x < end) {
      // The test that fails most often first (x >= 1 here).
      if (same_pixel(above[x - 1], above[x]) && x > 2 && x != last_run_start && same_pixel(row[x - 1], row[x - 2])) {
        unsigned length = 0;
        finish(at, in);
        if (!state_.read_run(in, end - x, length))
          return row_status::run_too_long;
        last_run_start = x;
        for (const unsigned run_end = x + length; x < run_end; ++x)
          store(row[x], at.left);
        // The left pixel stays (the run repeated it); the contexts are what
        // the rows above left.
        at.bits = in;
        at.context = context_at<by_table>(x);
        continue;
      }
      decode_pixel<far_from_end, by_table>(at, row, residuals, x,
                                           mean_channels(at.left, above[x] & Channels::pixel_mask));
      ++x;
    }
    finish(at, in);
    return row_status::ok;
  }

  unsigned width_;
  adaptive_state state_;
  std::array<std::array<bucket, max_bits_per_channel>, count> buckets_;
  // Context -> its pixel_code_table block (see whole_pixels).
  std::array<const std::uint64_t*, (whole_pixels ? 1u << 3 * count : 1)> block_of_context_;
  // Context -> the code of each channel (the best code of its bucket).
  std::array<std::array<std::uint8_t, 1u << 3 * count>, count> code_of_context_;
  // Residual -> the best code of its bucket, per channel (the channel loop's).
  std::array<std::array<std::uint8_t, 256>, count> code_of_;
  // Model updates seen, and those at which the table covered the context's
  // codes, for the choice of loop (by_table_next_row).
  unsigned samples_ = 0;
  unsigned covered_samples_ = 0;
  bool contexts_stale_ = false;  // see update
  // Residual -> its bucket in channel i's bits of a context.
  std::array<std::array<std::uint16_t, 256>, count> context_part_;
  // Residual -> its difference from the prediction, in channel i's byte.
  std::array<std::array<std::uint32_t, 256>, count> unfold_at_;
  std::vector<std::uint8_t> residuals_;  // see residuals_at
  std::uint64_t escape_bits_seen_ = 0;
};

}  // namespace vigil::protocol::quic_detail
