// The changed area of a surface since it was last shown, kept as a few
// rectangles: what a frame has to carry. Pure.
//
// A region holds at most `max_rects` rectangles. A rectangle that would be one
// too many is merged with the one whose bounding box grows least, so the
// region may cover somewhat more than what changed, never less.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "protocol/display_messages.hpp"

namespace vigil::protocol {

class damage_region {
public:
  explicit damage_region(std::size_t max_rects = 16) : max_rects_(max_rects < 1 ? 1 : max_rects) {}

  void add(const rect& area);  // an empty area changes nothing
  bool empty() const { return rects_.empty(); }
  void clear() { rects_.clear(); }
  // The rectangles as added and merged; they may overlap.
  const std::vector<rect>& rects() const { return rects_; }
  rect bounds() const;

  // The region as non-overlapping rectangles, clipped to `limit`; the region is emptied.
  std::vector<rect> take(const rect& limit);

private:
  std::size_t max_rects_;
  std::vector<rect> rects_;
};

// Rectangles that may overlap -> the same area as non-overlapping rectangles.
std::vector<rect> disjoint_rects(std::vector<rect> pieces);

rect bounding_union(const rect& a, const rect& b);
rect intersection(const rect& a, const rect& b);
bool contains(const rect& outer, const rect& inner);

}  // namespace vigil::protocol
