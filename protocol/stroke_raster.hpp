// DRAW_STROKE's path turned into pixels as the reference canvas
// (spice-common's canvas_draw_stroke, through the X server's mi zero-width
// line code in its lines.c) turns it: Pure: no I/O.
//
// flatten_path: fixed-point points round to pixels (x / 16, a remainder above
// 8/16 rounding up); BEGIN ends the polyline so far and starts one at the
// segment's first point; a BEZIER segment's points are taken three at a time
// as cubic curves from the polyline's last point, split in halves (28.4
// integer arithmetic) until the control points lie within about half a pixel
// of the chord; END (with CLOSE: back to the polyline's first point) ends the
// polyline. A bezier segment whose point count is not a multiple of three
// ends the whole path there, as the reference does (what it drew before
// stays, the unfinished polyline is dropped).
//
// Cases the reference leaves undefined and Vigil settles: a BEGIN segment
// with no points starts an empty polyline (the reference reads past the
// segment); a curve with no polyline to start from ends the path (the
// reference reads before its array); a curve whose halves stop shrinking
// (all four points equal, which recurses forever in the reference) or that
// is split 64 times deep ends in a straight line to its end point.
//
// Zero-width lines: X's Bresenham with its default bias (on an exact tie the
// octants 2-5 step along the major axis only), CapNotLast: each line of a
// polyline draws its start pixel and every pixel up to, not including, its
// end, so a line's pixels are distinct and consecutive lines do not share
// one. A pixel of line k is found by a closed form (64-bit, no stepping), so
// lines that reach far outside the surface cost only their visible pixels.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "protocol/memory_budget.hpp"
#include "protocol/result.hpp"
#include "protocol/stroke_messages.hpp"

namespace vigil::protocol {

// More points than this after flattening is refused: each point costs up to
// a surface side of pixels to draw, and the display channel must not stall.
constexpr std::size_t max_stroke_points = 65536;

struct stroke_polylines {
  std::vector<std::vector<point>> lines;  // in drawing order
  memory_charge charge;                   // the points, in the channel's budget
};

// Errors: more than max_stroke_points, or the budget refuses the points.
result<stroke_polylines> flatten_path(const std::vector<path_segment>& path, const memory_account& account);

// One zero-width line from `from` to `to`, endpoint excluded: pixel i
// (0 <= i < length) lies at major = major0 + major_step * i and minor =
// minor0 + minor_step * floor((2 * minor_delta * i + major_delta - bias) /
// (2 * major_delta)), the major axis being x when |dx| > |dy|.
class zero_width_line {
public:
  zero_width_line(point from, point to);

  std::int64_t length() const { return major_delta_; }
  point at(std::int64_t i) const;
  // The first and last i whose pixel lies in `area` (first > last: none).
  std::pair<std::int64_t, std::int64_t> steps_inside(const rect& area) const;

private:
  std::int64_t minor_offset(std::int64_t i) const;

  bool x_major_ = true;
  std::int64_t major0_ = 0, minor0_ = 0;
  std::int64_t major_step_ = 1, minor_step_ = 1;
  std::int64_t major_delta_ = 0, minor_delta_ = 0;
  std::int64_t bias_ = 0;
};

// Calls plot(x, y) for every pixel of `polyline`'s lines inside `region`
// (non-overlapping rectangles), line by line.
template <class Plot>
void draw_zero_width_polyline(const std::vector<point>& polyline, const std::vector<rect>& region, Plot plot) {
  for (std::size_t k = 1; k < polyline.size(); ++k) {
    const zero_width_line line(polyline[k - 1], polyline[k]);
    if (line.length() == 0)
      continue;
    for (const rect& area : region) {
      const auto [first, last] = line.steps_inside(area);
      for (std::int64_t i = first; i <= last; ++i) {
        const point p = line.at(i);
        plot(p.x, p.y);
      }
    }
  }
}

}  // namespace vigil::protocol
