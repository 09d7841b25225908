// Fuzzes JPEG and JPEG_ALPHA: every libjpeg failure must come back as an
// error (no exit(), no crash). Input: a selector byte (odd: JPEG_ALPHA body),
// then the payload. Seeds: a test server JPEG (tests/data/codecs/jpeg) alone
// and inside JPEG_ALPHA bodies with LZ alpha planes.
#include <cstddef>
#include <cstdint>

#include "../fuzz_check.hpp"
#include "protocol/codecs/jpeg.hpp"

using namespace vigil::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1)
    return 0;
  const bool with_alpha = data[0] & 1;
  const auto decoded = with_alpha ? decode_jpeg_alpha(data + 1, size - 1) : decode_jpeg(data + 1, size - 1);
  if (!decoded.ok()) {
    FUZZ_CHECK(decoded.error().message.rfind(with_alpha ? "JPEG_ALPHA: " : "JPEG: ", 0) == 0);
    return 0;
  }
  FUZZ_CHECK(decoded->width >= 1 && decoded->width <= 16384 && decoded->height >= 1 && decoded->height <= 16384);
  FUZZ_CHECK(decoded->pixels.size() == std::size_t{decoded->width} * decoded->height);
  FUZZ_CHECK(decoded->has_alpha == with_alpha);
  if (!with_alpha)
    for (const std::uint32_t pixel : decoded->pixels)
      FUZZ_CHECK((pixel >> 24) == 0);
  return 0;
}
