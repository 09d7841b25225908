#include "protocol/stroke_dash_polygons.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "protocol/stroke_dash.hpp"

// The arithmetic below must round as the reference's does: a * b + c may
// not become one fused multiply-add (CMakeLists.txt builds this file with
// -ffp-contract=off).

namespace vigil::protocol {
namespace {

using visit_fn = std::function<void(std::int32_t, std::int32_t)>;

// X's ceiling of a double as an int: the reference truncates to int and adds
// one unless exact or negative. Held in 64 bits (exact for what fits an int).
std::int64_t ceiling(double value) {
  constexpr double limit = 4.0e18;
  if (!(value > -limit))  // also NaN, which the reference never produces
    return -static_cast<std::int64_t>(limit);
  if (value > limit)
    return static_cast<std::int64_t>(limit);
  const auto truncated = static_cast<std::int64_t>(value);
  return value == static_cast<double>(truncated) || value < 0 ? truncated : truncated + 1;
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {  // b > 0
  const std::int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

struct corner {
  double x = 0, y = 0;  // relative to the polygon's origin (the filler reads only y)
};

// A side from one corner to the next: direction (dx, dy) and the constant
// k = x0 * dy - y0 * dx of the line it lies on.
struct side {
  std::int64_t dx = 0, dy = 0;
  double k = 0;
};

// One side of a polygon as the scanline filler steps it.
struct edge {
  std::int64_t rows = 0;  // how many rows before the next edge takes over
  std::int64_t x = 0, whole_step = 0, sign = 1, error = 0, dy = 1, fraction = 0;

  void step() {
    x += whole_step;
    error += fraction;
    if (error > 0) {
      x += sign;
      error -= dy;
    }
  }
};

// The edge of `s` from a corner at height y0; returns its first row.
std::int64_t make_edge(double y0, side s, std::int64_t origin_x, std::int64_t origin_y, bool left, edge& out) {
  if (s.dy < 0) {
    s.dx = -s.dx, s.dy = -s.dy, s.k = -s.k;
  }
  const std::int64_t y = ceiling(y0);
  const std::int64_t x_dy = ceiling(s.k) + y * s.dx;
  const std::int64_t x = floor_div(x_dy - 1, s.dy);  // the last pixel left of the edge
  std::int64_t error = x_dy - x * s.dy;
  out.dy = s.dy;
  if (s.dx >= 0) {
    out.sign = 1, out.whole_step = s.dx / s.dy, out.fraction = s.dx % s.dy;
  } else {
    out.sign = -1, out.whole_step = -(-s.dx / s.dy), out.fraction = -s.dx % s.dy;
    error = s.dy - error + 1;
  }
  out.x = x + (left ? 1 : 0) + origin_x;
  out.error = error - s.dy;
  return y + origin_y;
}

// Fills a convex polygon of `count` (3 or 4) corners, side i running from
// corner i to corner i + 1, by rows: span(y, x_left, x_right), inclusive.
template <class Span>
void fill_polygon(const corner* corners, const side* sides, int count, std::int64_t origin_x,
                  std::int64_t origin_y, const Span& span) {
  int top = 0, bottom = 0;
  double min_y = corners[0].y, max_y = corners[0].y;
  for (int i = 1; i < count; ++i) {
    if (corners[i].y < min_y)
      top = i, min_y = corners[i].y;  // the first of equal tops
    if (corners[i].y >= max_y)
      bottom = i, max_y = corners[i].y;  // the last of equal bottoms
  }
  auto around = [count](int i, int by) { return i + by < 0 ? count - 1 : i + by == count ? 0 : i + by; };
  // Which way round the corners go decides which chain is the right one.
  const int before_top = around(top, -1);
  const bool backwards = sides[before_top].dy * sides[top].dx > sides[top].dy * sides[before_top].dx;
  const int turn = backwards ? -1 : 1;
  const std::int64_t bottom_row = ceiling(max_y) + origin_y;
  std::array<edge, 4> right{}, left{};
  int rights = 0, lefts = 0;
  std::int64_t top_row = 0, last_row = 0;
  for (int i = top, s = backwards ? before_top : top; i != bottom; i = around(i, turn), s = around(s, turn)) {
    if (sides[s].dy == 0)
      continue;
    const std::int64_t row = make_edge(corners[i].y, sides[s], origin_x, origin_y, false, right[rights]);
    if (rights != 0)
      right[rights - 1].rows = row - last_row;
    else
      top_row = row;
    ++rights;
    last_row = row;
  }
  if (rights != 0)
    right[rights - 1].rows = bottom_row - last_row;
  for (int i = top, s = backwards ? top : before_top; i != bottom; i = around(i, -turn), s = around(s, -turn)) {
    if (sides[s].dy == 0)
      continue;
    const std::int64_t row = make_edge(corners[i].y, sides[s], origin_x, origin_y, true, left[lefts]);
    if (lefts != 0)
      left[lefts - 1].rows = row - last_row;
    ++lefts;
    last_row = row;
  }
  if (lefts != 0)
    left[lefts - 1].rows = bottom_row - last_row;

  // Walk down both chains; an edge takes over when the one before has no rows left.
  int next_left = 0, next_right = 0;
  edge l, r;
  l.rows = r.rows = 0;
  std::int64_t y = top_row;
  while ((next_left < lefts || l.rows != 0) && (next_right < rights || r.rows != 0)) {
    if (l.rows == 0 && next_left < lefts)
      l = left[next_left++];
    if (r.rows == 0 && next_right < rights)
      r = right[next_right++];
    std::int64_t rows = std::min(l.rows, r.rows);
    l.rows -= rows;
    r.rows -= rows;
    for (; rows > 0; --rows) {
      if (r.x >= l.x)
        span(y, l.x, r.x);
      ++y;
      l.step();
      r.step();
    }
  }
}

// Where a line meets a polygon at one of its ends, for joins.
struct face {
  std::int64_t x = 0, y = 0;    // the point
  std::int64_t dx = 0, dy = 0;  // along the line, away from the point
  double xa = 0, ya = 0;        // the outer corner's offset on one side
  double k = 0;
};

class dash_painter {
public:
  dash_painter(const std::vector<rect>& region, const rect& reach, const visit_fn& visit)
    : region_(region), reach_(reach), visit_(visit) {}

  void polygon(const corner* corners, const side* sides, int count, std::int64_t origin_x, std::int64_t origin_y) {
    fill_polygon(corners, sides, count, origin_x, origin_y, [&](std::int64_t y, std::int64_t x_left, std::int64_t x_right) {
      if (y < reach_.top || y >= reach_.bottom)
        return;
      for (const rect& area : region_) {
        if (y < area.top || y >= area.bottom)
          continue;
        const std::int64_t from = std::max<std::int64_t>(x_left, area.left);
        const std::int64_t to = std::min<std::int64_t>(x_right + 1, area.right);
        for (std::int64_t x = from; x < to; ++x)
          visit_(static_cast<std::int32_t>(x), static_cast<std::int32_t>(y));
      }
    });
  }

  // Whether anything within `margin` pixels of (x, y) may show.
  bool near(std::int64_t x, std::int64_t y, std::int64_t margin) const {
    return x >= std::int64_t{reach_.left} - margin && x < std::int64_t{reach_.right} + margin &&
           y >= std::int64_t{reach_.top} - margin && y < std::int64_t{reach_.bottom} + margin;
  }
  const rect& reach() const { return reach_; }

private:
  const std::vector<rect>& region_;
  rect reach_;
  const visit_fn& visit_;
};

// Pixels of a dash lie within this of the line; of a join, within it of the point.
constexpr double dash_margin = 2;
constexpr std::int64_t join_margin = 8;

// The part of the line from p1 to p2 (length `length`) whose dashes may show
// in `reach`: distances [near, far] from p1, far < 0 for none.
struct visible_part {
  double near = 0, far = -1;
};
visible_part visible(point p1, point p2, double length, const rect& reach) {
  if (reach.empty())
    return {};
  const double dx = static_cast<double>(p2.x) - p1.x, dy = static_cast<double>(p2.y) - p1.y;
  double low = 0, high = 1;
  // Liang-Barsky against the reach grown by the margin.
  auto limit = [&](double direction, double distance) {  // direction * u <= distance
    if (direction == 0)
      return distance >= 0;
    const double u = distance / direction;
    if (direction < 0)
      low = std::max(low, u);
    else
      high = std::min(high, u);
    return low <= high;
  };
  const bool any = limit(-dx, p1.x - (reach.left - dash_margin)) && limit(dx, (reach.right + dash_margin) - p1.x) &&
                   limit(-dy, p1.y - (reach.top - dash_margin)) && limit(dy, (reach.bottom + dash_margin) - p1.y);
  if (!any)
    return {};
  return {low * length - dash_margin, high * length + dash_margin};
}

struct line_geometry {
  std::int64_t dx = 0, dy = 0;
  double length = 0, rdx = 0, rdy = 0;
};
line_geometry geometry(point p1, point p2) {
  line_geometry g;
  g.dx = std::int64_t{p2.x} - p1.x;
  g.dy = std::int64_t{p2.y} - p1.y;
  if (g.dx == 0) {
    g.length = static_cast<double>(g.dy < 0 ? -g.dy : g.dy);
    g.rdy = g.dy < 0 ? -0.5 : 0.5;
  } else if (g.dy == 0) {
    g.length = static_cast<double>(g.dx < 0 ? -g.dx : g.dx);
    g.rdx = g.dx < 0 ? -0.5 : 0.5;
  } else {
    g.length = std::hypot(static_cast<double>(g.dx), static_cast<double>(g.dy));
    const double r = 0.5 / g.length;
    g.rdx = r * static_cast<double>(g.dx);
    g.rdy = r * static_cast<double>(g.dy);
  }
  return g;
}

// Corner and side indices of a dash: along the line's one side from its
// near end (top), across its far end (right), back along the other side
// (bottom), across its near end (left).
enum { top_side = 0, right_side = 1, bottom_side = 2, left_side = 3 };

// Draws the "on" dashes of the line from p1 to p2 starting at `from`.
void draw_line_dashes(point p1, point p2, const line_geometry& g, const dash_pattern& pattern,
                      dash_pattern::state from, dash_painter& painter) {
  const auto& lengths = pattern.lengths();
  const visible_part part = visible(p1, p2, g.length, painter.reach());
  if (part.far < 0)
    return;
  const double dxd = static_cast<double>(g.dx), dyd = static_cast<double>(g.dy);
  const double along_k = 0.5 * g.length;
  side sides[4] = {{g.dx, g.dy, along_k}, {-g.dy, g.dx, 0}, {-g.dx, -g.dy, along_k}, {g.dy, -g.dx, 0}};
  corner corners[4];
  corners[top_side] = corners[right_side] = corner{g.rdy, -g.rdx};
  corners[bottom_side] = corners[left_side] = corner{-g.rdy, g.rdx};
  std::size_t index = from.index;
  std::int64_t remain = lengths[index] - from.offset;
  double left_over = g.length;
  std::int64_t start = 0;  // of the current dash, from p1
  while (left_over > static_cast<double>(remain)) {
    if (static_cast<double>(start) > part.far)
      return;  // the rest is out of sight, the dash the line ends in too
    const double step_x = static_cast<double>(remain * g.dx) / g.length;
    const double step_y = static_cast<double>(remain * g.dy) / g.length;
    corners[right_side].x += step_x;
    corners[right_side].y += step_y;
    corners[bottom_side].x += step_x;
    corners[bottom_side].y += step_y;
    sides[right_side].k = corners[right_side].x * dxd + corners[right_side].y * dyd;
    if (index % 2 == 0 && static_cast<double>(start + remain) >= part.near)
      painter.polygon(corners, sides, 4, p1.x, p1.y);
    left_over -= static_cast<double>(remain);
    start += remain;
    index = index + 1 == lengths.size() ? 0 : index + 1;
    remain = lengths[index];
    corners[top_side] = corners[right_side];
    corners[left_side] = corners[bottom_side];
    sides[left_side].k = -sides[right_side].k;
  }
  if (index % 2 != 0 || static_cast<double>(start) > part.far)
    return;
  // The dash the line ends in, relative to p2.
  corners[top_side].x -= dxd;
  corners[top_side].y -= dyd;
  corners[left_side].x -= dxd;
  corners[left_side].y -= dyd;
  corners[right_side] = corner{g.rdy, -g.rdx};
  corners[bottom_side] = corner{-g.rdy, g.rdx};
  sides[right_side].k = 0;
  sides[left_side].k += static_cast<double>(g.dx * g.dx + g.dy * g.dy);
  painter.polygon(corners, sides, 4, p2.x, p2.y);
}

// X's miter limit for a one-pixel line: 1 / sin^2(11/2 degrees).
constexpr double square_secant = 108.856472512142;

// The join at a point between the line arriving (`in`: its face there) and
// the line leaving (`out`). Both faces are changed.
void draw_join(face out, face in, bool every_join, dash_painter& painter) {
  if (!painter.near(out.x, out.y, join_margin))
    return;
  if (!every_join) {
    if (out.dx > 0 || (out.dx == 0 && out.dy > 0))
      return;
    if (in.dx > 0 || (in.dx == 0 && in.dy > 0))
      return;
  }
  const double denominator =
    -static_cast<double>(out.dx) * static_cast<double>(in.dy) + static_cast<double>(in.dx) * static_cast<double>(out.dy);
  if (denominator == 0)
    return;  // straight on or straight back: nothing to join
  const bool swapped = !(denominator > 0);
  face& turned = swapped ? in : out;
  turned.xa = -turned.xa, turned.ya = -turned.ya, turned.dx = -turned.dx, turned.dy = -turned.dy;

  corner corners[4] = {{in.xa, in.ya}, {0, 0}, {out.xa, out.ya}, {}};
  side sides[4] = {{-in.dy, in.dx, 0}, {out.dy, -out.dx, 0}, {}, {}};
  const double in_cross = in.xa * static_cast<double>(in.dy) - in.ya * static_cast<double>(in.dx);
  const double out_cross = out.xa * static_cast<double>(out.dy) - out.ya * static_cast<double>(out.dx);
  const double my =
    (static_cast<double>(out.dy) * in_cross - static_cast<double>(in.dy) * out_cross) / denominator;
  const double mx = out.dy != 0
                      ? out.xa + (my - out.ya) * static_cast<double>(out.dx) / static_cast<double>(out.dy)
                      : in.xa + (my - in.ya) * static_cast<double>(in.dx) / static_cast<double>(in.dy);
  if (!((mx * mx + my * my) * 4 > square_secant)) {
    const double sign = swapped ? -1 : 1;
    sides[2] = side{swapped ? -out.dx : out.dx, swapped ? -out.dy : out.dy, sign * out.k};
    corners[3] = corner{mx, my};
    sides[3] = side{swapped ? -in.dx : in.dx, swapped ? -in.dy : in.dy, sign * in.k};
    painter.polygon(corners, sides, 4, out.x, out.y);
    return;
  }
  // Bevel: a side between the outer corners, its slope scaled to 65536.
  const double bx = in.xa - out.xa, by = in.ya - out.ya;
  const double scale = std::max(std::fabs(bx), std::fabs(by));
  if (!(scale > 0))
    return;
  const auto slope_x = static_cast<std::int64_t>((bx * 65536) / scale);
  const auto slope_y = static_cast<std::int64_t>((by * 65536) / scale);
  sides[2] = side{slope_x, slope_y,
                  ((out.xa + in.xa) * static_cast<double>(slope_y) - (out.ya + in.ya) * static_cast<double>(slope_x)) / 2.0};
  painter.polygon(corners, sides, 3, out.x, out.y);
}

}  // namespace

std::uint64_t dash_polygon_steps(const std::vector<point>& polyline, const dash_pattern& pattern, const rect& bounds) {
  const std::uint64_t dashes = pattern.lengths().size();
  const auto period = static_cast<double>(pattern.period());
  std::uint64_t steps = 0;
  for (std::size_t k = 1; k < polyline.size(); ++k) {
    const point p1 = polyline[k - 1], p2 = polyline[k];
    if (p1.x == p2.x && p1.y == p2.y)
      continue;
    const line_geometry g = geometry(p1, p2);
    const visible_part part = visible(p1, p2, g.length, bounds);
    // A step for each dash starting before the part's far end: `dashes` a period.
    const double reach = std::min(g.length, part.far);
    steps += part.far < 0 ? 1 : dashes * (static_cast<std::uint64_t>(reach / period) + 2);
  }
  return steps;
}

void visit_dash_polygons(const std::vector<point>& polyline, const dash_pattern& pattern, bool every_join,
                         const std::vector<rect>& region, const rect& reach, const visit_fn& visit) {
  for (const point& p : polyline)
    if (p.x < -max_dash_coordinate || p.x > max_dash_coordinate || p.y < -max_dash_coordinate ||
        p.y > max_dash_coordinate)
      return;  // past what 28.4 points give; the products below would overflow
  if (polyline.empty())
    return;
  dash_painter painter(region, reach, visit);
  const bool closed = polyline.front().x == polyline.back().x && polyline.front().y == polyline.back().y;
  dash_pattern::state state = pattern.start();
  bool first = true, first_on = false, previous_on = false;
  face first_face, previous_face;
  for (std::size_t k = 1; k < polyline.size(); ++k) {
    const point p1 = polyline[k - 1], p2 = polyline[k];
    if (p1.x == p2.x && p1.y == p2.y)
      continue;
    const line_geometry g = geometry(p1, p2);
    draw_line_dashes(p1, p2, g, pattern, state, painter);
    // The pattern moves on by ceil(L): the reference keeps the dash's leftover as an int.
    const dash_pattern::state end = pattern.advance(state, static_cast<std::int64_t>(std::ceil(g.length)));
    const face start_face{p1.x, p1.y, g.dx, g.dy, g.rdy, -g.rdx, 0.5 * g.length};
    const face end_face{p2.x, p2.y, -g.dx, -g.dy, -g.rdy, g.rdx, 0.5 * g.length};
    if (dash_pattern::starts_on(state)) {
      if (first) {
        first_on = closed;
        first_face = start_face;
      } else if (previous_on) {
        draw_join(start_face, previous_face, every_join, painter);
      }
    }
    previous_face = end_face;
    previous_on = dash_pattern::ends_on(end);
    first = false;
    state = end;
  }
  // A closed polyline joins its last line to its first.
  if (!first && closed && first_on && previous_on)
    draw_join(first_face, previous_face, every_join, painter);
}

}  // namespace vigil::protocol
