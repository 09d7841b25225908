// Uncompressed SPICE bitmaps (SPICE_IMAGE_TYPE_BITMAP) in every
// SPICE_BITMAP_FMT_*: 1/4/8-bit paletted (LE and BE bit order), 16-bit 555,
// 24-bit, 32-bit xRGB, RGBA and 8-bit alpha.
#pragma once

#include <cstdint>
#include <vector>

#include "protocol/codecs/decoded_image.hpp"
#include "protocol/result.hpp"

namespace vigil::protocol {

struct bitmap_layout {
  std::uint8_t format = 0;  // SPICE_BITMAP_FMT_*
  bool top_down = false;    // SPICE_BITMAP_FLAGS_TOP_DOWN; else rows are bottom-up
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::uint32_t stride = 0;  // bytes per row in `data`
};

// `data` holds the pixel rows (the message's data chunks joined: exactly
// stride * height bytes); `palette` (0x00RRGGBB entries) is needed for the
// paletted formats only. A 1-bit bitmap without palette is a mask (QMask):
// set bits become opaque white 0xFFFFFFFF, clear bits 0, has_alpha true.
result<decoded_image> decode_bitmap(const bitmap_layout& layout, const std::uint8_t* data, std::size_t size,
                                    const std::vector<std::uint32_t>& palette);

}  // namespace vigil::protocol
