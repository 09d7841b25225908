// Uncompressed SPICE bitmaps, and the row conversion LZ_PLT and LZ4 share
// (image_rows.hpp). Row layouts as spice-common's canvas reads them: 16-bit is
// little-endian x1r5g5b5, 24-bit is B,G,R, 32-bit is B,G,R,x, RGBA is
// B,G,R,A; 1- and 4-bit "LE" formats put the first pixel in the low bits.
#include "protocol/codecs/bitmap.hpp"

#include <spice/enums.h>

#include <algorithm>
#include <array>

#include "protocol/codecs/image_rows.hpp"

namespace vigil::protocol {
namespace codec_detail {
namespace {

// A palette index with no palette entry converts to this marker; real
// entries are masked to 0x00RRGGBB, so it cannot occur otherwise.
constexpr std::uint32_t missing_entry = 0xFF000000u;

const char* format_name(std::uint8_t format) {
  switch (format) {
    case SPICE_BITMAP_FMT_1BIT_LE: return "1BIT_LE";
    case SPICE_BITMAP_FMT_1BIT_BE: return "1BIT_BE";
    case SPICE_BITMAP_FMT_4BIT_LE: return "4BIT_LE";
    case SPICE_BITMAP_FMT_4BIT_BE: return "4BIT_BE";
    case SPICE_BITMAP_FMT_8BIT: return "8BIT";
    case SPICE_BITMAP_FMT_16BIT: return "16BIT";
    case SPICE_BITMAP_FMT_24BIT: return "24BIT";
    case SPICE_BITMAP_FMT_32BIT: return "32BIT";
    case SPICE_BITMAP_FMT_RGBA: return "RGBA";
    case SPICE_BITMAP_FMT_8BIT_A: return "8BIT_A";
    default: return "unknown";
  }
}

inline std::uint32_t expand_555(std::uint32_t v) {
  const std::uint32_t r = (v >> 10) & 31, g = (v >> 5) & 31, b = v & 31;
  return ((r << 3 | r >> 2) << 16) | ((g << 3 | g >> 2) << 8) | (b << 3 | b >> 2);
}

// The palette index of pixel x in a row of a paletted format.
inline std::uint32_t palette_index(std::uint8_t format, const std::uint8_t* row, std::uint32_t x) {
  switch (format) {
    case SPICE_BITMAP_FMT_1BIT_LE: return (row[x >> 3] >> (x & 7)) & 1;
    case SPICE_BITMAP_FMT_1BIT_BE: return (row[x >> 3] >> (7 - (x & 7))) & 1;
    case SPICE_BITMAP_FMT_4BIT_LE: return (x & 1) ? row[x >> 1] >> 4 : row[x >> 1] & 15;
    case SPICE_BITMAP_FMT_4BIT_BE: return (x & 1) ? row[x >> 1] & 15 : row[x >> 1] >> 4;
    default: return row[x];
  }
}

// Converts one row; returns the OR of the paletted values written so a
// missing palette entry is noticed once per image, not tested per pixel.
std::uint32_t convert_row(std::uint8_t format, const std::uint8_t* row, std::uint32_t width,
                          const std::uint32_t* table, std::uint32_t* out) {
  std::uint32_t seen = 0;
  switch (format) {
    case SPICE_BITMAP_FMT_1BIT_LE:
    case SPICE_BITMAP_FMT_1BIT_BE:
    case SPICE_BITMAP_FMT_4BIT_LE:
    case SPICE_BITMAP_FMT_4BIT_BE:
      for (std::uint32_t x = 0; x < width; ++x) {
        out[x] = table[palette_index(format, row, x)];
        seen |= out[x];
      }
      break;
    case SPICE_BITMAP_FMT_8BIT:
      for (std::uint32_t x = 0; x < width; ++x) {
        out[x] = table[row[x]];
        seen |= out[x];
      }
      break;
    case SPICE_BITMAP_FMT_16BIT:
      for (std::uint32_t x = 0; x < width; ++x)
        out[x] = expand_555(row[2 * x] | std::uint32_t{row[2 * x + 1]} << 8);
      break;
    case SPICE_BITMAP_FMT_24BIT:
      for (std::uint32_t x = 0; x < width; ++x)
        out[x] = row[3 * x] | std::uint32_t{row[3 * x + 1]} << 8 | std::uint32_t{row[3 * x + 2]} << 16;
      break;
    case SPICE_BITMAP_FMT_32BIT:
      for (std::uint32_t x = 0; x < width; ++x)
        out[x] = row[4 * x] | std::uint32_t{row[4 * x + 1]} << 8 | std::uint32_t{row[4 * x + 2]} << 16;
      break;
    case SPICE_BITMAP_FMT_RGBA:
      for (std::uint32_t x = 0; x < width; ++x)
        out[x] = row[4 * x] | std::uint32_t{row[4 * x + 1]} << 8 | std::uint32_t{row[4 * x + 2]} << 16 |
                 std::uint32_t{row[4 * x + 3]} << 24;
      break;
    default:  // SPICE_BITMAP_FMT_8BIT_A
      for (std::uint32_t x = 0; x < width; ++x)
        out[x] = std::uint32_t{row[x]} << 24;
      break;
  }
  return seen;
}

bool is_paletted(std::uint8_t format) {
  return format >= SPICE_BITMAP_FMT_1BIT_LE && format <= SPICE_BITMAP_FMT_8BIT;
}

}  // namespace

std::optional<parse_error> check_image_size(const char* codec, std::uint32_t width, std::uint32_t height,
                                            std::uint64_t max_pixels) {
  if (width == 0 || height == 0)
    return codec_error(codec, "empty image (", width, "x", height, ")");
  if (width > max_image_side || height > max_image_side)
    return codec_error(codec, "image size ", width, "x", height, " exceeds limit ", max_image_side, "x",
                       max_image_side);
  if (std::uint64_t{width} * height > max_pixels)
    return codec_error(codec, "image size ", width, "x", height, " is more than the ", max_pixels,
                       " pixels the image may have");
  return std::nullopt;
}

void flip_rows(std::uint32_t* pixels, std::uint32_t width, std::uint32_t height) {
  for (std::uint32_t top = 0, bottom = height - 1; top < bottom; ++top, --bottom)
    std::swap_ranges(pixels + std::size_t{top} * width, pixels + std::size_t{top + 1} * width,
                     pixels + std::size_t{bottom} * width);
}

std::uint32_t bitmap_bits_per_pixel(std::uint8_t format) {
  switch (format) {
    case SPICE_BITMAP_FMT_1BIT_LE:
    case SPICE_BITMAP_FMT_1BIT_BE: return 1;
    case SPICE_BITMAP_FMT_4BIT_LE:
    case SPICE_BITMAP_FMT_4BIT_BE: return 4;
    case SPICE_BITMAP_FMT_8BIT:
    case SPICE_BITMAP_FMT_8BIT_A: return 8;
    case SPICE_BITMAP_FMT_16BIT: return 16;
    case SPICE_BITMAP_FMT_24BIT: return 24;
    case SPICE_BITMAP_FMT_32BIT:
    case SPICE_BITMAP_FMT_RGBA: return 32;
    default: return 0;
  }
}

result<decoded_image> convert_bitmap_rows(const char* codec, const bitmap_layout& layout,
                                          const std::uint8_t* data, std::size_t size,
                                          const std::vector<std::uint32_t>& palette) {
  const std::uint8_t format = layout.format;
  const std::uint32_t bits = bitmap_bits_per_pixel(format);
  if (bits == 0)
    return codec_error(codec, "unknown bitmap format ", unsigned{format});
  if (auto bad = check_image_size(codec, layout.width, layout.height))
    return *bad;
  const std::uint64_t row_bytes = (std::uint64_t{layout.width} * bits + 7) / 8;
  if (layout.stride < row_bytes)
    return codec_error(codec, "stride ", layout.stride, " shorter than a ", format_name(format), " row of ",
                       layout.width, " pixels (", row_bytes, " bytes)");
  const std::uint64_t needed = std::uint64_t{layout.stride} * layout.height;
  if (size != needed)
    return codec_error(codec, "data holds ", size, " bytes, ", layout.height, " rows of stride ", layout.stride,
                       " need ", needed);

  decoded_image image;
  image.width = layout.width;
  image.height = layout.height;
  image.alpha_only = format == SPICE_BITMAP_FMT_8BIT_A;
  image.has_alpha = format == SPICE_BITMAP_FMT_RGBA || image.alpha_only;

  std::array<std::uint32_t, 256> table{};
  if (is_paletted(format)) {
    const std::size_t entries = std::size_t{1} << bits;
    const bool mask = bits == 1 && palette.empty();
    if (palette.empty() && !mask)
      return codec_error(codec, format_name(format), " bitmap without a palette");
    for (std::size_t i = 0; i < entries; ++i)
      table[i] = i < palette.size() ? palette[i] & 0x00FFFFFFu : missing_entry;
    if (mask) {
      // A 1-bit bitmap without palette is a mask (QMask): set bits opaque.
      table[0] = 0;
      table[1] = 0xFFFFFFFFu;
      image.has_alpha = true;
    }
  }

  image.pixels.resize(std::size_t{layout.width} * layout.height);
  std::uint32_t seen = 0;
  for (std::uint32_t row = 0; row < layout.height; ++row) {
    const std::uint32_t out_row = layout.top_down ? row : layout.height - 1 - row;
    seen |= convert_row(format, data + std::size_t{row} * layout.stride, layout.width, table.data(),
                        image.pixels.data() + std::size_t{out_row} * layout.width);
  }
  if (is_paletted(format) && !image.has_alpha && (seen & missing_entry)) {
    for (std::uint32_t row = 0; row < layout.height; ++row)
      for (std::uint32_t x = 0; x < layout.width; ++x) {
        const std::uint32_t index = palette_index(format, data + std::size_t{row} * layout.stride, x);
        if (index >= palette.size())
          return codec_error(codec, "pixel ", x, " of data row ", row, " uses palette index ", index, " beyond the ",
                             palette.size(), "-entry palette");
      }
  }
  return image;
}

}  // namespace codec_detail

result<decoded_image> decode_bitmap(const bitmap_layout& layout, const std::uint8_t* data, std::size_t size,
                                    const std::vector<std::uint32_t>& palette) {
  return codec_detail::convert_bitmap_rows("BITMAP", layout, data, size, palette);
}

}  // namespace vigil::protocol
