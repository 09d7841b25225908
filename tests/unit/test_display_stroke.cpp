// DRAW_STROKE: the message (malformed bodies name the message and the
// field), the path's flattening, X's zero-width lines and the drawing.
#include <boost/test/unit_test.hpp>

#include <spice/enums.h>
#include <spice/protocol.h>

#include <climits>
#include <random>
#include <set>
#include <utility>

#include "captured_stream.hpp"
#include "check_contains.hpp"
#include "protocol/display_pipeline.hpp"
#include "protocol/stroke_messages.hpp"
#include "protocol/stroke_raster.hpp"
#include "small_surface_fixture.hpp"
#include "test_display_builders.hpp"

using namespace vigil::protocol;
using namespace vigil::test;

namespace {

rect r(std::int32_t top, std::int32_t left, std::int32_t bottom, std::int32_t right) {
  return make_rect(top, left, bottom, right);
}

struct wire_segment {
  std::uint8_t flags;
  std::vector<std::pair<std::int32_t, std::int32_t>> points;  // 28.4
};

// A stroke body over `box`: path pointer, unstyled attr, solid brush, modes;
// then the path.
display_body stroke_body(const rect& box, const std::vector<wire_segment>& path, std::uint32_t color,
                         std::uint16_t fore_mode = SPICE_ROPD_OP_PUT) {
  display_body body;
  body.base(0, box).pointer("path").u8(0).u8(SPICE_BRUSH_TYPE_SOLID).u32(color).u16(fore_mode).u16(
      SPICE_ROPD_OP_PUT);
  body.place("path").u32(static_cast<std::uint32_t>(path.size()));
  for (const auto& s : path) {
    body.u8(s.flags).u32(static_cast<std::uint32_t>(s.points.size()));
    for (const auto& [x, y] : s.points)
      body.i32(x).i32(y);
  }
  return body;
}

wire_segment line(std::int32_t x1, std::int32_t y1, std::int32_t x2, std::int32_t y2) {
  return wire_segment{SPICE_PATH_BEGIN | SPICE_PATH_END, {{x1 * 16, y1 * 16}, {x2 * 16, y2 * 16}}};
}

std::vector<point> pixels_of(point from, point to) {
  std::vector<point> out;
  const zero_width_line l(from, to);
  for (std::int64_t i = 0; i < l.length(); ++i)
    out.push_back(l.at(i));
  return out;
}

bool same(const std::vector<point>& a, const std::vector<std::pair<int, int>>& b) {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].x != b[i].first || a[i].y != b[i].second)
      return false;
  return true;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(display_stroke)

BOOST_AUTO_TEST_CASE(stroke_has_a_path_an_attr_a_brush_and_two_modes) {
  const bytes body = stroke_body(r(0, 0, 4, 8), {line(0, 0, 7, 3), {SPICE_PATH_END, {{5, -6}}}}, 0x102030,
                                 SPICE_ROPD_OP_XOR)
                       .take();
  const auto parsed = parse_draw_stroke(body);
  BOOST_TEST_REQUIRE(parsed.ok(), error_text(parsed));
  BOOST_TEST_REQUIRE(parsed->path.size() == 2u);
  BOOST_TEST(parsed->path[0].flags == unsigned{SPICE_PATH_BEGIN | SPICE_PATH_END});
  BOOST_TEST_REQUIRE(parsed->path[0].points.size() == 2u);
  BOOST_TEST(parsed->path[0].points[1].x == 7 * 16);
  BOOST_TEST(parsed->path[1].points[0].y == -6);
  BOOST_TEST(parsed->attr_flags == 0u);
  BOOST_TEST(parsed->style.empty());
  BOOST_TEST(parsed->brush.color == 0x102030u);
  BOOST_TEST(parsed->fore_mode == unsigned{SPICE_ROPD_OP_XOR});
  BOOST_TEST(parsed->back_mode == unsigned{SPICE_ROPD_OP_PUT});
}

BOOST_AUTO_TEST_CASE(a_styled_stroke_carries_its_dash_lengths) {
  display_body body;
  body.base(0, r(0, 0, 4, 8))
    .pointer("path")
    .u8(SPICE_LINE_FLAGS_STYLED | SPICE_LINE_FLAGS_START_WITH_GAP)
    .u8(3)
    .pointer("style")
    .u8(SPICE_BRUSH_TYPE_NONE)
    .u16(SPICE_ROPD_OP_PUT)
    .u16(SPICE_ROPD_OP_PUT)
    .place("style")
    .i32(48)
    .i32(32)
    .i32(-16)
    .place("path")
    .u32(0);
  const auto parsed = parse_draw_stroke(body.take());
  BOOST_TEST_REQUIRE(parsed.ok(), error_text(parsed));
  BOOST_TEST_REQUIRE(parsed->style.size() == 3u);
  BOOST_TEST(parsed->style[2] == -16);
  BOOST_TEST(parsed->path.empty());
}

BOOST_AUTO_TEST_CASE(malformed_stroke_names_the_message_and_the_field) {
  auto expect = [](const bytes& body, const char* field) {
    const auto parsed = parse_draw_stroke(body);
    BOOST_TEST_REQUIRE(!parsed.ok());
    VIGIL_CHECK_CONTAINS(parsed.error().message, "DISPLAY_DRAW_STROKE");
    VIGIL_CHECK_CONTAINS(parsed.error().message, field);
  };
  // More segments than the body holds.
  display_body many;
  many.base(0, r(0, 0, 4, 8)).pointer("path").u8(0).u8(SPICE_BRUSH_TYPE_NONE).u16(8).u16(8).place("path").u32(1000000);
  expect(many.take(), "path.num_segments");
  // A segment announcing more points than follow.
  display_body points;
  points.base(0, r(0, 0, 4, 8)).pointer("path").u8(0).u8(SPICE_BRUSH_TYPE_NONE).u16(8).u16(8).place("path");
  points.u32(1).u8(SPICE_PATH_BEGIN).u32(3).i32(0).i32(0);
  expect(points.take(), "path.segments.count");
  // A null path.
  expect(display_body{}.base(0, r(0, 0, 4, 8)).null_pointer().u8(0).u8(SPICE_BRUSH_TYPE_NONE).u16(8).u16(8).take(),
         "path is a null pointer");
  // A path pointer past the body.
  expect(display_body{}.base(0, r(0, 0, 4, 8)).u32(4096).u8(0).u8(SPICE_BRUSH_TYPE_NONE).u16(8).u16(8).take(),
         "path offset");
  // STYLED with a null style pointer, and with a style cut short.
  display_body null_style;
  null_style.base(0, r(0, 0, 4, 8)).pointer("path").u8(SPICE_LINE_FLAGS_STYLED).u8(2).null_pointer();
  null_style.u8(SPICE_BRUSH_TYPE_NONE).u16(8).u16(8).place("path").u32(0);
  expect(null_style.take(), "attr.style is a null pointer");
  display_body short_style;
  short_style.base(0, r(0, 0, 4, 8)).pointer("path").u8(SPICE_LINE_FLAGS_STYLED).u8(200).pointer("style");
  short_style.u8(SPICE_BRUSH_TYPE_NONE).u16(8).u16(8).place("path").u32(0).place("style").i32(16);
  expect(short_style.take(), "attr.style_nseg");
  // A bad brush type, and a body that ends before back_mode.
  display_body bad_brush;
  bad_brush.base(0, r(0, 0, 4, 8)).pointer("path").u8(0).u8(9).u16(8).u16(8).place("path").u32(0);
  expect(bad_brush.take(), "brush.type");
  // (The path at offset 1 reads the zero bytes of surface_id and box.top: no segments.)
  expect(display_body{}.base(0, r(0, 0, 4, 8)).u32(1).u8(0).u8(SPICE_BRUSH_TYPE_NONE).u16(8).take(), "back_mode");
}

BOOST_AUTO_TEST_CASE(lines_step_as_x_does_with_its_bias_on_ties_and_without_their_end_pixel) {
  // Slope 1/2, octant 1 (no bias): the tie at x = 1 steps y.
  BOOST_TEST(same(pixels_of({0, 0}, {4, 2}), {{0, 0}, {1, 1}, {2, 1}, {3, 2}}));
  // The same line drawn back (octant 5, biased): the tie stays on the row.
  BOOST_TEST(same(pixels_of({4, 2}, {0, 0}), {{4, 2}, {3, 2}, {2, 1}, {1, 1}}));
  // Y major, slope 2 upwards to the right (octant 2, biased), and a diagonal.
  BOOST_TEST(same(pixels_of({0, 4}, {2, 0}), {{0, 4}, {0, 3}, {1, 2}, {1, 1}}));
  BOOST_TEST(same(pixels_of({0, 0}, {3, 3}), {{0, 0}, {1, 1}, {2, 2}}));
  BOOST_TEST(pixels_of({5, 5}, {5, 5}).empty());
}

BOOST_AUTO_TEST_CASE(the_pixels_inside_a_rectangle_are_those_stepping_finds_there) {
  std::mt19937 random(15);
  std::uniform_int_distribution<std::int32_t> coordinate(-60, 60);
  const rect area = r(-7, -11, 13, 9);
  for (int trial = 0; trial < 2000; ++trial) {
    const point from{coordinate(random), coordinate(random)}, to{coordinate(random), coordinate(random)};
    const zero_width_line l(from, to);
    std::set<std::pair<int, int>> expected, found;
    for (const point& p : pixels_of(from, to))
      if (p.x >= area.left && p.x < area.right && p.y >= area.top && p.y < area.bottom)
        expected.insert({p.x, p.y});
    const auto [first, last] = l.steps_inside(area);
    for (std::int64_t i = first; i <= last; ++i)
      found.insert({l.at(i).x, l.at(i).y});
    BOOST_TEST_REQUIRE((expected == found), "line (" << from.x << "," << from.y << ")-(" << to.x << "," << to.y << ")");
  }
}

BOOST_AUTO_TEST_CASE(a_line_between_int32_extremes_draws_only_its_visible_pixels) {
  std::vector<point> seen;
  draw_zero_width_polyline({{INT32_MIN, INT32_MIN}, {INT32_MAX, INT32_MAX}, {INT32_MIN, 2}}, {r(0, 0, 4, 8)},
                           [&](std::int32_t x, std::int32_t y) { seen.push_back({x, y}); });
  // The diagonal crosses (0,0)..(3,3); the line back runs some 2^30 rows below the surface there.
  BOOST_TEST(seen.size() == 4u);
  for (const point& p : seen)
    BOOST_TEST((p.x == p.y && p.x >= 0 && p.x < 4));
}

BOOST_AUTO_TEST_CASE(paths_flatten_into_polylines_as_the_reference_canvas_does) {
  std::vector<path_segment> path;
  // Rounding: 8/16 rounds down, 9/16 up, also below zero.
  path.push_back({SPICE_PATH_BEGIN, {{8, 9}, {-8, -7}}});
  path.push_back({0, {{40, 40}}});
  path.push_back({SPICE_PATH_END | SPICE_PATH_CLOSE, {{80, 0}}});
  path.push_back({SPICE_PATH_BEGIN, {{0, 0}}});
  // A flat curve: one line to its end point.
  path.push_back({SPICE_PATH_BEZIER, {{16, 16}, {32, 32}, {48, 48}}});
  auto flat = flatten_path(path, memory_account{});
  BOOST_TEST_REQUIRE(flat.ok(), error_text(flat));
  BOOST_TEST_REQUIRE(flat->lines.size() == 2u);
  const auto& closed = flat->lines[0];
  BOOST_TEST_REQUIRE(closed.size() == 5u);
  BOOST_TEST((closed[0].x == 0 && closed[0].y == 1));
  BOOST_TEST((closed[1].x == -1 && closed[1].y == 0));
  BOOST_TEST((closed[2].x == 2 && closed[2].y == 2));
  BOOST_TEST((closed[4].x == 0 && closed[4].y == 1));  // CLOSE: back to the first point
  BOOST_TEST((flat->lines[1].back().x == 3 && flat->lines[1].back().y == 3));
  // A curve bending away is split into several lines.
  auto bent = flatten_path({{SPICE_PATH_BEGIN, {{0, 0}}}, {SPICE_PATH_BEZIER, {{0, 1600}, {1600, 1600}, {1600, 0}}}},
                           memory_account{});
  BOOST_TEST_REQUIRE(bent.ok());
  BOOST_TEST(bent->lines.at(0).size() > 8u);
  BOOST_TEST((bent->lines[0].back().x == 100 && bent->lines[0].back().y == 0));
}

BOOST_AUTO_TEST_CASE(bad_and_degenerate_curves_end_the_path_without_hanging) {
  // A bezier segment of 2 points: the path ends there, the polyline before it dropped.
  auto cut = flatten_path({{SPICE_PATH_BEGIN | SPICE_PATH_END, {{0, 0}, {64, 0}}}, {SPICE_PATH_BEGIN, {{0, 0}, {16, 0}}},
                           {SPICE_PATH_BEZIER, {{1, 1}, {2, 2}}}, {SPICE_PATH_BEGIN | SPICE_PATH_END, {{0, 0}, {64, 64}}}},
                          memory_account{});
  BOOST_TEST_REQUIRE(cut.ok());
  BOOST_TEST(cut->lines.size() == 1u);
  // All four points equal (the reference recurses forever), and a tiny loop.
  auto degenerate = flatten_path({{SPICE_PATH_BEGIN, {{32, 32}}}, {SPICE_PATH_BEZIER, {{32, 32}, {32, 32}, {32, 32}}},
                                  {SPICE_PATH_BEZIER, {{33, 32}, {33, 33}, {32, 32}}}},
                                 memory_account{});
  BOOST_TEST_REQUIRE(degenerate.ok());
  // A curve with nothing to start from ends the path.
  auto orphan = flatten_path({{SPICE_PATH_BEZIER, {{0, 0}, {16, 16}, {32, 0}}}}, memory_account{});
  BOOST_TEST_REQUIRE(orphan.ok());
  BOOST_TEST(orphan->lines.empty());
}

BOOST_AUTO_TEST_CASE(a_path_of_too_many_points_is_refused) {
  std::vector<point_fix> many(max_stroke_points + 1);
  auto refused = flatten_path({{SPICE_PATH_BEGIN, many}}, memory_account{});
  BOOST_TEST_REQUIRE(!refused.ok());
  VIGIL_CHECK_CONTAINS(refused.error().message, "DISPLAY_DRAW_STROKE");
  // Curves that would split into more points than the limit, too.
  // S curves across the whole 28.4 range, end to end (some 20,000 points each).
  std::vector<path_segment> path{{SPICE_PATH_BEGIN, {{0, 0}}}};
  for (int i = 0; i < 8; ++i)
    path.push_back({SPICE_PATH_BEZIER,
                    {{INT32_MAX, INT32_MIN}, {INT32_MIN, INT32_MAX}, i % 2 ? point_fix{0, 0} : point_fix{INT32_MAX, INT32_MAX}}});
  BOOST_TEST(!flatten_path(path, memory_account{}).ok());
}

BOOST_AUTO_TEST_CASE(stroke_combines_the_brush_with_each_line_pixel_by_its_fore_mode) {
  small_surface_fixture f;
  const bytes put = stroke_body(r(0, 0, 4, 8), {line(0, 0, 7, 0)}, 0x00ff00).take();
  BOOST_TEST_REQUIRE((f.pipeline.apply(SPICE_MSG_DISPLAY_DRAW_STROKE, put).outcome == display_outcome::applied));
  BOOST_TEST(f.at(0, 0) == 0x00ff00u);
  BOOST_TEST(f.at(6, 0) == 0x00ff00u);
  BOOST_TEST(f.at(7, 0) == 0u);  // the end pixel is not drawn
  // XOR twice over the same pixel of two polylines gives it back.
  const bytes twice = stroke_body(r(0, 0, 4, 8), {line(2, 0, 2, 3), line(2, 0, 2, 2)}, 0xff00ff, SPICE_ROPD_OP_XOR)
                        .take();
  BOOST_TEST_REQUIRE((f.pipeline.apply(SPICE_MSG_DISPLAY_DRAW_STROKE, twice).outcome == display_outcome::applied));
  BOOST_TEST(f.at(2, 0) == 0x00ff00u);
  BOOST_TEST(f.at(2, 1) == 0u);
  BOOST_TEST(f.at(2, 2) == 0xff00ffu);
}

BOOST_AUTO_TEST_CASE(stroke_is_clipped_to_its_box_and_dashes_are_said_unsupported) {
  small_surface_fixture f;
  const bytes body = stroke_body(r(1, 1, 3, 3), {line(0, 0, 4, 4)}, 0xffffff).take();
  BOOST_TEST_REQUIRE((f.pipeline.apply(SPICE_MSG_DISPLAY_DRAW_STROKE, body).outcome == display_outcome::applied));
  BOOST_TEST(f.at(0, 0) == 0u);
  BOOST_TEST(f.at(1, 1) == 0xffffffu);
  BOOST_TEST(f.at(2, 2) == 0xffffffu);
  BOOST_TEST(f.at(3, 3) == 0u);
  display_body styled;
  styled.base(0, r(0, 0, 4, 8)).pointer("path").u8(SPICE_LINE_FLAGS_STYLED).u8(1).pointer("style");
  styled.u8(SPICE_BRUSH_TYPE_NONE).u16(8).u16(8).place("style").i32(32).place("path").u32(0);
  const display_step step = f.pipeline.apply(SPICE_MSG_DISPLAY_DRAW_STROKE, styled.take());
  BOOST_TEST((step.outcome == display_outcome::unsupported));
  VIGIL_CHECK_CONTAINS(step.error, "STYLED");
}

BOOST_AUTO_TEST_SUITE_END()
