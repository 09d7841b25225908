#include "protocol/damage_region.hpp"

#include <algorithm>
#include <cstring>
#include <cstdint>

namespace vigil::protocol {

rect bounding_union(const rect& a, const rect& b) {
  if (a.empty())
    return b;
  if (b.empty())
    return a;
  return rect{std::min(a.top, b.top), std::min(a.left, b.left), std::max(a.bottom, b.bottom),
              std::max(a.right, b.right)};
}

rect intersection(const rect& a, const rect& b) {
  return rect{std::max(a.top, b.top), std::max(a.left, b.left), std::min(a.bottom, b.bottom),
              std::min(a.right, b.right)};
}

bool contains(const rect& outer, const rect& inner) {
  return outer.top <= inner.top && outer.left <= inner.left && outer.bottom >= inner.bottom &&
         outer.right >= inner.right;
}

namespace {

// Unsigned: a side of an int32 rectangle reaches 2^32 - 1, the area 2^64 - 2^33 + 1.
std::uint64_t area_of(const rect& r) {
  return r.empty() ? 0 : static_cast<std::uint64_t>(r.width()) * static_cast<std::uint64_t>(r.height());
}

}  // namespace

void damage_region::add(const rect& area) {
  if (area.empty())
    return;
  for (const rect& held : rects_)
    if (contains(held, area))
      return;
  rects_.erase(std::remove_if(rects_.begin(), rects_.end(), [&](const rect& held) { return contains(area, held); }),
               rects_.end());
  if (rects_.size() < max_rects_) {
    rects_.push_back(area);
    return;
  }
  // One too many: grow the rectangle whose bounding box grows least. The
  // grown one may now contain others, which go.
  std::size_t best = 0;
  std::uint64_t best_growth = 0;
  for (std::size_t i = 0; i < rects_.size(); ++i) {
    // The union contains rects_[i]: the difference is never negative.
    const std::uint64_t growth = area_of(bounding_union(rects_[i], area)) - area_of(rects_[i]);
    if (i == 0 || growth < best_growth) {
      best = i;
      best_growth = growth;
    }
  }
  const rect grown = bounding_union(rects_[best], area);
  rects_.erase(rects_.begin() + static_cast<std::ptrdiff_t>(best));
  add(grown);
}

void damage_region::move(const surface_move& move) {
  const rect from = move.from();
  std::vector<rect> landed;
  for (const rect& r : rects_) {
    const rect source = intersection(r, from);
    if (!source.empty())
      landed.push_back(rect{source.top - move.dy, source.left - move.dx, source.bottom - move.dy,
                            source.right - move.dx});
  }
  for (const rect& r : landed)
    add(r);
}

void apply_move(std::uint32_t* pixels, std::size_t width, const surface_move& move) {
  const rect& to = move.to;
  if (to.empty())
    return;
  const auto bytes = static_cast<std::size_t>(to.width()) * sizeof(std::uint32_t);
  const auto height = static_cast<std::int32_t>(to.height());
  for (std::int32_t i = 0; i < height; ++i) {
    const std::int32_t y = move.dy > 0 ? to.top + i : to.bottom - 1 - i;
    std::memmove(pixels + static_cast<std::size_t>(y) * width + static_cast<std::size_t>(to.left),
                 pixels + static_cast<std::size_t>(y + move.dy) * width + static_cast<std::size_t>(to.left + move.dx),
                 bytes);
  }
}

rect damage_region::bounds() const {
  rect box;
  for (const rect& r : rects_)
    box = bounding_union(box, r);
  return box;
}

std::vector<rect> damage_region::take(const rect& limit) {
  std::vector<rect> clipped;
  clipped.reserve(rects_.size());
  for (const rect& r : rects_) {
    const rect piece = intersection(r, limit);
    if (!piece.empty())
      clipped.push_back(piece);
  }
  rects_.clear();
  return clipped.size() <= 1 ? clipped : disjoint_rects(std::move(clipped));
}

// Cuts the plane into horizontal bands at every top and bottom edge, and in
// each band merges the x-intervals of the rectangles spanning it.
std::vector<rect> disjoint_rects(std::vector<rect> pieces) {
  return std::move(*disjoint_rects_within(std::move(pieces), UINT64_MAX));
}

std::optional<std::vector<rect>> disjoint_rects_within(std::vector<rect> pieces, std::uint64_t max_work) {
  std::vector<std::int32_t> edges;
  edges.reserve(pieces.size() * 2);
  for (const auto& piece : pieces) {
    edges.push_back(piece.top);
    edges.push_back(piece.bottom);
  }
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  std::sort(pieces.begin(), pieces.end(), [](const rect& a, const rect& b) { return a.top < b.top; });

  std::vector<rect> out;
  std::vector<const rect*> active;
  std::vector<std::pair<std::int32_t, std::int32_t>> spans;
  std::size_t next = 0;
  std::size_t previous_count = 0;  // rectangles of the last band written
  std::uint64_t work = 0;
  for (std::size_t band = 0; band + 1 < edges.size(); ++band) {
    const std::int32_t top = edges[band];
    const std::int32_t bottom = edges[band + 1];
    while (next < pieces.size() && pieces[next].top <= top)
      active.push_back(&pieces[next++]);
    active.erase(std::remove_if(active.begin(), active.end(), [top](const rect* r) { return r->bottom <= top; }),
                 active.end());
    work += active.size();
    if (work > max_work)
      return std::nullopt;
    spans.clear();
    for (const rect* r : active)
      spans.emplace_back(r->left, r->right);
    std::sort(spans.begin(), spans.end());
    const std::size_t band_begin = out.size();
    for (std::size_t i = 0; i < spans.size();) {
      std::int32_t left = spans[i].first;
      std::int32_t right = spans[i].second;
      for (++i; i < spans.size() && spans[i].first <= right; ++i)
        right = std::max(right, spans[i].second);
      out.push_back(rect{top, left, bottom, right});
    }
    // A band whose spans equal the band just above it extends that band's rectangles.
    const std::size_t count = out.size() - band_begin;
    if (count > 0 && band_begin >= previous_count && previous_count == count &&
        out[band_begin - count].bottom == top) {
      bool same = true;
      for (std::size_t k = 0; k < count && same; ++k)
        same = out[band_begin - count + k].left == out[band_begin + k].left &&
               out[band_begin - count + k].right == out[band_begin + k].right;
      if (same) {
        for (std::size_t k = 0; k < count; ++k)
          out[band_begin - count + k].bottom = bottom;
        out.resize(band_begin);
        continue;
      }
    }
    previous_count = count;
  }
  return out;
}

}  // namespace vigil::protocol
