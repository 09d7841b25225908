#include "protocol/stroke_raster.hpp"

#include <spice/enums.h>

#include <algorithm>
#include <string>

namespace vigil::protocol {
namespace {

constexpr int max_bezier_depth = 64;

// 28.4 fixed point (in 64 bits: midpoints and shifted pixels may pass int32).
struct fixed_point {
  std::int64_t x = 0;
  std::int64_t y = 0;
  bool operator==(const fixed_point& other) const { return x == other.x && y == other.y; }
};

std::int32_t fix_to_int(std::int64_t fixed) {
  const std::int64_t remainder = fixed & 0x0f;
  std::int64_t value = fixed >> 4;  // arithmetic: rounds towards minus infinity
  if (remainder > 8)
    ++value;
  return static_cast<std::int32_t>(value);  // |fixed| < 2^32, so |value| < 2^28
}

point to_pixel(const fixed_point& p) { return point{fix_to_int(p.x), fix_to_int(p.y)}; }

fixed_point midpoint(const fixed_point& a, const fixed_point& b) { return {(a.x + b.x) / 2, (a.y + b.y) / 2}; }

// (x1 * x2 + y1 * y2) >> 4, exact.
__int128 dot(std::int64_t x1, std::int64_t y1, std::int64_t x2, std::int64_t y2) {
  return (static_cast<__int128>(x1) * x2 + static_cast<__int128>(y1) * y2) >> 4;
}

class flattener {
public:
  explicit flattener(std::vector<std::vector<point>>& out) : out_(out) {}

  bool over_limit() const { return points_ > max_stroke_points; }
  std::size_t points() const { return points_; }

  void append(point p) {
    current_.push_back(p);
    ++points_;
  }
  bool empty() const { return current_.empty(); }
  point first() const { return current_.front(); }
  point last() const { return current_.back(); }
  // The polyline so far is drawn (a single point draws nothing).
  void finish_polyline() {
    if (current_.size() > 1)
      out_.push_back(std::move(current_));
    current_.clear();
  }
  void drop_polyline() { current_.clear(); }

  // A cubic curve from p0, split until flat as the reference does it.
  void bezier(const fixed_point& p0, const fixed_point& p1, const fixed_point& p2, const fixed_point& p3, int depth) {
    if (over_limit())
      return;
    const __int128 a2 = dot(p1.x - p0.x, p1.y - p0.y, p1.x - p0.x, p1.y - p0.y);
    const __int128 b2 = dot(p3.x - p0.x, p3.y - p0.y, p3.x - p0.x, p3.y - p0.y);
    const __int128 c2 = dot(p2.x - p3.x, p2.y - p3.y, p2.x - p3.x, p2.y - p3.y);
    const __int128 ab = dot(p1.x - p0.x, p1.y - p0.y, p3.x - p0.x, p3.y - p0.y);
    const __int128 cb = dot(p2.x - p3.x, p2.y - p3.y, p0.x - p3.x, p0.y - p3.y);
    const __int128 h1 = (a2 * b2 - ab * ab) >> 3;
    const __int128 h2 = (c2 * b2 - cb * cb) >> 3;
    const bool stuck = (p0 == p1 && p1 == p2 && p2 == p3) || depth >= max_bezier_depth;
    if ((h1 < b2 && h2 < b2) || stuck) {
      append(to_pixel(p3));
      return;
    }
    const fixed_point p01 = midpoint(p0, p1), p12 = midpoint(p1, p2), p23 = midpoint(p2, p3);
    const fixed_point p012 = midpoint(p01, p12), p123 = midpoint(p12, p23);
    const fixed_point p0123 = midpoint(p012, p123);
    bezier(p0, p01, p012, p0123, depth + 1);
    bezier(p0123, p123, p23, p3, depth + 1);
  }

private:
  std::vector<std::vector<point>>& out_;
  std::vector<point> current_;
  std::size_t points_ = 0;
};

fixed_point fixed(const point_fix& p) { return {p.x, p.y}; }

// Exact for any int32 points (products up to 2^67); the quotient is clamped
// to +-2^62, far outside any line's steps.
std::int64_t floor_div(__int128 a, __int128 b) {  // b > 0
  const __int128 limit = __int128{1} << 62;
  const __int128 q = a >= 0 ? a / b : -((-a + b - 1) / b);
  return static_cast<std::int64_t>(std::clamp(q, -limit, limit));
}
std::int64_t ceil_div(__int128 a, __int128 b) { return -floor_div(-a, b); }

}  // namespace

result<stroke_polylines> flatten_path(const std::vector<path_segment>& path, const memory_account& account) {
  stroke_polylines out;
  flattener lines(out.lines);
  for (const path_segment& segment : path) {
    std::size_t next = 0;
    if (segment.flags & SPICE_PATH_BEGIN) {
      lines.finish_polyline();
      if (!segment.points.empty())
        lines.append(to_pixel(fixed(segment.points[next++])));
    }
    if (segment.flags & SPICE_PATH_BEZIER) {
      if ((segment.points.size() - next) % 3 != 0 || (lines.empty() && next < segment.points.size())) {
        lines.drop_polyline();
        break;
      }
      for (; next + 2 < segment.points.size() && !lines.over_limit(); next += 3) {
        const point start = lines.last();
        const fixed_point p0{std::int64_t{start.x} * 16, std::int64_t{start.y} * 16};
        lines.bezier(p0, fixed(segment.points[next]), fixed(segment.points[next + 1]),
                     fixed(segment.points[next + 2]), 0);
      }
    } else {
      for (; next < segment.points.size() && !lines.over_limit(); ++next)
        lines.append(to_pixel(fixed(segment.points[next])));
    }
    if (lines.over_limit())
      break;
    if (segment.flags & SPICE_PATH_END) {
      if ((segment.flags & SPICE_PATH_CLOSE) && !lines.empty())
        lines.append(lines.first());
      lines.finish_polyline();
    }
  }
  if (lines.over_limit())
    return parse_error{"DISPLAY_DRAW_STROKE: field path flattens to more than " + std::to_string(max_stroke_points) +
                       " points"};
  lines.finish_polyline();
  auto charge = account.charge(lines.points() * sizeof(point),
                               "DRAW_STROKE path (" + std::to_string(lines.points()) + " points)");
  if (!charge)
    return charge.error();
  out.charge = std::move(*charge);
  return out;
}

zero_width_line::zero_width_line(point from, point to) {
  std::int64_t dx = std::int64_t{to.x} - from.x, dy = std::int64_t{to.y} - from.y;
  // X's octant bits: x decreasing 4, y decreasing 2, y major 1. Its default
  // bias (octants 2, 3, 4 and 5) is octant values 3, 4, 6 and 7.
  int octant = 0;
  std::int64_t sx = 1, sy = 1;
  if (dx < 0) {
    dx = -dx;
    sx = -1;
    octant |= 4;
  }
  if (dy < 0) {
    dy = -dy;
    sy = -1;
    octant |= 2;
  }
  x_major_ = dx > dy;
  if (!x_major_)
    octant |= 1;
  bias_ = octant == 3 || octant == 4 || octant == 6 || octant == 7 ? 1 : 0;
  if (x_major_) {
    major0_ = from.x, minor0_ = from.y, major_step_ = sx, minor_step_ = sy, major_delta_ = dx, minor_delta_ = dy;
  } else {
    major0_ = from.y, minor0_ = from.x, major_step_ = sy, minor_step_ = sx, major_delta_ = dy, minor_delta_ = dx;
  }
}

std::int64_t zero_width_line::minor_offset(std::int64_t i) const {
  return static_cast<std::int64_t>((2 * static_cast<__int128>(minor_delta_) * i + major_delta_ - bias_) /
                                   (2 * major_delta_));  // both >= 0
}

point zero_width_line::at(std::int64_t i) const {
  const std::int64_t major = major0_ + major_step_ * i;
  const std::int64_t minor = minor0_ + minor_step_ * minor_offset(i);
  return x_major_ ? point{static_cast<std::int32_t>(major), static_cast<std::int32_t>(minor)}
                  : point{static_cast<std::int32_t>(minor), static_cast<std::int32_t>(major)};
}

std::pair<std::int64_t, std::int64_t> zero_width_line::steps_inside(const rect& area) const {
  const std::pair<std::int64_t, std::int64_t> none{1, 0};
  if (major_delta_ == 0 || area.empty())
    return none;
  const std::int64_t major_low = x_major_ ? area.left : area.top;
  const std::int64_t major_high = (x_major_ ? area.right : area.bottom) - std::int64_t{1};
  const std::int64_t minor_low = x_major_ ? area.top : area.left;
  const std::int64_t minor_high = (x_major_ ? area.bottom : area.right) - std::int64_t{1};
  // Steps whose major coordinate lies in the area.
  std::int64_t first = major_step_ > 0 ? major_low - major0_ : major0_ - major_high;
  std::int64_t last = major_step_ > 0 ? major_high - major0_ : major0_ - major_low;
  first = std::max<std::int64_t>(first, 0);
  last = std::min<std::int64_t>(last, major_delta_ - 1);
  // The minor offset n(i) never decreases with i: the steps with n in [low, high].
  const std::int64_t low = minor_step_ > 0 ? minor_low - minor0_ : minor0_ - minor_high;
  const std::int64_t high = minor_step_ > 0 ? minor_high - minor0_ : minor0_ - minor_low;
  if (minor_delta_ == 0) {
    if (low > 0 || high < 0)
      return none;
  } else {
    const __int128 d = 2 * static_cast<__int128>(major_delta_);
    first = std::max(first, ceil_div(low * d - major_delta_ + bias_, 2 * minor_delta_));
    last = std::min(last, floor_div((high + 1) * d - 1 - major_delta_ + bias_, 2 * minor_delta_));
  }
  return first <= last ? std::make_pair(first, last) : none;
}

}  // namespace vigil::protocol
