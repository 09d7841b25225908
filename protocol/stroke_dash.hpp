// DRAW_STROKE's dashed (STYLED) lines as the reference canvas draws them.
// Pure: no I/O.
//
// The reference (spice-common's canvas_draw_stroke) gives X's mi code a
// zero-width LineOnOffDash pen, and X's zero-width dash routine draws it as a
// one-pixel-wide line: each "on" dash a polygon half a pixel either side of
// the line, filled with X's polygon rule (a pixel whose centre lies on a
// left or top edge is in, on a right or bottom edge out), each join a miter
// polygon, every pixel of a polyline painted once whatever the raster
// operation.
//
// The dash list: each style length (28.4) rounded to pixels as the path's
// points are and kept modulo 256 (X's dash list is unsigned char). With
// START_WITH_GAP the list is rotated by one (the first length moves to the
// end) and the pattern starts the new first length further on. A dash is
// drawn when its index in the list is even, so an odd-length list draws two
// dashes in a row where it wraps. The pattern runs on across a polyline's
// lines and joins and starts again with each polyline.
//
// Horizontal and vertical lines take a short way here, their polygons
// being exact (vertices on half pixels): a line's pixel i (0 <= i <
// length) lies i pixels from its start towards its end, one pixel back when
// the line runs left or up (the half-open rule keeps the lower coordinate),
// and is drawn when distance i of the pattern falls in a drawn dash. A turn
// adds its corner pixel when both lines are "on" there and the turn is
// right-then-up or down-then-left (its miter covers that pixel's centre).
// A polyline with a line at any other angle goes through the reference's
// floating-point polygons (stroke_dash_polygons.hpp), its pattern moving on
// by the rounded-up length of each line.
// Lines longer than 46340 pixels overflow an int in the reference; drawn
// here as for shorter lines.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "protocol/display_messages.hpp"
#include "protocol/result.hpp"

namespace vigil::protocol {

class dash_pattern {
public:
  struct state {
    std::size_t index = 0;    // the dash
    std::int64_t offset = 0;  // pixels of it already gone
  };

  // Errors: no lengths, or all of them zero (the reference never finishes).
  static result<dash_pattern> from_style(std::uint8_t attr_flags, const std::vector<std::int32_t>& style);

  const std::vector<std::uint8_t>& lengths() const { return lengths_; }
  state start() const { return start_; }
  // Where the pattern is after `length` (> 0) pixels of line from `from`: a
  // dash that ends exactly there is passed.
  state advance(state from, std::int64_t length) const;
  // Whether pixel i of a line starting at `from` lies in a drawn dash.
  bool drawn(state from, std::int64_t i) const;
  // Whether a line starting at `from` starts "on", and one ending at `to` ends "on".
  static bool starts_on(state from) { return from.index % 2 == 0; }
  static bool ends_on(state to) { return (to.index % 2 == 1) != (to.offset != 0); }
  std::int64_t period() const { return total_; }  // the lengths' sum, > 0

private:
  std::size_t next(std::size_t index) const { return index + 1 == lengths_.size() ? 0 : index + 1; }

  std::vector<std::uint8_t> lengths_;
  std::vector<std::int64_t> starts_;  // starts_[i]: the sum of lengths before i
  std::int64_t total_ = 0;
  state start_;
};

// Whether X's mi code keeps a polyline's spans apart for raster operation
// `function` (X's GX code: bit 0 its result for source 1 over destination
// 1, bit 1 for 1 over 0, bit 2 for 0 over 1, bit 3 for 0 over 0): only for
// the "careful" ones, which painting a pixel twice would change. Then every
// miter join is filled; otherwise only those whose point neither line draws.
bool joins_every_miter(std::uint8_t function);

// An upper bound of the steps (dash_polygon_steps) of the polylines with a
// line neither horizontal nor vertical, drawn inside `bounds`.
std::uint64_t slanted_dash_steps(const std::vector<std::vector<point>>& polylines, const dash_pattern& pattern,
                                 const rect& bounds);

// Calls plot(x, y) for each pixel of each dashed polyline inside `region`
// (non-overlapping rectangles), polyline by polyline, once a polyline even
// where its lines cross or meet (a pixel two polylines share, twice).
// `every_join`: joins_every_miter of the stroke's raster operation.
void draw_dashed_polylines(const std::vector<std::vector<point>>& polylines, const dash_pattern& pattern,
                           bool every_join, const std::vector<rect>& region,
                           const std::function<void(std::int32_t, std::int32_t)>& plot);

}  // namespace vigil::protocol
