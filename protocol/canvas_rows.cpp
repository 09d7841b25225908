#include "protocol/canvas_rows.hpp"

#include <spice/enums.h>

#include <algorithm>
#include <cstring>

#include "protocol/codecs/pixel_rows.hpp"

namespace vigil::protocol::rows {

bool stores_as_drawn(const surface& target) {
  return target.format == SPICE_SURFACE_FMT_32_xRGB || target.format == SPICE_SURFACE_FMT_32_ARGB;
}

namespace {

std::uint32_t* row_of(surface& target, std::int32_t y) {
  return target.pixels.data() + static_cast<std::size_t>(y) * target.width;
}

bool source_inside(const rect& r, std::int64_t dx, std::int64_t dy, std::int64_t width, std::int64_t height) {
  return r.left + dx >= 0 && r.top + dy >= 0 && r.right + dx <= width && r.bottom + dy <= height;
}

}  // namespace

bool copy_image(surface& target, const std::vector<rect>& region, const decoded_image& source, std::int64_t dx,
                std::int64_t dy, bool flip_rows, bool clear_alpha) {
  for (const auto& r : region)
    if (!source_inside(r, dx, dy, source.width, source.height))
      return false;
  for (const auto& r : region) {
    const auto count = static_cast<std::size_t>(r.width());
    for (std::int32_t y = r.top; y < r.bottom; ++y) {
      std::int64_t sy = y + dy;
      if (flip_rows)
        sy = static_cast<std::int64_t>(source.height) - 1 - sy;
      const std::uint32_t* from = source.pixels.data() + static_cast<std::size_t>(sy) * source.width +
                                  static_cast<std::size_t>(r.left + dx);
      if (clear_alpha)
        copy_clearing_alpha(row_of(target, y) + r.left, from, count);
      else
        std::memcpy(row_of(target, y) + r.left, from, count * sizeof(std::uint32_t));
    }
  }
  return true;
}

void fill(surface& target, const std::vector<rect>& region, std::uint32_t color) {
  for (const auto& r : region)
    for (std::int32_t y = r.top; y < r.bottom; ++y) {
      std::uint32_t* row = row_of(target, y);
      std::fill(row + r.left, row + r.right, color);
    }
}

bool move_within(surface& target, const std::vector<rect>& region, std::int64_t dx, std::int64_t dy) {
  if (region.size() != 1 || !source_inside(region.front(), dx, dy, target.width, target.height))
    return false;
  const rect& r = region.front();
  const auto bytes = static_cast<std::size_t>(r.width()) * sizeof(std::uint32_t);
  const auto height = static_cast<std::int32_t>(r.height());
  // Rows in the order that reads each source row before it is overwritten;
  // memmove takes care of overlap within a row.
  for (std::int32_t i = 0; i < height; ++i) {
    const std::int32_t y = dy > 0 ? r.top + i : r.bottom - 1 - i;
    std::memmove(row_of(target, y) + r.left, row_of(target, static_cast<std::int32_t>(y + dy)) + r.left + dx, bytes);
  }
  return true;
}

}  // namespace vigil::protocol::rows
