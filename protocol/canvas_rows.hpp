// The canvas's row paths: the drawings that are common in a session (plain
// copies of decoded images, solid fills, COPY_BITS scrolls, unscaled video
// frames) done as row memcpy/memmove/fill instead of pixel by pixel through
// the generic raster path (canvas.cpp). Each draw chooses once, before any
// pixel is touched: a row path applies only when its result is exactly the
// generic path's, else it returns false and writes nothing.
#pragma once

#include <cstdint>
#include <vector>

#include "protocol/canvas.hpp"

namespace vigil::protocol::rows {

// Surfaces whose pixels are stored as drawn (32-bit); the others reduce each
// written pixel to their format and stay on the generic path.
bool stores_as_drawn(const surface& target);

// Surface pixel (x, y) of every rectangle gets source pixel (x + dx, y + dy);
// false unless every such source pixel lies inside `source`. `flip_rows`: the
// source's rows are bottom-up (source row height-1-(y+dy)). `clear_alpha`:
// each pixel's top byte becomes 0 on the way (a picture with no alpha whose
// decoder left a filler there), at the cost of a plain copy.
bool copy_image(surface& target, const std::vector<rect>& region, const decoded_image& source, std::int64_t dx,
                std::int64_t dy, bool flip_rows = false, bool clear_alpha = false);

// Every pixel of the rectangles becomes `color`.
void fill(surface& target, const std::vector<rect>& region, std::uint32_t color);

// COPY_BITS of one rectangle: surface pixel (x, y) gets what was at
// (x + dx, y + dy), the areas overlapping or not; false unless the region is
// one rectangle whose source lies inside the surface.
bool move_within(surface& target, const std::vector<rect>& region, std::int64_t dx, std::int64_t dy);

}  // namespace vigil::protocol::rows
