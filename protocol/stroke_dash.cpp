#include "protocol/stroke_dash.hpp"

#include <spice/enums.h>

#include <algorithm>
#include <climits>
#include <string>

#include "protocol/stroke_dash_polygons.hpp"

namespace vigil::protocol {
namespace {

// A 28.4 length rounded to pixels as the path's points are, kept in a byte.
std::uint8_t dash_length(std::int32_t fixed) {
  std::int64_t value = std::int64_t{fixed} >> 4;
  if ((fixed & 0x0f) > 8)
    ++value;
  return static_cast<std::uint8_t>(value & 0xff);
}

// A unit step along one axis.
struct direction {
  int dx = 0, dy = 0;
  bool operator==(const direction& other) const { return dx == other.dx && dy == other.dy; }
};

// The corner pixel of a turn from `in` to `out` is covered by its miter
// only when the miter's quarter pixel lies right of and below the corner.
bool turn_covers_corner(direction in, direction out) {
  return (in == direction{1, 0} && out == direction{0, -1}) || (in == direction{0, 1} && out == direction{-1, 0});
}

bool inside(const rect& area, std::int64_t x, std::int64_t y) {
  return x >= area.left && x < area.right && y >= area.top && y < area.bottom;
}

using visit_fn = std::function<void(std::int32_t, std::int32_t)>;

// Every drawn pixel of the polyline inside the region, some more than once.
void visit_dashed_polyline(const std::vector<point>& polyline, const dash_pattern& pattern,
                           const std::vector<rect>& region, const visit_fn& visit) {
  if (polyline.empty())
    return;
  auto corner = [&](const point& at) {
    for (const rect& area : region)
      if (inside(area, at.x, at.y))
        visit(at.x, at.y);
  };
  const bool closed = polyline.front().x == polyline.back().x && polyline.front().y == polyline.back().y;
  dash_pattern::state state = pattern.start();
  bool first = true, first_on = false, previous_on = false;
  direction first_direction, previous;
  for (std::size_t k = 1; k < polyline.size(); ++k) {
    const point from = polyline[k - 1], to = polyline[k];
    const std::int64_t dx = std::int64_t{to.x} - from.x, dy = std::int64_t{to.y} - from.y;
    if (dx == 0 && dy == 0)
      continue;
    const direction d{dx > 0 ? 1 : dx < 0 ? -1 : 0, dy > 0 ? 1 : dy < 0 ? -1 : 0};
    const std::int64_t length = dx != 0 ? (dx > 0 ? dx : -dx) : (dy > 0 ? dy : -dy);
    // Pixel i at major coordinate start + i (forwards) or start - 1 - i (backwards).
    const bool horizontal = dy == 0;
    const std::int64_t start = horizontal ? from.x : from.y;
    const std::int64_t minor = horizontal ? from.y : from.x;
    const int step = horizontal ? d.dx : d.dy;
    const std::int64_t low = step > 0 ? start : start - length, high = low + length;  // pixels [low, high)
    for (const rect& area : region) {
      const std::int64_t minor_low = horizontal ? area.top : area.left, minor_high = horizontal ? area.bottom : area.right;
      if (minor < minor_low || minor >= minor_high)
        continue;
      const std::int64_t first_pixel = std::max<std::int64_t>(low, horizontal ? area.left : area.top);
      const std::int64_t last_pixel = std::min<std::int64_t>(high, horizontal ? area.right : area.bottom);
      for (std::int64_t c = first_pixel; c < last_pixel; ++c) {
        const std::int64_t i = step > 0 ? c - start : start - 1 - c;
        if (pattern.drawn(state, i))
          visit(static_cast<std::int32_t>(horizontal ? c : minor), static_cast<std::int32_t>(horizontal ? minor : c));
      }
    }
    const dash_pattern::state end = pattern.advance(state, length);
    if (dash_pattern::starts_on(state)) {
      if (first) {
        first_on = closed;
      } else if (previous_on && turn_covers_corner(previous, d)) {
        corner(from);
      }
    }
    if (first)
      first_direction = d;
    previous = d;
    previous_on = dash_pattern::ends_on(end);
    first = false;
    state = end;
  }
  // A closed polyline joins its last line to its first.
  if (!first && closed && first_on && previous_on && turn_covers_corner(previous, first_direction))
    corner(polyline.front());
}

// A line's pixels lie within a pixel of its ends, a join's within this of its point.
constexpr std::int32_t join_reach = 8;

bool aligned(const std::vector<point>& polyline) {
  for (std::size_t k = 1; k < polyline.size(); ++k)
    if (polyline[k].x != polyline[k - 1].x && polyline[k].y != polyline[k - 1].y)
      return false;
  return true;
}

// One bit a pixel where the polylines may draw: the region's bounding box
// (within the surface) cut to the points' grown by join_reach, at most 1/32
// of the surface's bytes; the pixels marked for one polyline are kept to be
// unmarked before the next.
class pixel_marks {
public:
  pixel_marks(const std::vector<rect>& region, const std::vector<std::vector<point>>& polylines) {
    rect reach{INT32_MAX, INT32_MAX, INT32_MIN, INT32_MIN};  // top, left, bottom, right
    for (const auto& polyline : polylines)
      for (const point& p : polyline) {
        reach.left = std::min(reach.left, p.x), reach.top = std::min(reach.top, p.y);
        reach.right = std::max(reach.right, p.x), reach.bottom = std::max(reach.bottom, p.y);
      }
    bool first = true;
    for (const rect& r : region) {
      if (r.empty())
        continue;
      if (first) {
        area_ = r;
        first = false;
      } else {
        area_.left = std::min(area_.left, r.left), area_.top = std::min(area_.top, r.top);
        area_.right = std::max(area_.right, r.right), area_.bottom = std::max(area_.bottom, r.bottom);
      }
    }
    const auto grown = [](std::int64_t value) {
      return static_cast<std::int32_t>(std::clamp<std::int64_t>(value, INT32_MIN, INT32_MAX));
    };
    bounds_ = area_;
    area_.left = std::max(area_.left, grown(std::int64_t{reach.left} - join_reach));
    area_.top = std::max(area_.top, grown(std::int64_t{reach.top} - join_reach));
    area_.right = std::min(area_.right, grown(std::int64_t{reach.right} + 1 + join_reach));
    area_.bottom = std::min(area_.bottom, grown(std::int64_t{reach.bottom} + 1 + join_reach));
    if (!area_.empty())
      bits_.resize(static_cast<std::size_t>((area_.width() * area_.height() + 63) / 64));
  }
  // The region's bounding box.
  const rect& bounds() const { return bounds_; }
  // True when (x, y) was not marked yet.
  bool mark(std::int32_t x, std::int32_t y) {
    if (x < area_.left || x >= area_.right || y < area_.top || y >= area_.bottom)
      return true;  // not reached by construction; never written out of bounds
    const std::size_t bit = index(x, y);
    const std::uint64_t mask = std::uint64_t{1} << (bit % 64);
    if (bits_[bit / 64] & mask)
      return false;
    bits_[bit / 64] |= mask;
    marked_.push_back(bit);
    return true;
  }
  void clear_marked() {
    for (const std::size_t bit : marked_)
      bits_[bit / 64] &= ~(std::uint64_t{1} << (bit % 64));
    marked_.clear();
  }

private:
  std::size_t index(std::int32_t x, std::int32_t y) const {
    return static_cast<std::size_t>((std::int64_t{y} - area_.top) * area_.width() + (std::int64_t{x} - area_.left));
  }
  rect area_, bounds_;
  std::vector<std::uint64_t> bits_;
  std::vector<std::size_t> marked_;
};

}  // namespace

result<dash_pattern> dash_pattern::from_style(std::uint8_t attr_flags, const std::vector<std::int32_t>& style) {
  if (style.empty())
    return parse_error{"DISPLAY_DRAW_STROKE: field attr.style_nseg is 0 on a STYLED line"};
  dash_pattern out;
  const std::size_t n = style.size();
  out.lengths_.resize(n);
  std::int64_t skip = 0;
  if (attr_flags & SPICE_LINE_FLAGS_START_WITH_GAP) {
    out.lengths_[n - 1] = dash_length(style[0]);
    for (std::size_t i = 0; i + 1 < n; ++i)
      out.lengths_[i] = dash_length(style[i + 1]);
    skip = out.lengths_[0];
  } else {
    for (std::size_t i = 0; i < n; ++i)
      out.lengths_[i] = dash_length(style[i]);
  }
  out.starts_.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    out.starts_[i] = out.total_;
    out.total_ += out.lengths_[i];
  }
  if (out.total_ == 0)
    return parse_error{"DISPLAY_DRAW_STROKE: field attr.style has only zero-length dashes"};
  // The start: `skip` pixels into the pattern, zero-length dashes there passed.
  state s;
  if (skip < out.lengths_[0]) {
    s.offset = skip;
  } else {
    skip = (skip - out.lengths_[0]) % out.total_;
    s.index = out.next(0);
    while (skip >= out.lengths_[s.index]) {
      skip -= out.lengths_[s.index];
      s.index = out.next(s.index);
    }
    s.offset = skip;
  }
  out.start_ = s;
  return out;
}

dash_pattern::state dash_pattern::advance(state from, std::int64_t length) const {
  std::size_t index = from.index;
  std::int64_t remain = lengths_[index] - from.offset;  // of the current dash
  if (length > remain) {
    length -= remain;
    index = next(index);
    remain = lengths_[index];
    if (length > total_)  // whole turns of the pattern change nothing
      length -= total_ * ((length - 1) / total_);
    while (length > remain) {
      length -= remain;
      index = next(index);
      remain = lengths_[index];
    }
  }
  remain -= length;
  if (remain == 0) {
    index = next(index);
    remain = lengths_[index];
  }
  return state{index, lengths_[index] - remain};
}

bool dash_pattern::drawn(state from, std::int64_t i) const {
  const std::int64_t position = (starts_[from.index] + from.offset + i) % total_;
  // The last dash starting at or before `position` holds it (empty ones share a start).
  const auto after = std::upper_bound(starts_.begin(), starts_.end(), position);
  return (after - starts_.begin() - 1) % 2 == 0;
}

bool joins_every_miter(std::uint8_t function) { return (function & 0x0c) == 0x08 || (function & 0x03) == 0x02; }

std::uint64_t slanted_dash_steps(const std::vector<std::vector<point>>& polylines, const dash_pattern& pattern,
                                 const rect& bounds) {
  std::uint64_t steps = 0;
  for (const auto& polyline : polylines)
    if (!aligned(polyline))
      steps += dash_polygon_steps(polyline, pattern, bounds);
  return steps;
}

void draw_dashed_polylines(const std::vector<std::vector<point>>& polylines, const dash_pattern& pattern,
                           bool every_join, const std::vector<rect>& region,
                           const std::function<void(std::int32_t, std::int32_t)>& plot) {
  pixel_marks marks(region, polylines);
  const visit_fn once = [&](std::int32_t x, std::int32_t y) {
    if (marks.mark(x, y))
      plot(x, y);
  };
  for (const auto& polyline : polylines) {
    if (aligned(polyline))
      visit_dashed_polyline(polyline, pattern, region, once);
    else
      visit_dash_polygons(polyline, pattern, every_join, region, marks.bounds(), once);
    marks.clear_marked();  // the next polyline paints its pixels again
  }
}

}  // namespace vigil::protocol
