#include "protocol/glyph_raster.hpp"

#include <algorithm>
#include <string>

namespace vigil::protocol {
namespace {

// Coverage of pixel `column` of a glyph row.
std::uint8_t coverage(const std::uint8_t* row, std::uint32_t column, std::uint8_t bits_per_pixel) {
  switch (bits_per_pixel) {
    case 1: return (row[column / 8] >> (7 - column % 8)) & 1u ? 255 : 0;
    case 4: {
      const std::uint8_t pair = row[column / 2];
      return static_cast<std::uint8_t>(column % 2 == 0 ? pair & 0xf0u : (pair << 4) & 0xf0u);
    }
    default: return row[column];
  }
}

}  // namespace

glyph_bounds string_bounds(const glyph_string& string) {
  glyph_bounds bounds;
  bool first = true;
  for (const auto& glyph : string.glyphs) {
    const std::int64_t left = std::int64_t{glyph.render_position.x} + glyph.glyph_origin.x;
    const std::int64_t top = std::int64_t{glyph.render_position.y} + glyph.glyph_origin.y;
    const glyph_bounds box{left, top, left + glyph.width, top + glyph.height};
    if (box.empty())
      continue;
    if (first) {
      bounds = box;
      first = false;
      continue;
    }
    bounds.left = std::min(bounds.left, box.left);
    bounds.top = std::min(bounds.top, box.top);
    bounds.right = std::max(bounds.right, box.right);
    bounds.bottom = std::max(bounds.bottom, box.bottom);
  }
  return bounds;
}

result<glyph_coverage> rasterize_glyphs(const glyph_string& string, const rect& within, const memory_account& account) {
  glyph_coverage out;
  const glyph_bounds all = string_bounds(string);
  if (all.empty() || within.empty() || string.bits_per_pixel == 0)
    return out;
  const std::int64_t left = std::max<std::int64_t>(all.left, within.left);
  const std::int64_t top = std::max<std::int64_t>(all.top, within.top);
  const std::int64_t right = std::min<std::int64_t>(all.right, within.right);
  const std::int64_t bottom = std::min<std::int64_t>(all.bottom, within.bottom);
  if (right <= left || bottom <= top)
    return out;
  // Inside `within`, so each bound fits an int32.
  out.area = rect{static_cast<std::int32_t>(top), static_cast<std::int32_t>(left), static_cast<std::int32_t>(bottom),
                  static_cast<std::int32_t>(right)};
  const std::uint64_t width = static_cast<std::uint64_t>(right - left);
  const std::uint64_t size = width * static_cast<std::uint64_t>(bottom - top);
  auto charge = account.charge(size, "DRAW_TEXT glyph coverage (" + std::to_string(width) + "x" +
                                       std::to_string(bottom - top) + ")");
  if (!charge)
    return charge.error();
  out.charge = std::move(*charge);
  out.alpha.assign(static_cast<std::size_t>(size), 0);
  for (const auto& glyph : string.glyphs) {
    const std::int64_t glyph_left = std::int64_t{glyph.render_position.x} + glyph.glyph_origin.x;
    const std::int64_t glyph_top = std::int64_t{glyph.render_position.y} + glyph.glyph_origin.y;
    const std::int64_t from_x = std::max(glyph_left, left), to_x = std::min(glyph_left + glyph.width, right);
    const std::int64_t from_y = std::max(glyph_top, top), to_y = std::min(glyph_top + glyph.height, bottom);
    if (to_x <= from_x || to_y <= from_y)
      continue;
    const std::size_t row_bytes = (std::size_t{glyph.width} * string.bits_per_pixel + 7) / 8;
    for (std::int64_t y = from_y; y < to_y; ++y) {
      // Bottom-up: the glyph's first row is its bottom line.
      const std::size_t glyph_row = static_cast<std::size_t>(glyph.height - 1 - (y - glyph_top));
      const std::uint8_t* row = glyph.data.data + glyph_row * row_bytes;
      std::uint8_t* target = out.alpha.data() + static_cast<std::size_t>(y - top) * width;
      for (std::int64_t x = from_x; x < to_x; ++x) {
        const std::uint8_t value = coverage(row, static_cast<std::uint32_t>(x - glyph_left), string.bits_per_pixel);
        std::uint8_t& pixel = target[x - left];
        pixel = std::max(pixel, value);
      }
    }
  }
  return out;
}

}  // namespace vigil::protocol
