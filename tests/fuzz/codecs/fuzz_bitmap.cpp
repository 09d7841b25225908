// Fuzzes uncompressed bitmaps. Input: u8 format, u8 flags (bit 2: top-down),
// u16 width, u16 height, u16 stride (little-endian), u8 palette entries, then
// the rows. Seeds: a QEMU bitmap (tests/data/codecs/bitmap) and small bitmaps
// of every format.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "../fuzz_check.hpp"
#include "protocol/codecs/bitmap.hpp"

using namespace vigil::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 9)
    return 0;
  bitmap_layout layout;
  layout.format = data[0];
  layout.top_down = data[1] & 4;
  layout.width = data[2] | std::uint32_t{data[3]} << 8;
  layout.height = data[4] | std::uint32_t{data[5]} << 8;
  layout.stride = data[6] | std::uint32_t{data[7]} << 8;
  std::vector<std::uint32_t> palette(data[8]);
  for (std::size_t i = 0; i < palette.size(); ++i)
    palette[i] = static_cast<std::uint32_t>(0xFF000000u | i * 0x030201u);
  const auto decoded = decode_bitmap(layout, data + 9, size - 9, palette);
  if (!decoded.ok()) {
    FUZZ_CHECK(decoded.error().message.rfind("BITMAP: ", 0) == 0);
    return 0;
  }
  FUZZ_CHECK(size - 9 == std::size_t{layout.stride} * layout.height);
  FUZZ_CHECK(decoded->width == layout.width && decoded->height == layout.height);
  FUZZ_CHECK(decoded->pixels.size() == std::size_t{layout.width} * layout.height);
  if (!decoded->has_alpha)
    for (const std::uint32_t pixel : decoded->pixels)
      FUZZ_CHECK((pixel >> 24) == 0);
  return 0;
}
