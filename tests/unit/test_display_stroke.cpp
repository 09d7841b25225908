// DRAW_STROKE: the message (malformed bodies name the message and the
// field), the path's flattening, X's zero-width lines and the drawing.
#include <boost/test/unit_test.hpp>

#include <spice/enums.h>
#include <spice/protocol.h>

#include <climits>
#include <random>
#include <set>
#include <string>
#include <utility>

#include "captured_stream.hpp"
#include "check_contains.hpp"
#include "protocol/display_pipeline.hpp"
#include "protocol/stroke_dash.hpp"
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

// The path pointer's data: segment count, then each segment's flags, count and points.
void place_path(display_body& body, const std::vector<wire_segment>& path) {
  body.place("path").u32(static_cast<std::uint32_t>(path.size()));
  for (const auto& s : path) {
    body.u8(s.flags).u32(static_cast<std::uint32_t>(s.points.size()));
    for (const auto& [x, y] : s.points)
      body.i32(x).i32(y);
  }
}

// A stroke body over `box`: path pointer, unstyled attr, solid brush, modes;
// then the path.
display_body stroke_body(const rect& box, const std::vector<wire_segment>& path, std::uint32_t color,
                         std::uint16_t fore_mode = SPICE_ROPD_OP_PUT) {
  display_body body;
  body.base(0, box).pointer("path").u8(0).u8(SPICE_BRUSH_TYPE_SOLID).u32(color).u16(fore_mode).u16(
      SPICE_ROPD_OP_PUT);
  place_path(body, path);
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

// A STYLED stroke body: like stroke_body, with `style` (28.4 lengths).
display_body styled_body(const rect& box, const std::vector<wire_segment>& path, const std::vector<std::int32_t>& style,
                         std::uint32_t color, std::uint16_t fore_mode = SPICE_ROPD_OP_PUT, std::uint8_t flags = 0) {
  display_body body;
  body.base(0, box).pointer("path").u8(SPICE_LINE_FLAGS_STYLED | flags).u8(static_cast<std::uint8_t>(style.size()));
  body.pointer("style").u8(SPICE_BRUSH_TYPE_SOLID).u32(color).u16(fore_mode).u16(SPICE_ROPD_OP_PUT);
  body.place("style");
  for (std::int32_t length : style)
    body.i32(length);
  place_path(body, path);
  return body;
}

// A polyline of whole-pixel points as one path segment.
wire_segment polyline(const std::vector<std::pair<std::int32_t, std::int32_t>>& points, bool close = false) {
  wire_segment s{static_cast<std::uint8_t>(SPICE_PATH_BEGIN | SPICE_PATH_END | (close ? SPICE_PATH_CLOSE : 0)), {}};
  for (const auto& [x, y] : points)
    s.points.emplace_back(x * 16, y * 16);
  return s;
}

// Row y of the small surface: '#' where the pixel is `color`, '.' where black.
std::string row(const small_surface_fixture& f, std::uint32_t y, std::uint32_t color) {
  std::string out;
  for (std::uint32_t x = 0; x < 8; ++x)
    out += f.at(x, y) == color ? '#' : f.at(x, y) == 0 ? '.' : '?';
  return out;
}

// X's stepping, one pixel at a time: the dash index before each pixel of a
// line `length` long, then the state after it (a spent dash passed once).
struct stepped_line {
  std::vector<std::size_t> dash_of_pixel;
  dash_pattern::state end;
};
stepped_line step_like_x(const dash_pattern& p, dash_pattern::state s, std::int64_t length) {
  stepped_line out;
  const auto& len = p.lengths();
  auto next = [&] {
    s.index = (s.index + 1) % len.size();
    s.offset = 0;
  };
  for (std::int64_t i = 0; i < length; ++i) {
    while (s.offset == len[s.index])
      next();
    out.dash_of_pixel.push_back(s.index);
    ++s.offset;
  }
  if (s.offset == len[s.index])
    next();
  out.end = s;
  return out;
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

BOOST_AUTO_TEST_CASE(stroke_is_clipped_to_its_box) {
  small_surface_fixture f;
  const bytes body = stroke_body(r(1, 1, 3, 3), {line(0, 0, 4, 4)}, 0xffffff).take();
  BOOST_TEST_REQUIRE((f.pipeline.apply(SPICE_MSG_DISPLAY_DRAW_STROKE, body).outcome == display_outcome::applied));
  BOOST_TEST(f.at(0, 0) == 0u);
  BOOST_TEST(f.at(1, 1) == 0xffffffu);
  BOOST_TEST(f.at(2, 2) == 0xffffffu);
  BOOST_TEST(f.at(3, 3) == 0u);
}

BOOST_AUTO_TEST_CASE(dash_lengths_round_to_pixels_in_a_byte_and_start_with_gap_rotates_them) {
  // 1.5 rounds down, 1.5625 up; 260 pixels keep 4, -1 pixel keeps 255.
  auto plain = dash_pattern::from_style(0, {24, 25, 260 * 16, -16});
  BOOST_TEST_REQUIRE(plain.ok(), error_text(plain));
  BOOST_TEST((plain->lengths() == std::vector<std::uint8_t>{1, 2, 4, 255}));
  BOOST_TEST((plain->start().index == 0u && plain->start().offset == 0));
  // START_WITH_GAP: {1, 2, 3} becomes {2, 3, 1}, started 2 pixels on: dash 1 (a gap).
  auto gap = dash_pattern::from_style(SPICE_LINE_FLAGS_START_WITH_GAP, {16, 32, 48});
  BOOST_TEST_REQUIRE(gap.ok());
  BOOST_TEST((gap->lengths() == std::vector<std::uint8_t>{2, 3, 1}));
  BOOST_TEST((gap->start().index == 1u && gap->start().offset == 0));
  // Empty dashes where the gap ends are passed: {1, 0, 0, 2} started at 1 is in dash 3.
  auto empty = dash_pattern::from_style(SPICE_LINE_FLAGS_START_WITH_GAP, {32, 16, 0, 0});
  BOOST_TEST_REQUIRE(empty.ok());
  BOOST_TEST((empty->start().index == 3u && empty->start().offset == 0));
  // No lengths, or only empty ones (the reference loops forever on those).
  BOOST_TEST(!dash_pattern::from_style(0, {}).ok());
  auto zeros = dash_pattern::from_style(0, {0, 256 * 16, 7});
  BOOST_TEST_REQUIRE(!zeros.ok());
  VIGIL_CHECK_CONTAINS(zeros.error().message, "attr.style");
}

BOOST_AUTO_TEST_CASE(the_pattern_runs_on_as_x_steps_it_pixel_by_pixel) {
  std::mt19937 random(9);
  std::uniform_int_distribution<int> count(1, 5), length(0, 4), line_length(1, 40);
  for (int trial = 0; trial < 300; ++trial) {
    std::vector<std::int32_t> style(static_cast<std::size_t>(count(random)));
    for (auto& l : style)
      l = length(random) * 16;
    style[0] += 16;  // never all empty
    auto p = dash_pattern::from_style(trial % 2 ? SPICE_LINE_FLAGS_START_WITH_GAP : 0, style);
    BOOST_TEST_REQUIRE(p.ok());
    dash_pattern::state s = p->start();
    for (int k = 0; k < 5; ++k) {  // lines one after another
      const std::int64_t n = line_length(random);
      const stepped_line x = step_like_x(*p, s, n);
      for (std::int64_t i = 0; i < n; ++i)
        BOOST_TEST_REQUIRE(p->drawn(s, i) == (x.dash_of_pixel[static_cast<std::size_t>(i)] % 2 == 0));
      const dash_pattern::state end = p->advance(s, n);
      BOOST_TEST_REQUIRE((end.index == x.end.index && end.offset == x.end.offset), "trial " << trial);
      s = end;
    }
  }
  // Whole turns of a pattern are skipped in one step: 5 * 2^38 (+ 4) pixels of {3, 2}.
  auto p = dash_pattern::from_style(0, {48, 32});
  BOOST_TEST_REQUIRE(p.ok());
  const auto whole = p->advance(p->start(), std::int64_t{5} << 38);
  BOOST_TEST((whole.index == 0u && whole.offset == 0));
  const auto more = p->advance(p->start(), (std::int64_t{5} << 38) + 4);
  BOOST_TEST((more.index == 1u && more.offset == 1));
  // An odd-length list draws two dashes in a row where it wraps: {1, 1, 1}.
  auto odd = dash_pattern::from_style(0, {16, 16, 16});
  BOOST_TEST_REQUIRE(odd.ok());
  std::string drawn;
  for (int i = 0; i < 6; ++i)
    drawn += odd->drawn(odd->start(), i) ? '#' : '.';
  BOOST_TEST(drawn == "#.##.#");
}

BOOST_AUTO_TEST_CASE(a_dashed_line_covers_the_half_open_span_between_its_ends) {
  small_surface_fixture f;
  // {2, 1}: right from x = 0, left from x = 7 (its start pixel not drawn, its end drawn).
  const bytes body =
    styled_body(r(0, 0, 4, 8), {line(0, 0, 8, 0), line(7, 1, 0, 1), line(6, 2, 6, 2)}, {32, 16}, 0x00ff00).take();
  BOOST_TEST_REQUIRE((f.pipeline.apply(SPICE_MSG_DISPLAY_DRAW_STROKE, body).outcome == display_outcome::applied));
  BOOST_TEST(row(f, 0, 0x00ff00) == "##.##.##");
  BOOST_TEST(row(f, 1, 0x00ff00) == "#.##.##.");
  BOOST_TEST(row(f, 2, 0x00ff00) == "........");  // a point draws nothing
  // Down from y = 0 and up from y = 4 (rows 3, 2, 1, 0), START_WITH_GAP {1, 2}: {2, 1} from dash 1.
  small_surface_fixture g;
  const bytes columns =
    styled_body(r(0, 0, 4, 8), {line(1, 0, 1, 4), line(2, 4, 2, 0)}, {16, 32}, 0xff0000, SPICE_ROPD_OP_PUT,
                SPICE_LINE_FLAGS_START_WITH_GAP)
      .take();
  BOOST_TEST_REQUIRE((g.pipeline.apply(SPICE_MSG_DISPLAY_DRAW_STROKE, columns).outcome == display_outcome::applied));
  for (std::uint32_t y = 0; y < 4; ++y) {
    BOOST_TEST(g.at(1, y) == (y == 1 || y == 2 ? 0xff0000u : 0u), "down, y " << y);
    BOOST_TEST(g.at(2, y) == (y == 2 || y == 1 ? 0xff0000u : 0u), "up, y " << y);
  }
}

BOOST_AUTO_TEST_CASE(dashes_run_on_across_corners_and_right_then_up_fills_the_corner) {
  small_surface_fixture f;
  // Right 0..3 on row 3, up column 4 from row 3: {5, 1}; the corner (4, 3) drawn by the miter.
  const bytes up = styled_body(r(0, 0, 4, 8), {polyline({{0, 3}, {4, 3}, {4, 0}})}, {80, 16}, 0xffffff).take();
  BOOST_TEST_REQUIRE((f.pipeline.apply(SPICE_MSG_DISPLAY_DRAW_STROKE, up).outcome == display_outcome::applied));
  BOOST_TEST(row(f, 3, 0xffffff) == "#####...");
  BOOST_TEST(f.at(4, 2) == 0xffffffu);  // pixel 4 of the pattern: the first dash still
  BOOST_TEST(f.at(4, 1) == 0u);         // pixel 5: the gap
  BOOST_TEST(f.at(4, 0) == 0xffffffu);
  // Right then down: no corner pixel, the line down starts on its first row.
  small_surface_fixture g;
  const bytes down = styled_body(r(0, 0, 4, 8), {polyline({{0, 0}, {3, 0}, {3, 3}})}, {160}, 0xffffff).take();
  BOOST_TEST_REQUIRE((g.pipeline.apply(SPICE_MSG_DISPLAY_DRAW_STROKE, down).outcome == display_outcome::applied));
  BOOST_TEST(row(g, 0, 0xffffff) == "####....");
  BOOST_TEST(row(g, 2, 0xffffff) == "...#....");
  BOOST_TEST(row(g, 3, 0xffffff) == "........");
  // A corner where the pattern is off on either side stays empty: {3, 1}, off at the turn.
  small_surface_fixture h;
  const bytes gap = styled_body(r(0, 0, 4, 8), {polyline({{0, 3}, {3, 3}, {3, 0}})}, {48, 16}, 0xffffff).take();
  BOOST_TEST_REQUIRE((h.pipeline.apply(SPICE_MSG_DISPLAY_DRAW_STROKE, gap).outcome == display_outcome::applied));
  BOOST_TEST(h.at(3, 3) == 0u);
}

BOOST_AUTO_TEST_CASE(xor_dashes_change_each_pixel_of_a_polyline_once) {
  small_surface_fixture f;
  // A closed 4x4 square, solid {255}: its first point is on two lines, its
  // bottom-right corner a miter's; every edge pixel changes once.
  const bytes square =
    styled_body(r(0, 0, 4, 8), {polyline({{0, 0}, {3, 0}, {3, 3}, {0, 3}}, true)}, {255 * 16}, 0x0000ff,
                SPICE_ROPD_OP_XOR)
      .take();
  BOOST_TEST_REQUIRE((f.pipeline.apply(SPICE_MSG_DISPLAY_DRAW_STROKE, square).outcome == display_outcome::applied));
  BOOST_TEST(row(f, 0, 0x0000ff) == "####....");
  BOOST_TEST(row(f, 1, 0x0000ff) == "#..#....");
  BOOST_TEST(row(f, 3, 0x0000ff) == "####....");
  // A line drawn back over itself changes once; two polylines over one pixel change it twice.
  small_surface_fixture g;
  const bytes back = styled_body(r(0, 0, 4, 8), {polyline({{0, 0}, {6, 0}, {2, 0}}), line(0, 1, 4, 1), line(2, 1, 3, 1)},
                                 {255 * 16}, 0x0000ff, SPICE_ROPD_OP_XOR)
                       .take();
  BOOST_TEST_REQUIRE((g.pipeline.apply(SPICE_MSG_DISPLAY_DRAW_STROKE, back).outcome == display_outcome::applied));
  BOOST_TEST(row(g, 0, 0x0000ff) == "######..");
  BOOST_TEST(row(g, 1, 0x0000ff) == "##.#....");
}

BOOST_AUTO_TEST_CASE(a_dashed_line_between_int32_extremes_draws_only_its_visible_pixels) {
  auto p = dash_pattern::from_style(0, {48, 16, 16, 32});  // {3, 1, 1, 2}
  BOOST_TEST_REQUIRE(p.ok());
  std::vector<point> seen;
  draw_dashed_polylines({{{INT32_MIN, 1}, {INT32_MAX, 1}, {INT32_MAX, INT32_MIN}}}, *p, false, {r(0, 0, 4, 8)},
                        [&](std::int32_t x, std::int32_t y) { seen.push_back({x, y}); });
  std::size_t expected = 0;
  for (std::int32_t x = 0; x < 8; ++x)
    expected += p->drawn(p->start(), std::int64_t{x} - INT32_MIN) ? 1 : 0;
  BOOST_TEST(seen.size() == expected);
  for (const point& q : seen) {
    BOOST_TEST(q.y == 1);
    BOOST_TEST(p->drawn(p->start(), std::int64_t{q.x} - INT32_MIN));
  }
}

BOOST_AUTO_TEST_CASE(dashed_lines_at_other_angles_are_drawn_too_many_dashes_said_and_empty_patterns_refused) {
  small_surface_fixture f;
  // (0, 0) to (6, 3), {2, 1}: stroke_dash_polygons' tests work its pixels out.
  const display_step slanted =
    f.pipeline.apply(SPICE_MSG_DISPLAY_DRAW_STROKE, styled_body(r(0, 0, 4, 8), {line(0, 0, 6, 3)}, {32, 16}, 0xffffff).take());
  BOOST_TEST_REQUIRE((slanted.outcome == display_outcome::applied));
  BOOST_TEST(row(f, 0, 0xffffff) == "##......");
  BOOST_TEST(row(f, 1, 0xffffff) == ".#.#....");
  BOOST_TEST(row(f, 2, 0xffffff) == "...##...");
  BOOST_TEST(row(f, 3, 0xffffff) == "........");
  // One pixel dots over a line crossing the surface from 2^23 pixels away: said, not drawn.
  const display_step far = f.pipeline.apply(
    SPICE_MSG_DISPLAY_DRAW_STROKE,
    styled_body(r(0, 0, 4, 8), {line(-(1 << 23), 0, 1 << 23, 3)}, {16, 16}, 0xff0000).take());
  BOOST_TEST((far.outcome == display_outcome::unsupported));
  VIGIL_CHECK_CONTAINS(far.error, "dash steps");
  BOOST_TEST(f.at(0, 1) == 0u);
  const display_step zeros =
    f.pipeline.apply(SPICE_MSG_DISPLAY_DRAW_STROKE, styled_body(r(0, 0, 4, 8), {line(0, 0, 7, 0)}, {0, 4}, 1).take());
  BOOST_TEST((zeros.outcome == display_outcome::skipped));
  VIGIL_CHECK_CONTAINS(zeros.error, "zero-length");
}

BOOST_AUTO_TEST_SUITE_END()
