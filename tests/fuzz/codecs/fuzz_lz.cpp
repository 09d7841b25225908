// Fuzzes LZ_RGB (and its decoding straight into rows) and LZ_PLT. Input: a selector byte (bit 0: LZ_PLT; bits 1-7:
// palette entries), then the LZ payload. Seeds: LZ images from QEMU and the
// test server (tests/data/codecs/lz) and small streams of every image type.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "../fuzz_check.hpp"
#include "protocol/codecs/lz.hpp"

using namespace vigil::protocol;

namespace {
std::uint32_t be32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1)
    return 0;
  const bool paletted = data[0] & 1;
  std::vector<std::uint32_t> palette(data[0] >> 1);
  for (std::size_t i = 0; i < palette.size(); ++i)
    palette[i] = static_cast<std::uint32_t>(i * 0x010203u);
  const std::uint8_t* payload = data + 1;
  const std::size_t payload_size = size - 1;
  const auto decoded = paletted ? decode_lz_plt(payload, payload_size, palette) : decode_lz_rgb(payload, payload_size);
  if (!decoded.ok()) {
    FUZZ_CHECK(decoded.error().message.rfind(paletted ? "LZ_PLT: " : "LZ_RGB: ", 0) == 0);
    return 0;
  }
  FUZZ_CHECK(payload_size >= 28);
  FUZZ_CHECK(decoded->width == be32(payload + 12) && decoded->height == be32(payload + 16));
  FUZZ_CHECK(decoded->width >= 1 && decoded->width <= 16384 && decoded->height >= 1 && decoded->height <= 16384);
  FUZZ_CHECK(decoded->pixels.size() == std::size_t{decoded->width} * decoded->height);
  if (!decoded->has_alpha)
    for (const std::uint32_t pixel : decoded->pixels)
      FUZZ_CHECK((pixel >> 24) == 0);
  if (!paletted) {
    // Decoded straight into rows: the very same pixels (A8 is declined).
    std::vector<std::uint32_t> rows(decoded->pixels.size());
    const auto into = decode_lz_rgb_into(payload, payload_size, decoded->width, decoded->height, rows.data());
    FUZZ_CHECK(into.ok() && *into == !decoded->alpha_only);
    if (*into)
      FUZZ_CHECK(rows == decoded->pixels);
  }
  return 0;
}
