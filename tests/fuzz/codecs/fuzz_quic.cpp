// Fuzzes the QUIC decoder with arbitrary streams. Seeds: small QUIC images
// captured from the libspice-server test server (tests/data/codecs/quic), and
// copies of one with the header's type changed to reach the RGB16, RGB24 and
// RGBA paths. Seeds stay under 4 KB so libFuzzer's default max_len keeps
// claimed image sizes (and so allocations) modest. A stream that decodes is
// decoded again into garbage-filled rows with a stride (as into a surface).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "../fuzz_check.hpp"
#include "protocol/codecs/quic.hpp"

using namespace vigil::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto decoded = decode_quic(data, size);
  if (!decoded.ok()) {
    FUZZ_CHECK(decoded.error().message.rfind("QUIC: ", 0) == 0);
    return 0;
  }
  // Only a well-formed header gets this far: its fields are the image's.
  FUZZ_CHECK(size >= 20 && size % 4 == 0);
  FUZZ_CHECK(decoded->width == (data[12] | data[13] << 8 | data[14] << 16 | std::uint32_t{data[15]} << 24));
  FUZZ_CHECK(decoded->height == (data[16] | data[17] << 8 | data[18] << 16 | std::uint32_t{data[19]} << 24));
  FUZZ_CHECK(decoded->width >= 1 && decoded->width <= 16384 && decoded->height >= 1 && decoded->height <= 16384);
  FUZZ_CHECK(decoded->pixels.size() == std::size_t{decoded->width} * decoded->height);
  FUZZ_CHECK(decoded->has_alpha == (data[8] == 5));
  if (!decoded->has_alpha)
    for (const std::uint32_t pixel : decoded->pixels)
      FUZZ_CHECK((pixel >> 24) == 0);
  // Into rows that hold garbage, with a gap between them (a surface): the
  // same pixels, and nothing outside the rows written.
  const std::size_t width = decoded->width, height = decoded->height, stride = width + 3;
  std::vector<std::uint32_t> rows(stride * height, 0xa5a5a5a5u);
  const auto header = read_quic_header(data, size);
  FUZZ_CHECK(header.ok() && !decode_quic_rows(data, size, *header, rows.data(), stride));
  for (std::size_t y = 0; y < height; ++y)
    for (std::size_t x = 0; x < stride; ++x)
      FUZZ_CHECK(rows[y * stride + x] == (x < width ? decoded->pixels[y * width + x] : 0xa5a5a5a5u));
  return 0;
}
