// Dashed (STYLED) polylines at any angle, as the reference's X mi code fills
// them (stroke_dash.hpp says why a zero-width dashed pen ends up there).
// Pure: no I/O.
//
// A line from p1 to p2 (dx, dy) is L = hypot(dx, dy) long (|dx| or |dy|
// when it is horizontal or vertical; the C library's hypot, as the
// reference's: glibc's is not correctly rounded, a square root would give
// another last bit for about 1 line in 150), its half-width offset (rdx, rdy) =
// (0.5 / L) * (dx, dy). Its "on" dashes are quadrilaterals: the dash from
// distance s to s + d has corners offset by (rdy, -rdx) and (-rdy, rdx) from
// the line, the corners relative to p1, each dash's far corners the near
// ones plus (d * dx / L, d * dy / L) added in double, one dash after another
// (so the rounding of the running sum matters). Its sides: the two along the
// line with the constant 0.5 * L, the far one with c.x * dx + c.y * dy of
// its corner, the near one the negated far constant of the dash before.
// The dash the line ends in is drawn relative to p2 (its near corners minus
// (dx, dy), its far side through p2), and the pattern goes on from there
// by ceil(L) whole pixels (the reference truncates the leftover of the
// dash to an int).
//
// A polygon is filled by scanlines: each side becomes an integer edge
// x * dy - y * dx = ceil(constant) stepped from row ceil(y) of its upper
// corner, rows from ceil(top y) up to, not including, ceil(bottom y), a
// right edge's pixel included, a left edge's first pixel the one after it.
//
// Joins (JoinMiter) between consecutive lines whose dash is "on" at the
// point: the miter quadrilateral from the point to the two outer corners
// and the intersection of the outer sides, or a bevel triangle (a side of
// integer slope scaled to 65536) where the miter would reach more than
// sqrt(108.856.../4) pixels out (X's miter limit at width 1). When the
// raster operation is one painting twice would not change (X's "easy"
// ones) X skips joins where one of the lines already draws the point's
// pixel: unless the line leaving heads left (or straight up) and the line
// arriving heads right (or straight down).
//
// Exact while the reference's ints hold (lines up to 46340 pixels long);
// longer lines are computed the same way in 64 bits and doubles.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "protocol/display_messages.hpp"

namespace vigil::protocol {

class dash_pattern;

// Dash steps a stroke may take (each a few floating-point operations): the
// running sum must start at each line's first point, so a line reaching far
// outside the surface costs its dashes up to the part that shows.
constexpr std::uint64_t max_dash_polygon_steps = std::uint64_t{1} << 22;

// An upper bound of the dash steps drawing `polyline` inside `bounds` takes.
std::uint64_t dash_polygon_steps(const std::vector<point>& polyline, const dash_pattern& pattern, const rect& bounds);

// The largest coordinate drawn here: 28.4 points round to at most 2^27,
// and a line's squared length must fit 64 bits with room to spare.
constexpr std::int32_t max_dash_coordinate = 1 << 28;

// Calls visit(x, y) for the pixels of one dashed polyline inside `region`
// (non-overlapping rectangles whose bounding box is `reach`), some more
// than once. `every_join`: the raster operation is one of X's "careful"
// ones (joins_every_miter in stroke_dash.hpp). A polyline with a coordinate
// past max_dash_coordinate draws nothing.
void visit_dash_polygons(const std::vector<point>& polyline, const dash_pattern& pattern, bool every_join,
                         const std::vector<rect>& region, const rect& reach,
                         const std::function<void(std::int32_t, std::int32_t)>& visit);

}  // namespace vigil::protocol
