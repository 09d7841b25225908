// QUIC decoder. Stream layout: five 32-bit little-endian header words (magic
// "QUIC", version 0, image type, width, height), then the pixels row by row as
// one bit stream of 32-bit little-endian words, most significant bit first.
// Every row of an RGB image codes R, G and B of each pixel in turn; RGBA codes
// each row's RGB and then that row's alpha. The model is in quic_model.hpp.
#include "protocol/codecs/quic.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <new>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "protocol/codecs/quic_bitstream.hpp"
#include "protocol/codecs/quic_model.hpp"

namespace vigil::protocol {
namespace {

using namespace quic_detail;

constexpr std::uint32_t quic_magic = 0x43495551;  // "QUIC" read as a little-endian word
constexpr std::uint32_t quic_version = 0;         // major 0 in the high half, minor 0
constexpr std::size_t header_bytes = 5 * 4;
constexpr std::uint32_t max_dimension = 16384;

enum class image_type : std::uint32_t { gray = 1, rgb16 = 2, rgb24 = 3, rgb32 = 4, rgba = 5 };

const char* type_name(image_type type) {
  switch (type) {
    case image_type::gray: return "GRAY";
    case image_type::rgb16: return "RGB16";
    case image_type::rgb24: return "RGB24";
    case image_type::rgb32: return "RGB32";
    case image_type::rgba: return "RGBA";
  }
  return "?";
}

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
// order. The channel depth is a template parameter so that its mask is a
// constant: a member read after every pixel store would be reloaded (a
// 32-bit store may alias it).
template <class Channels, unsigned Bits>
class channel_group_decoder {
public:
  explicit channel_group_decoder(unsigned width)
      : family_(Bits == 8 ? family_8bpc() : family_5bpc()), width_(width), residuals_(width + 1, 0) {
    const auto initial_code = static_cast<std::uint8_t>(Bits - 1);
    for (auto& channel_buckets : buckets_)
      for (bucket& b : channel_buckets)
        b.best_code = initial_code;
    for (auto& code_of : code_of_)
      code_of.fill(initial_code);
  }

  // `above` is the previous row, or null for the first row.
  row_status decode_row(bit_reader& in, std::uint32_t* row, const std::uint32_t* above) {
    // The first pixel's context is the first residual of the row above.
    residuals_[0] = above ? residuals_[1] : 0;
    for (unsigned x = 0; x < width_;) {
      const unsigned end = x + state_.begin_segment(width_ - x);
      if (!above)
        decode_first_row_segment(in, row, x, end);
      else if (const row_status status = decode_segment(in, row, above, x, end); status != row_status::ok)
        return status;
      x = end;
    }
    return row_status::ok;
  }

  // True if an escape codeword named a residual the channel depth cannot have.
  bool saw_invalid_residual() const { return escape_bits_seen_ > max_value; }

private:
  static constexpr unsigned count = Channels::count;
  static constexpr unsigned max_value = (1u << Bits) - 1;
  using channel_values = std::array<unsigned, count>;

  static unsigned value_at(std::uint32_t pixel, unsigned shift) { return (pixel >> shift) & 0xff; }

  static bool same_pixel(std::uint32_t a, std::uint32_t b) { return ((a ^ b) & Channels::pixel_mask) == 0; }

  static void store(std::uint32_t& to, std::uint32_t bits) {
    if constexpr (Channels::writes_first)
      to = bits;
    else
      to |= bits;
  }

  // The residuals of pixel x (x = -1: the row's first context), channel i
  // in byte i. Run pixels leave theirs as the rows above left them.
  channel_values residuals_at(unsigned x) const {
    channel_values values;
    for_each_channel<count>([&](auto i) { values[i] = (residuals_[x] >> (8 * i)) & 0xff; });
    return values;
  }

  channel_values values_left_of(const std::uint32_t* row, unsigned x) const {
    channel_values values;
    for_each_channel<count>([&](auto i) { values[i] = x == 0 ? 0 : value_at(row[x - 1], Channels::shifts[i]); });
    return values;
  }

  // What a segment runs on, in registers: the bit reader, each channel's
  // context (the residual of the left pixel, or after a run what the rows
  // above left there) and left value, the pixels to go until the next model
  // update and the bits of every escape value (for the row's range check).
  struct cursor {
    bit_reader bits;
    channel_values context;
    channel_values left;
    unsigned pixels_to_skip;
    std::uint64_t escape_bits;
  };

  cursor begin(const bit_reader& in, const std::uint32_t* row, unsigned x) const {
    return cursor{in, residuals_at(x), values_left_of(row, x), state_.pixels_to_skip(), 0};
  }

  void finish(const cursor& at, bit_reader& in) {
    in = at.bits;
    state_.set_pixels_to_skip(at.pixels_to_skip);
    escape_bits_seen_ |= at.escape_bits;
  }

  // Decodes pixel x; channel i is predicted by `predict(i, left value)`.
  template <class Predict>
  [[gnu::always_inline]] void decode_pixel(cursor& at, std::uint32_t* row, unsigned x, Predict predict) {
    channel_values residual;
    std::uint32_t pixel = 0;
    std::uint32_t residual_bytes = 0;
    for_each_channel<count>([&](auto i) {
      residual[i] = read_residual(at.bits, family_, code_of_[i][at.context[i]], at.escape_bits);
      at.left[i] = (family_.unfold[residual[i]] + predict(i, at.left[i])) & max_value;
      pixel |= at.left[i] << Channels::shifts[i];
      residual_bytes |= residual[i] << (8 * i);
    });
    store(row[x], pixel);
    residuals_[x + 1] = residual_bytes;
    if (at.pixels_to_skip != 0) {
      --at.pixels_to_skip;
    } else {
      at.pixels_to_skip = state_.next_update_spacing();
      for_each_channel<count>([&](auto i) { update(i, at.context[i], residual[i]); });
    }
    at.context = residual;
  }

  // The bucket of `context` learns `residual`; code_of follows its best code.
  void update(unsigned channel, unsigned context, unsigned residual) {
    const unsigned which = family_.bucket_of[context];
    bucket& b = buckets_[channel][which];
    const unsigned before = b.best_code;
    state_.update(b, residual, family_);
    if (b.best_code != before)
      std::fill(code_of_[channel].begin() + family_.bucket_start[which],
                code_of_[channel].begin() + family_.bucket_start[which + 1], static_cast<std::uint8_t>(b.best_code));
  }

  // The first row predicts from the left neighbour only and has no runs.
  void decode_first_row_segment(bit_reader& in, std::uint32_t* row, unsigned x, unsigned end) {
    cursor at = begin(in, row, x);  // the first pixel's left values are 0
    for (; x < end; ++x)
      decode_pixel(at, row, x, [](auto, unsigned left) { return left; });
    finish(at, in);
  }

  // Later rows predict from the mean of left and above. A run may start at a
  // pixel past the third whose two left neighbours are equal while the pixel
  // above equals its own left neighbour; it repeats the left pixel.
  row_status decode_segment(bit_reader& in, std::uint32_t* row, const std::uint32_t* above, unsigned x,
                            unsigned end) {
    cursor at = begin(in, row, x);
    if (x == 0) {
      const std::uint32_t up = above[0];
      decode_pixel(at, row, x, [up](auto i, unsigned) { return value_at(up, Channels::shifts[i]); });
      ++x;
    }
    unsigned last_run_start = 0;  // an empty run must not start again at the same pixel
    while (x < end) {
      if (x > 2 && x != last_run_start && same_pixel(above[x - 1], above[x]) &&
          same_pixel(row[x - 1], row[x - 2])) {
        unsigned length = 0;
        finish(at, in);
        if (!state_.read_run(in, end - x, length))
          return row_status::run_too_long;
        last_run_start = x;
        const std::uint32_t repeated = row[x - 1] & Channels::pixel_mask;
        for (const unsigned run_end = x + length; x < run_end; ++x)
          store(row[x], repeated);
        // The left values stay (the run repeated them); the contexts are
        // what the rows above left.
        at = cursor{in, residuals_at(x), at.left, state_.pixels_to_skip(), 0};
        continue;
      }
      const std::uint32_t up = above[x];
      decode_pixel(at, row, x,
                   [up](auto i, unsigned left) { return (left + value_at(up, Channels::shifts[i])) >> 1; });
      ++x;
    }
    finish(at, in);
    return row_status::ok;
  }

  const code_family& family_;
  unsigned width_;
  adaptive_state state_;
  std::array<std::array<bucket, max_bits_per_channel>, count> buckets_;
  // Context residual -> the best code of its bucket, per channel: one load
  // instead of two on the path from one pixel's residual to the next one's code.
  std::array<std::array<std::uint8_t, 256>, count> code_of_;
  // residuals_[x + 1]: pixel x's residuals, channel i in byte i (see residuals_at).
  std::vector<std::uint32_t> residuals_;
  std::uint64_t escape_bits_seen_ = 0;
};

// What went wrong in a finished row of one channel group, or null. Running
// out of input is named first: it explains any garbage decoded after it.
template <class Channels, unsigned Bits>
const char* row_problem(const bit_reader& in, const channel_group_decoder<Channels, Bits>& group, row_status status) {
  if (in.overran())
    return "bitstream ended";
  if (status == row_status::run_too_long)
    return "run longer than the pixels left";
  if (group.saw_invalid_residual())
    return "escape codeword out of range";
  return nullptr;
}

parse_error row_error(const char* problem, unsigned row, unsigned height, const char* plane) {
  return parse_error{"QUIC: " + std::string(problem) + " in row " + std::to_string(row) + " of " +
                     std::to_string(height) + " (" + plane + " plane)"};
}

std::string hex32(std::uint32_t value) {
  char text[11];
  std::snprintf(text, sizeof text, "0x%08x", value);
  return text;
}

// The fewest bits any valid stream can spend on a channel group: every
// codeword is at least one bit, the first row has no runs, and the first
// three pixels of every later row are always coded.
std::uint64_t minimum_bits(unsigned channels, std::uint64_t width, std::uint64_t height) {
  const std::uint64_t later_row = (width < 3 ? width : 3) * channels + (width > 3 ? 1 : 0);
  return width * channels + (height - 1) * later_row;
}

std::uint32_t read_word(const std::uint8_t* data, std::size_t index) {
  const std::uint8_t* p = data + 4 * index;
  return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
         static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}

// 5-bit channels to 8 bits by repeating the top bits, as SPICE's own decoder does.
void expand_rgb16(std::uint32_t* row, std::uint32_t width) {
  for (std::uint32_t x = 0; x < width; ++x) {
    std::uint32_t& pixel = row[x];
    std::uint32_t expanded = 0;
    for (unsigned shift : rgb_channels::shifts) {
      const std::uint32_t value = (pixel >> shift) & 0x1f;
      expanded |= (value << 3 | value >> 2) << shift;
    }
    pixel = expanded;
  }
}

// Every row of the image, channel groups interleaved in stream order.
template <unsigned Bits>
std::optional<parse_error> decode_rows(const std::uint8_t* data, std::size_t size, const quic_header& header,
                                       std::uint32_t* rows, std::size_t stride) {
  const std::uint32_t height = header.height;
  bit_reader in(data + header_bytes, (size - header_bytes) / 4);
  channel_group_decoder<rgb_channels, Bits> rgb(header.width);
  std::optional<channel_group_decoder<alpha_channel, Bits>> alpha;
  if (header.has_alpha)
    alpha.emplace(header.width);

  for (std::uint32_t y = 0; y < height; ++y) {
    std::uint32_t* row = rows + y * stride;
    const std::uint32_t* above = y == 0 ? nullptr : row - stride;
    const row_status rgb_status = rgb.decode_row(in, row, above);
    if (const char* problem = row_problem(in, rgb, rgb_status))
      return row_error(problem, y, height, rgb_channels::name);
    if (alpha) {
      const row_status alpha_status = alpha->decode_row(in, row, above);
      if (const char* problem = row_problem(in, *alpha, alpha_status))
        return row_error(problem, y, height, alpha_channel::name);
    }
  }
  return std::nullopt;
}

}  // namespace

result<quic_header> read_quic_header(const std::uint8_t* data, std::size_t size, std::uint64_t max_pixels) {
  if (size < header_bytes)
    return parse_error{"QUIC: header truncated (need " + std::to_string(header_bytes) + " bytes, have " +
                       std::to_string(size) + ")"};
  if (const std::uint32_t magic = read_word(data, 0); magic != quic_magic)
    return parse_error{"QUIC: header field magic " + hex32(magic) + " is not \"QUIC\""};
  if (const std::uint32_t version = read_word(data, 1); version != quic_version)
    return parse_error{"QUIC: header field version " + std::to_string(version >> 16) + "." +
                       std::to_string(version & 0xffff) + " unsupported (only 0.0)"};
  const std::uint32_t type_field = read_word(data, 2);
  if (type_field < static_cast<std::uint32_t>(image_type::gray) ||
      type_field > static_cast<std::uint32_t>(image_type::rgba))
    return parse_error{"QUIC: header field type " + std::to_string(type_field) + " is not an image type"};
  const auto type = static_cast<image_type>(type_field);
  if (type == image_type::gray)
    return parse_error{"QUIC: image type GRAY is not used by SPICE and not supported"};
  const std::uint32_t width = read_word(data, 3);
  const std::uint32_t height = read_word(data, 4);
  for (const auto& [name, value] : {std::pair<const char*, std::uint32_t>{"width", width}, {"height", height}}) {
    if (value == 0)
      return parse_error{"QUIC: header field " + std::string(name) + " is 0"};
    if (value > max_dimension)
      return parse_error{"QUIC: header field " + std::string(name) + " " + std::to_string(value) +
                         " exceeds limit " + std::to_string(max_dimension)};
  }
  if (std::uint64_t{width} * height > max_pixels)
    return parse_error{"QUIC: image size " + std::to_string(width) + "x" + std::to_string(height) +
                       " is more than the " + std::to_string(max_pixels) + " pixels the image may have"};
  if (size % 4 != 0)
    return parse_error{"QUIC: stream size " + std::to_string(size) + " is not a whole number of 32-bit words"};

  quic_header header;
  header.width = width;
  header.height = height;
  header.has_alpha = type == image_type::rgba;
  header.five_bit_channels = type == image_type::rgb16;
  const std::uint64_t needed_bits =
      minimum_bits(3, width, height) + (header.has_alpha ? minimum_bits(1, width, height) : 0);
  const std::uint64_t available_bits = 8 * static_cast<std::uint64_t>(size - header_bytes);
  if (available_bits < needed_bits)
    return parse_error{"QUIC: stream of " + std::to_string(size) + " bytes too short for a " +
                       std::to_string(width) + "x" + std::to_string(height) + " " + type_name(type) +
                       " image (needs at least " + std::to_string(needed_bits) + " bits of pixel data)"};
  return header;
}

std::optional<parse_error> decode_quic_rows(const std::uint8_t* data, std::size_t size, const quic_header& header,
                                            std::uint32_t* rows, std::size_t stride) {
  if (header.five_bit_channels) {
    if (auto problem = decode_rows<5>(data, size, header, rows, stride))
      return problem;
    for (std::uint32_t y = 0; y < header.height; ++y)
      expand_rgb16(rows + y * stride, header.width);
    return std::nullopt;
  }
  return decode_rows<8>(data, size, header, rows, stride);
}

result<decoded_image> decode_quic(const std::uint8_t* data, std::size_t size, std::uint64_t max_pixels,
                                  pixel_pool* buffers) {
  auto header = read_quic_header(data, size, max_pixels);
  if (!header)
    return header.error();
  decoded_image image;
  image.width = header->width;
  image.height = header->height;
  image.has_alpha = header->has_alpha;
  try {
    const std::size_t pixel_count = std::size_t{image.width} * image.height;
    if (buffers)
      image.pixels = buffers->take(pixel_count);
    else
      image.pixels.resize(pixel_count);
  } catch (const std::bad_alloc&) {
    return parse_error{"QUIC: cannot allocate " + std::to_string(image.width) + "x" + std::to_string(image.height) +
                       " pixels"};
  }
  if (auto problem = decode_quic_rows(data, size, *header, image.pixels.data(), image.width))
    return *problem;
  return image;
}

}  // namespace vigil::protocol
