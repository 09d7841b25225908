// The changed area of a surface since it was last shown, kept as a few
// rectangles: what a frame has to carry. Pure.
//
// A region holds at most `max_rects` rectangles. A rectangle that would be one
// too many is merged with the one whose bounding box grows least, so the
// region may cover somewhat more than what changed, never less.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "protocol/display_messages.hpp"

namespace vigil::protocol {

// A rectangle of a surface moved within it (COPY_BITS with no clip): `to`
// now holds what was at `to` shifted by (dx, dy). Its source lies inside the
// surface.
struct surface_move {
  rect to;
  std::int32_t dx = 0;
  std::int32_t dy = 0;
  rect from() const { return rect{to.top + dy, to.left + dx, to.bottom + dy, to.right + dx}; }
};

// Applies `move` to `pixels` (`width` pixels a row): rows in the order that
// reads each source row before it is overwritten.
void apply_move(std::uint32_t* pixels, std::size_t width, const surface_move& move);

class damage_region {
public:
  explicit damage_region(std::size_t max_rects = 16) : max_rects_(max_rects < 1 ? 1 : max_rects) {}

  void add(const rect& area);  // an empty area changes nothing
  bool empty() const { return rects_.empty(); }
  void clear() { rects_.clear(); }
  // The rectangles as added and merged; they may overlap.
  const std::vector<rect>& rects() const { return rects_; }
  rect bounds() const;

  // `move` happened to a picture this region is pending on: what the move
  // copies from damaged (not yet shown) pixels is damaged where it lands.
  // A picture that applies the move and then this region's rectangles ends
  // up equal to the surface.
  void move(const surface_move& move);
  // The region as non-overlapping rectangles, clipped to `limit`; the region is emptied.
  std::vector<rect> take(const rect& limit);

private:
  std::size_t max_rects_;
  std::vector<rect> rects_;
};

// Rectangles that may overlap -> the same area as non-overlapping rectangles.
std::vector<rect> disjoint_rects(std::vector<rect> pieces);
// The same, or nothing once the work (the rectangles spanning each band,
// summed over the bands) exceeds `max_work`: n staggered rectangles cost n².
std::optional<std::vector<rect>> disjoint_rects_within(std::vector<rect> pieces, std::uint64_t max_work);

rect bounding_union(const rect& a, const rect& b);
rect intersection(const rect& a, const rect& b);
bool contains(const rect& outer, const rect& inner);

}  // namespace vigil::protocol
