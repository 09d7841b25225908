// Internal: what every image decoder shares. Size limits, the error format
// ("<CODEC>: <what>"), row flipping for bottom-up images, and the bitmap row
// conversion behind decode_bitmap, which LZ_PLT (palette bytes after LZ) and
// LZ4 (plain rows after LZ4) reuse.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <sstream>
#include <vector>

#include "protocol/codecs/bitmap.hpp"
#include "protocol/codecs/decoded_image.hpp"
#include "protocol/result.hpp"

namespace vigil::protocol::codec_detail {

// Larger than any SPICE surface; keeps a forged header from allocating more
// than 1 GiB of pixels.
constexpr std::uint32_t max_image_side = 16384;

template <class... Parts>
parse_error codec_error(const char* codec, const Parts&... parts) {
  std::ostringstream text;
  text << codec << ": ";
  (text << ... << parts);
  return parse_error{text.str()};
}

// Width and height must be 1..max_image_side, and width * height at most
// `max_pixels` (the size the caller expects).
std::optional<parse_error> check_image_size(const char* codec, std::uint32_t width, std::uint32_t height,
                                            std::uint64_t max_pixels = max_image_pixels);

// Reverses the row order of a width x height pixel buffer in place.
void flip_rows(std::uint32_t* pixels, std::uint32_t width, std::uint32_t height);

// Bits per pixel of a SPICE_BITMAP_FMT_*, 0 for an unknown format.
std::uint32_t bitmap_bits_per_pixel(std::uint8_t format);

// decode_bitmap with `codec` naming the caller in errors. `size` must be
// exactly stride * height.
result<decoded_image> convert_bitmap_rows(const char* codec, const bitmap_layout& layout,
                                          const std::uint8_t* data, std::size_t size,
                                          const std::vector<std::uint32_t>& palette);

}  // namespace vigil::protocol::codec_detail
