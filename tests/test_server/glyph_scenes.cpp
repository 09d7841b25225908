// The glyphs scene: QXL_DRAW_TEXT as older Windows QXL drivers send it for
// ExtTextOut, with 1-, 4- and 8-bit glyph strings made from content.hpp's
// 5x7 font (4- and 8-bit ones anti-aliased by averaging 2x2 / 4x4 blocks).
#include <spice/enums.h>

#include <string_view>

#include "content.hpp"
#include "scenes.hpp"

namespace vigil::test_server {
namespace {

// The rows of `coverage` (0-255, width x height, top-down) as a glyph's
// bottom-up data in `bits_per_pixel`.
std::vector<std::uint8_t> glyph_rows(const std::vector<int>& coverage, int width, int height, int bits_per_pixel) {
  const int row_bytes = (width * bits_per_pixel + 7) / 8;
  std::vector<std::uint8_t> data(static_cast<std::size_t>(row_bytes) * height, 0);
  for (int row = 0; row < height; ++row) {
    std::uint8_t* out = data.data() + static_cast<std::size_t>(height - 1 - row) * row_bytes;
    for (int column = 0; column < width; ++column) {
      const int value = coverage[static_cast<std::size_t>(row) * width + column];
      if (bits_per_pixel == 1 && value >= 128)
        out[column / 8] |= static_cast<std::uint8_t>(0x80 >> (column % 8));
      else if (bits_per_pixel == 4)
        out[column / 2] |= static_cast<std::uint8_t>(column % 2 == 0 ? (value >> 4) << 4 : value >> 4);
      else if (bits_per_pixel == 8)
        out[column] = static_cast<std::uint8_t>(value);
    }
  }
  return data;
}

// `text` from (x, y) (the baseline's left end), each character one glyph
// whose origin lifts it above the baseline; `advance` below the glyph width
// makes neighbours overlap.
glyph_run text_run(std::string_view text, int x, int y, int bits_per_pixel, int scale, int advance) {
  const int sample = bits_per_pixel == 1 ? 1 : bits_per_pixel == 4 ? 2 : 4;  // supersampling a side
  glyph_run run;
  run.bits_per_pixel = bits_per_pixel;
  for (std::size_t index = 0; index < text.size(); ++index) {
    const int width = 5 * scale + 2, height = 7 * scale + 2;  // a pixel of margin each side
    pixel_image big(width * sample, height * sample);
    draw_text(big, sample, sample, text.substr(index, 1), xrgb(0xff, 0xff, 0xff), scale * sample);
    std::vector<int> coverage(static_cast<std::size_t>(width) * height);
    for (int row = 0; row < height; ++row)
      for (int column = 0; column < width; ++column) {
        int sum = 0;
        for (int dy = 0; dy < sample; ++dy)
          for (int dx = 0; dx < sample; ++dx)
            sum += big.at(column * sample + dx, row * sample + dy) & 0xff;
        coverage[static_cast<std::size_t>(row) * width + column] = sum / (sample * sample);
      }
    raster_glyph g;
    g.x = x + static_cast<int>(index) * advance;
    g.y = y;
    g.origin_x = -1;
    g.origin_y = -(height - 1);
    g.width = width;
    g.height = height;
    g.data = glyph_rows(coverage, width, height, bits_per_pixel);
    run.glyphs.push_back(std::move(g));
  }
  return run;
}

}  // namespace

std::vector<std::function<void(qxl_display&)>> glyph_steps() {
  std::vector<std::function<void(qxl_display&)>> steps;
  // A photo to draw on, so coverage between 0 and 255 blends visibly.
  steps.push_back([](qxl_display& display) {
    display.fill(0, display.reference(0).bounds(), xrgb(0x18, 0x20, 0x28));
    display.copy_image(0, 0, 0, photo_tile(1024, 384, 3));
  });
  // 1-bit, with a back area (a console line), and without one over the photo.
  steps.push_back([](qxl_display& display) {
    display.draw_text(0, rect{16, 16, 1000, 60}, text_run("VIGIL DRAWS TEXT 0123", 24, 52, 1, 4, 26),
                      xrgb(0xf0, 0xf0, 0xe0), rect{16, 16, 700, 60}, xrgb(0x10, 0x30, 0x70));
    display.draw_text(0, rect{0, 70, 1024, 120}, text_run("OVER A PHOTO: A1", 30, 110, 1, 5, 31),
                      xrgb(0x00, 0x00, 0x00), rect{}, 0);
  });
  // 4-bit anti-aliased, overlapping neighbours (advance below the width).
  steps.push_back([](qxl_display& display) {
    display.draw_text(0, rect{0, 130, 1024, 200}, text_run("ANTI-ALIASED A4", 20, 190, 4, 7, 33),
                      xrgb(0xff, 0xe0, 0x40), rect{}, 0);
  });
  // 4-bit over a back area, the box cutting the last glyphs.
  steps.push_back([](qxl_display& display) {
    display.draw_text(0, rect{0, 300, 820, 380}, text_run("A4 ON WHITE, CLIPPED", 600, 370, 4, 6, 30),
                      xrgb(0x20, 0x40, 0xa0), rect{590, 305, 1000, 375}, xrgb(0xff, 0xff, 0xff));
  });
  return steps;
}

// 8-bit glyphs. spice-common's canvas (spice-server's, the reference
// client's) reads 8-bit glyph rows one row off: from one past the last row
// down to the second (it warns "untested path A8 glyphs"), so the top row is
// whatever follows the glyph in memory. Vigil reads them as the 1- and 4-bit
// ones (bottom row first, every row once); this scene's reference does too,
// and spice-server's own rendering of it does not match.
std::vector<std::function<void(qxl_display&)>> glyph_a8_steps() {
  std::vector<std::function<void(qxl_display&)>> steps;
  steps.push_back([](qxl_display& display) {
    display.fill(0, display.reference(0).bounds(), xrgb(0x18, 0x20, 0x28));
    display.copy_image(0, 0, 0, photo_tile(1024, 384, 5));
  });
  // Over the photo and over a back area; the box cuts the last glyphs.
  steps.push_back([](qxl_display& display) {
    display.draw_text(0, rect{0, 210, 700, 290}, text_run("EIGHT BIT A8 CLIPPED", 20, 280, 8, 8, 44),
                      xrgb(0xff, 0xff, 0xff), rect{400, 220, 1024, 290}, xrgb(0x80, 0x10, 0x10));
    display.draw_text(0, rect{0, 300, 1024, 380}, text_run("OVERLAPPING", 40, 370, 8, 6, 28),
                      xrgb(0x20, 0xff, 0x60), rect{}, 0);
  });
  return steps;
}

}  // namespace vigil::test_server
