#include "pixels.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace vigil::test_server {

rect intersection(const rect& a, const rect& b) {
  rect both{std::max(a.left, b.left), std::max(a.top, b.top), std::min(a.right, b.right),
            std::min(a.bottom, b.bottom)};
  if (both.empty())
    return rect{};
  return both;
}

pixel_image::pixel_image(int w, int h, std::uint32_t fill_color)
    : width(w), height(h), pixels(static_cast<std::size_t>(w) * h, fill_color) {}

pixel_image pixel_image::crop(const rect& area) const {
  const rect inside = intersection(area, bounds());
  pixel_image result(inside.width(), inside.height());
  for (int y = 0; y < inside.height(); ++y)
    std::copy_n(&at(inside.left, inside.top + y), inside.width(), &result.at(0, y));
  return result;
}

void pixel_image::fill(const rect& area, std::uint32_t color) {
  const rect inside = intersection(area, bounds());
  for (int y = inside.top; y < inside.bottom; ++y)
    std::fill_n(&at(inside.left, y), inside.width(), color);
}

void pixel_image::paste(int x, int y, const pixel_image& source) {
  const rect inside = intersection(rect{x, y, x + source.width, y + source.height}, bounds());
  for (int row = inside.top; row < inside.bottom; ++row)
    std::copy_n(&source.at(inside.left - x, row - y), inside.width(), &at(inside.left, row));
}

void pixel_image::copy_within(const rect& destination, int source_x, int source_y) {
  // Copy the source out first: source and destination overlap when scrolling.
  const pixel_image source = crop(rect{source_x, source_y, source_x + destination.width(),
                                       source_y + destination.height()});
  paste(destination.left, destination.top, source);
}

void pixel_image::rop3(int x, int y, const pixel_image& source, std::uint32_t brush, std::uint8_t code) {
  const rect inside = intersection(rect{x, y, x + source.width, y + source.height}, bounds());
  for (int row = inside.top; row < inside.bottom; ++row)
    for (int column = inside.left; column < inside.right; ++column) {
      const std::uint32_t s = source.at(column - x, row - y);
      std::uint32_t& d = at(column, row);
      std::uint32_t out = 0;
      for (int bit = 0; bit < 24; ++bit) {  // x, R, G, B: the x byte stays 0
        const unsigned index = ((brush >> bit) & 1u) << 2 | ((s >> bit) & 1u) << 1 | ((d >> bit) & 1u);
        out |= static_cast<std::uint32_t>((code >> index) & 1u) << bit;
      }
      d = out;
    }
}

namespace {

int glyph_coverage(const raster_glyph& g, int bits_per_pixel, int column, int row_from_top) {
  const int row_bytes = (g.width * bits_per_pixel + 7) / 8;
  const std::uint8_t* row = g.data.data() + static_cast<std::size_t>(g.height - 1 - row_from_top) * row_bytes;
  if (bits_per_pixel == 1)
    return (row[column / 8] & (0x80 >> (column % 8))) ? 255 : 0;
  if (bits_per_pixel == 4)
    return column % 2 == 0 ? (row[column / 2] >> 4) * 16 : (row[column / 2] & 0x0f) * 16;
  return row[column];
}

// x * y / 255 rounded as pixman's 8-bit arithmetic does.
std::uint32_t times(std::uint32_t x, std::uint32_t y) {
  const std::uint32_t t = x * y + 0x80;
  return (t + (t >> 8)) >> 8;
}

}  // namespace

void pixel_image::text(const rect& box, const glyph_run& run, std::uint32_t fore, const rect& back_area,
                       std::uint32_t back) {
  const rect inside = intersection(box, bounds());
  fill(intersection(inside, back_area), back);
  for (int y = inside.top; y < inside.bottom; ++y)
    for (int x = inside.left; x < inside.right; ++x) {
      int a = 0;
      for (const raster_glyph& g : run.glyphs) {
        const int left = g.x + g.origin_x, top = g.y + g.origin_y;
        if (x >= left && x < left + g.width && y >= top && y < top + g.height)
          a = std::max(a, glyph_coverage(g, run.bits_per_pixel, x - left, y - top));
      }
      if (a == 0)
        continue;
      std::uint32_t& d = at(x, y);
      std::uint32_t out = 0;
      for (int shift = 0; shift < 24; shift += 8)
        out |= (times((fore >> shift) & 0xff, a) + times((d >> shift) & 0xff, 255 - a)) << shift;
      d = out;
    }
}

bool write_ppm(const pixel_image& image, const std::string& path, std::string& error) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) {
    error = path + ": " + std::strerror(errno);
    return false;
  }
  std::fprintf(file, "P6\n%d %d\n255\n", image.width, image.height);
  std::vector<unsigned char> row(static_cast<std::size_t>(image.width) * 3);
  for (int y = 0; y < image.height; ++y) {
    for (int x = 0; x < image.width; ++x) {
      const std::uint32_t pixel = image.at(x, y);
      row[x * 3 + 0] = static_cast<unsigned char>(pixel >> 16);
      row[x * 3 + 1] = static_cast<unsigned char>(pixel >> 8);
      row[x * 3 + 2] = static_cast<unsigned char>(pixel);
    }
    std::fwrite(row.data(), 1, row.size(), file);
  }
  const bool ok = std::fflush(file) == 0 && !std::ferror(file);
  std::fclose(file);
  if (!ok)
    error = path + ": write failed";
  return ok;
}

}  // namespace vigil::test_server
