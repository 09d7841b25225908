// Fuzzes the LZ4 image decoder. Input: u16 width, u16 height (little-endian),
// then the SpiceLZ4Data payload. Seeds: the test server's LZ4 images
// (tests/data/codecs/lz4) and small multi-block images of each row format.
#include <cstddef>
#include <cstdint>

#include "../fuzz_check.hpp"
#include "protocol/codecs/lz4.hpp"

using namespace vigil::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 4)
    return 0;
  const std::uint32_t width = data[0] | std::uint32_t{data[1]} << 8;
  const std::uint32_t height = data[2] | std::uint32_t{data[3]} << 8;
  const auto decoded = decode_lz4(data + 4, size - 4, width, height);
  if (!decoded.ok()) {
    FUZZ_CHECK(decoded.error().message.rfind("LZ4: ", 0) == 0);
    return 0;
  }
  FUZZ_CHECK(decoded->width == width && decoded->height == height);
  FUZZ_CHECK(decoded->pixels.size() == std::size_t{width} * height);
  FUZZ_CHECK(decoded->has_alpha == (data[5] == 9 || data[5] == 10));  // RGBA, 8BIT_A
  if (!decoded->has_alpha)
    for (const std::uint32_t pixel : decoded->pixels)
      FUZZ_CHECK((pixel >> 24) == 0);
  return 0;
}
