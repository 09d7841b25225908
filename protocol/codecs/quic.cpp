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
#include <cstring>
#include <new>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "protocol/codecs/quic_bitstream.hpp"
#include "protocol/codecs/quic_channel_group.hpp"
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
