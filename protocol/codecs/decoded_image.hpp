// What every image decoder produces: 32-bit pixels, top-down rows, each pixel
// a native uint32 0xAARRGGBB (in memory B, G, R, A: SPICE's 32-bit xRGB
// surface layout). has_alpha says whether A carries information; when false,
// decoders set A to 0 and callers ignore it.
#pragma once

#include <cstdint>
#include <vector>

namespace vigil::protocol {

// What a decoder may produce when its caller sets no smaller bound: 16384 x
// 16384. Callers pass the image's own size (its descriptor's, a stream's)
// as `max_pixels`, so a header that claims more is refused before anything
// is allocated for it.
constexpr std::uint64_t max_image_pixels = std::uint64_t{16384} * 16384;

struct decoded_image {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::vector<std::uint32_t> pixels;  // width * height, row-major, top row first
  bool has_alpha = false;
  // The image is alpha and nothing else (8BIT_A bitmaps, LZ's A8): RGB are 0.
  // spice-common keeps it as pixman a8, which its canvas does not count as
  // "an image with alpha" when it converts one for a 32-bit surface.
  bool alpha_only = false;
};

}  // namespace vigil::protocol
