// QUIC decoder. Stream layout: five 32-bit little-endian header words (magic
// "QUIC", version 0, image type, width, height), then the pixels row by row as
// one bit stream of 32-bit little-endian words, most significant bit first.
// Every row of an RGB image codes R, G and B of each pixel in turn; RGBA codes
// each row's RGB and then that row's alpha. The model is in quic_model.hpp.
#include "protocol/codecs/quic.hpp"

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
  static constexpr std::array<unsigned, 3> shifts = {16, 8, 0};  // coded in the order R, G, B
  static constexpr std::uint32_t pixel_mask = 0x00ffffff;
  static constexpr const char* name = "RGB";
};

struct alpha_channel {
  static constexpr unsigned count = 1;
  static constexpr std::array<unsigned, 1> shifts = {24};
  static constexpr std::uint32_t pixel_mask = 0xff000000;
  static constexpr const char* name = "alpha";
};

enum class row_status { ok, run_too_long };

// Decodes one group of channels, row by row, into pixels that start at 0 in
// those bits. Rows of several groups (RGBA) interleave in stream order.
template <class Channels>
class channel_group_decoder {
public:
  channel_group_decoder(const code_family& family, unsigned width) : family_(family), width_(width) {
    for (channel& c : channels_) {
      c.residuals.assign(width + 1, 0);
      for (bucket& b : c.buckets)
        b.best_code = family.bits_per_channel - 1;
    }
  }

  // `above` is the previous row, or null for the first row.
  row_status decode_row(bit_reader& in, std::uint32_t* row, const std::uint32_t* above) {
    // The first pixel's context is the first residual of the row above.
    for (channel& c : channels_)
      c.residuals[0] = above ? c.residuals[1] : 0;
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
  bool saw_invalid_residual() const { return residual_bits_seen_ > family_.max_value; }

private:
  struct channel {
    // residuals[x + 1] is pixel x's residual; residuals[0] the first pixel's
    // context. Run pixels leave their entries as the rows above left them.
    std::vector<std::uint8_t> residuals;
    std::array<bucket, max_bits_per_channel> buckets;
  };

  static unsigned value_at(std::uint32_t pixel, unsigned shift) { return (pixel >> shift) & 0xff; }

  static bool same_pixel(std::uint32_t a, std::uint32_t b) { return ((a ^ b) & Channels::pixel_mask) == 0; }

  // Decodes pixel x given each channel's prediction from `predict(shift)`.
  template <class Predict>
  void decode_pixel(bit_reader& in, std::uint32_t* row, unsigned x, Predict predict) {
    std::uint32_t pixel = 0;
    for (unsigned i = 0; i < Channels::count; ++i) {
      channel& c = channels_[i];
      const unsigned code = c.buckets[family_.bucket_of[c.residuals[x]]].best_code;
      const unsigned residual = read_residual(in, family_, code);
      residual_bits_seen_ |= residual;
      const unsigned kept = residual & family_.max_value;
      c.residuals[x + 1] = static_cast<std::uint8_t>(kept);
      const unsigned shift = Channels::shifts[i];
      pixel |= ((family_.unfold[kept] + predict(shift)) & family_.max_value) << shift;
    }
    row[x] |= pixel;
    if (state_.update_due())
      for (channel& c : channels_)
        state_.update(c.buckets[family_.bucket_of[c.residuals[x]]], c.residuals[x + 1], family_);
  }

  // The first row predicts from the left neighbour only and has no runs.
  void decode_first_row_segment(bit_reader& in, std::uint32_t* row, unsigned x, unsigned end) {
    if (x == 0)
      decode_pixel(in, row, x++, [](unsigned) { return 0u; });
    for (; x < end; ++x)
      decode_pixel(in, row, x, [&](unsigned shift) { return value_at(row[x - 1], shift); });
  }

  // Later rows predict from the mean of left and above. A run may start at a
  // pixel past the third whose two left neighbours are equal while the pixel
  // above equals its own left neighbour; it repeats the left pixel.
  row_status decode_segment(bit_reader& in, std::uint32_t* row, const std::uint32_t* above, unsigned x,
                            unsigned end) {
    if (x == 0)
      decode_pixel(in, row, x++, [&](unsigned shift) { return value_at(above[0], shift); });
    unsigned last_run_start = 0;  // an empty run must not start again at the same pixel
    while (x < end) {
      if (x > 2 && x != last_run_start && same_pixel(above[x - 1], above[x]) &&
          same_pixel(row[x - 1], row[x - 2])) {
        unsigned length = 0;
        if (!state_.read_run(in, end - x, length))
          return row_status::run_too_long;
        last_run_start = x;
        const std::uint32_t repeated = row[x - 1] & Channels::pixel_mask;
        for (const unsigned run_end = x + length; x < run_end; ++x)
          row[x] |= repeated;
        continue;
      }
      decode_pixel(in, row, x, [&](unsigned shift) {
        return (value_at(row[x - 1], shift) + value_at(above[x], shift)) >> 1;
      });
      ++x;
    }
    return row_status::ok;
  }

  const code_family& family_;
  unsigned width_;
  adaptive_state state_;
  std::array<channel, Channels::count> channels_;
  unsigned residual_bits_seen_ = 0;
};

// What went wrong in a finished row of one channel group, or null. Running
// out of input is named first: it explains any garbage decoded after it.
template <class Channels>
const char* row_problem(const bit_reader& in, const channel_group_decoder<Channels>& group, row_status status) {
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
void expand_rgb16(std::vector<std::uint32_t>& pixels) {
  for (std::uint32_t& pixel : pixels) {
    std::uint32_t expanded = 0;
    for (unsigned shift : rgb_channels::shifts) {
      const std::uint32_t value = (pixel >> shift) & 0x1f;
      expanded |= (value << 3 | value >> 2) << shift;
    }
    pixel = expanded;
  }
}

}  // namespace

result<decoded_image> decode_quic(const std::uint8_t* data, std::size_t size, std::uint64_t max_pixels) {
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

  const bool has_alpha = type == image_type::rgba;
  const std::uint64_t needed_bits =
      minimum_bits(3, width, height) + (has_alpha ? minimum_bits(1, width, height) : 0);
  const std::uint64_t available_bits = 8 * static_cast<std::uint64_t>(size - header_bytes);
  if (available_bits < needed_bits)
    return parse_error{"QUIC: stream of " + std::to_string(size) + " bytes too short for a " +
                       std::to_string(width) + "x" + std::to_string(height) + " " + type_name(type) +
                       " image (needs at least " + std::to_string(needed_bits) + " bits of pixel data)"};

  decoded_image image;
  image.width = width;
  image.height = height;
  image.has_alpha = has_alpha;
  try {
    image.pixels.assign(static_cast<std::size_t>(width) * height, 0);
  } catch (const std::bad_alloc&) {
    return parse_error{"QUIC: cannot allocate " + std::to_string(width) + "x" + std::to_string(height) + " pixels"};
  }

  bit_reader in(data + header_bytes, (size - header_bytes) / 4);
  const code_family& family = type == image_type::rgb16 ? family_5bpc() : family_8bpc();
  channel_group_decoder<rgb_channels> rgb(family, width);
  std::optional<channel_group_decoder<alpha_channel>> alpha;
  if (has_alpha)
    alpha.emplace(family, width);

  for (std::uint32_t y = 0; y < height; ++y) {
    std::uint32_t* row = image.pixels.data() + static_cast<std::size_t>(y) * width;
    const std::uint32_t* above = y == 0 ? nullptr : row - width;
    const row_status rgb_status = rgb.decode_row(in, row, above);
    if (const char* problem = row_problem(in, rgb, rgb_status))
      return row_error(problem, y, height, rgb_channels::name);
    if (alpha) {
      const row_status alpha_status = alpha->decode_row(in, row, above);
      if (const char* problem = row_problem(in, *alpha, alpha_status))
        return row_error(problem, y, height, alpha_channel::name);
    }
  }
  if (type == image_type::rgb16)
    expand_rgb16(image.pixels);
  return image;
}

}  // namespace vigil::protocol
