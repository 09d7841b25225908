// Pixel buffers shared by the scenes, the QXL command builders and the
// reference framebuffer: 32-bit 0x00RRGGBB (SPICE_BITMAP_FMT_32BIT and
// SPICE_SURFACE_FMT_32_xRGB in memory), rows top-down, no padding.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vigil::test_server {

struct rect {
  int left = 0;
  int top = 0;
  int right = 0;   // exclusive
  int bottom = 0;  // exclusive
  int width() const { return right - left; }
  int height() const { return bottom - top; }
  bool empty() const { return right <= left || bottom <= top; }
};

rect intersection(const rect& a, const rect& b);

constexpr std::uint32_t xrgb(int r, int g, int b) {
  return (static_cast<std::uint32_t>(r & 0xff) << 16) | (static_cast<std::uint32_t>(g & 0xff) << 8) |
         static_cast<std::uint32_t>(b & 0xff);
}

// A glyph of a QXL_DRAW_TEXT string: `data` holds `height` rows of
// `bits_per_pixel` coverage values (1: MSB first; 4: high nibble first; 8),
// each row padded to a byte, the BOTTOM row first (as spice-common's canvas
// reads them). Its top-left pixel is (x + origin_x, y + origin_y).
struct raster_glyph {
  int x = 0, y = 0;  // render_pos
  int origin_x = 0, origin_y = 0;
  int width = 0, height = 0;
  std::vector<std::uint8_t> data;
};
struct glyph_run {
  int bits_per_pixel = 1;  // 1, 4 or 8
  std::vector<raster_glyph> glyphs;
};

struct pixel_image {
  int width = 0;
  int height = 0;
  std::vector<std::uint32_t> pixels;

  pixel_image() = default;
  pixel_image(int w, int h, std::uint32_t fill = 0);
  std::uint32_t& at(int x, int y) { return pixels[static_cast<std::size_t>(y) * width + x]; }
  const std::uint32_t& at(int x, int y) const { return pixels[static_cast<std::size_t>(y) * width + x]; }
  rect bounds() const { return rect{0, 0, width, height}; }
  pixel_image crop(const rect& area) const;

  // What each QXL command does to its destination, applied in command order.
  void fill(const rect& area, std::uint32_t color);
  void paste(int x, int y, const pixel_image& source);  // clipped to this image
  void copy_within(const rect& destination, int source_x, int source_y);  // QXL_COPY_BITS
  // QXL_DRAW_ROP3 with a solid brush: bit (P << 2 | S << 1 | D) of `code`
  // gives each result bit (clipped to this image).
  void rop3(int x, int y, const pixel_image& source, std::uint32_t brush, std::uint8_t code);
  // QXL_DRAW_TEXT with solid brushes, within `box`: `back_area` (if not
  // empty) becomes `back`, then `fore` goes over the glyphs' coverage (the
  // largest where glyphs overlap; 4-bit values count as value * 16): each
  // channel f*a/255 + d*(255-a)/255, each product rounded as pixman does.
  void text(const rect& box, const glyph_run& run, std::uint32_t fore, const rect& back_area, std::uint32_t back);
};

// Binary PPM (P6, RGB, maxval 255). Returns false and sets `error` on failure.
bool write_ppm(const pixel_image& image, const std::string& path, std::string& error);

}  // namespace vigil::test_server
