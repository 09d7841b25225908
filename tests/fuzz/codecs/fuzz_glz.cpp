// Fuzzes GLZ_RGB and ZLIB_GLZ_RGB through one shared window, so matches into
// earlier images and eviction are exercised. Input: records of u16
// little-endian length (top bit: the record is a ZLIB_GLZ body) + payload.
// Seeds: image sequences from QEMU and the test server (tests/data/codecs/glz)
// and small sequences that match into earlier images.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "../fuzz_check.hpp"
#include "protocol/codecs/glz.hpp"

using namespace vigil::protocol;

namespace {
constexpr std::size_t max_window_pixels = 4 << 20;  // display.glz_window_pixels
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto pool = std::make_shared<fixed_memory_pool>(256u << 20);
  glz_window window(max_window_pixels, memory_account(pool, "fuzz"));
  std::size_t at = 0;
  while (size - at >= 2) {
    const std::uint32_t header = data[at] | std::uint32_t{data[at + 1]} << 8;
    const bool zlib = header & 0x8000;
    const std::size_t length = std::min<std::size_t>(header & 0x7FFF, size - at - 2);
    const std::uint8_t* payload = data + at + 2;
    at += 2 + length;
    const std::size_t images_before = window.images_held();
    const auto decoded =
        zlib ? decode_zlib_glz_rgb(payload, length, window) : decode_glz_rgb(payload, length, window);
    if (!decoded.ok()) {
      FUZZ_CHECK(decoded.error().message.rfind(zlib ? "ZLIB_GLZ: " : "GLZ: ", 0) == 0 ||
                 (zlib && decoded.error().message.rfind("GLZ: ", 0) == 0));
      FUZZ_CHECK(window.images_held() == images_before);
      continue;
    }
    FUZZ_CHECK(decoded->width >= 1 && decoded->width <= 16384 && decoded->height >= 1 && decoded->height <= 16384);
    FUZZ_CHECK(decoded->pixels.size() == std::size_t{decoded->width} * decoded->height);
    FUZZ_CHECK(window.bytes_held() <= 4 * max_window_pixels + 4 * decoded->pixels.size() + glz_window::image_overhead);
    // Idle decode buffers waiting for the next image are charged too.
    FUZZ_CHECK(pool->in_use() == window.bytes_held() + window.buffers()->bytes_idle());
    if (!decoded->has_alpha)
      for (const std::uint32_t pixel : decoded->pixels)
        FUZZ_CHECK((pixel >> 24) == 0);
  }
  window.clear();
  FUZZ_CHECK(pool->in_use() == window.buffers()->bytes_idle());
  FUZZ_CHECK(window.buffers()->buffers_idle() <= 2);
  return 0;
}
