// Rows of 32-bit pixels that belong to someone else (a surface's), and the
// copy into them that every picture without alpha takes: its decoder's
// filler in each pixel's top byte (libjpeg and libyuv write 0xFF) becomes 0.
#pragma once

#include <cstddef>
#include <cstdint>

namespace vigil::protocol {

// Where a decoder writes a picture that goes straight into a surface (see
// canvas::frame_rows): the picture's row y (0: its top) starts at
// first + y * stride pixels; `stride` is negative when the rows land
// bottom-up. Each pixel is written as decoded_image's, with A 0.
struct pixel_rows {
  std::uint32_t* first = nullptr;
  std::ptrdiff_t stride = 0;
  std::uint32_t width = 0;
  std::uint32_t height = 0;
};

// to[i] = from[i] with its top byte 0, as fast as memcpy (GCC does not
// vectorise the plain loop at -O2). `to` may be `from` (in place).
void copy_clearing_alpha(std::uint32_t* to, const std::uint32_t* from, std::size_t count);

}  // namespace vigil::protocol
