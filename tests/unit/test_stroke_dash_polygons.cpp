// Dashed lines at any angle as X's one-pixel-wide dash polygons
// (protocol/stroke_dash_polygons.hpp): pixels worked out by hand for small
// lines, the polygons against the short way for horizontal and vertical
// polylines, joins, and the cost bound.
#include <boost/test/unit_test.hpp>

#include <spice/enums.h>

#include <climits>
#include <random>
#include <set>
#include <utility>
#include <vector>

#include "protocol/stroke_dash.hpp"
#include "protocol/stroke_dash_polygons.hpp"

using namespace vigil::protocol;

namespace {

using pixel_set = std::set<std::pair<int, int>>;

const rect everywhere{-64, -64, 64, 64};  // top, left, bottom, right

pixel_set polygon_pixels(const std::vector<point>& polyline, const dash_pattern& pattern, bool every_join,
                         const rect& area = everywhere) {
  pixel_set out;
  visit_dash_polygons(polyline, pattern, every_join, {area}, area,
                      [&](std::int32_t x, std::int32_t y) { out.insert({x, y}); });
  return out;
}

pixel_set short_way_pixels(const std::vector<point>& polyline, const dash_pattern& pattern) {
  pixel_set out;
  draw_dashed_polylines({polyline}, pattern, false, {everywhere},
                        [&](std::int32_t x, std::int32_t y) { out.insert({x, y}); });
  return out;
}

dash_pattern pattern_of(std::vector<std::int32_t> pixels, std::uint8_t flags = 0) {
  for (auto& length : pixels)
    length *= 16;
  auto p = dash_pattern::from_style(flags, pixels);
  BOOST_TEST_REQUIRE(p.ok());
  return *p;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(stroke_dash_polygons)

// (0, 0) to (6, 3): a band half a pixel either side (|3x - 6y| <= 3.35),
// from the start (6x + 3y >= 0) to before the end (6x + 3y < 45).
BOOST_AUTO_TEST_CASE(a_slanted_line_is_the_pixels_whose_centres_lie_in_its_band) {
  const pixel_set solid = polygon_pixels({{0, 0}, {6, 3}}, pattern_of({255}), false);
  BOOST_TEST((solid == pixel_set{{0, 0}, {1, 0}, {1, 1}, {2, 1}, {3, 1}, {3, 2}, {4, 2}, {5, 2}, {5, 3}}));
  // {2, 1}: drawn for 6x + 3y in [0, 13.4), [20.1, 33.5) and [40.2, 45) (L = 6.708).
  const pixel_set dashed = polygon_pixels({{0, 0}, {6, 3}}, pattern_of({2, 1}), false);
  BOOST_TEST((dashed == pixel_set{{0, 0}, {1, 0}, {1, 1}, {3, 1}, {3, 2}, {4, 2}}));
  // Backwards the polygon is the same and so are its pixels: the fill rule,
  // not the direction, keeps (0, 0) and leaves (6, 3) out.
  BOOST_TEST((polygon_pixels({{6, 3}, {0, 0}}, pattern_of({255}), false) == solid));
}

// The polygons of horizontal and vertical lines lie on half pixels: they
// must give what the short way (tested against spice-server) gives, with
// either join rule, for any pattern and turn.
BOOST_AUTO_TEST_CASE(horizontal_and_vertical_polylines_give_the_short_ways_pixels) {
  std::mt19937 random(15);
  for (int trial = 0; trial < 400; ++trial) {
    std::vector<std::int32_t> style(1 + random() % 5);
    for (auto& length : style)
      length = static_cast<std::int32_t>(random() % 6);
    style[0] += 1;
    auto p = dash_pattern::from_style(trial % 3 == 0 ? SPICE_LINE_FLAGS_START_WITH_GAP : 0,
                                      [&] {
                                        auto fixed = style;
                                        for (auto& length : fixed)
                                          length *= 16;
                                        return fixed;
                                      }());
    BOOST_TEST_REQUIRE(p.ok());
    std::vector<point> polyline{{static_cast<std::int32_t>(random() % 24) - 4, static_cast<std::int32_t>(random() % 24) - 4}};
    const int lines = 1 + static_cast<int>(random() % 6);
    for (int i = 0; i < lines; ++i) {
      point next = polyline.back();
      (random() % 2 ? next.x : next.y) = static_cast<std::int32_t>(random() % 24) - 4;
      polyline.push_back(next);
    }
    if (trial % 4 == 0)
      polyline.push_back(polyline.front().x == polyline.back().x || polyline.front().y == polyline.back().y
                           ? polyline.front()
                           : point{polyline.front().x, polyline.back().y});
    const pixel_set expected = short_way_pixels(polyline, *p);
    BOOST_TEST_REQUIRE((polygon_pixels(polyline, *p, false) == expected), "trial " << trial);
    BOOST_TEST_REQUIRE((polygon_pixels(polyline, *p, true) == expected), "trial " << trial);
  }
}

// A turn whose point neither line draws gets its miter with every raster
// operation; X's "easy" operations leave out the others, which the careful
// ones fill.
BOOST_AUTO_TEST_CASE(joins_are_filled_by_every_operation_only_where_no_line_draws_the_point) {
  const dash_pattern solid = pattern_of({255});
  // Right and down, then left and up: leaving left, arriving right.
  const std::vector<point> left_after_right{{0, 0}, {12, 5}, {1, 9}};
  BOOST_TEST((polygon_pixels(left_after_right, solid, false) == polygon_pixels(left_after_right, solid, true)));
  // Left then back right at a sharp angle: only the careful operations
  // fill the join, whose tip reaches the pixel left of the point.
  const std::vector<point> back_right{{40, 0}, {0, 12}, {40, 16}};
  const pixel_set easy = polygon_pixels(back_right, solid, false);
  const pixel_set careful = polygon_pixels(back_right, solid, true);
  for (const auto& pixel : easy)
    BOOST_TEST(careful.count(pixel) == 1u);
  BOOST_TEST(careful.size() == easy.size() + 1);
  BOOST_TEST(careful.count({-1, 12}) == 1u);
  BOOST_TEST(easy.count({-1, 12}) == 0u);
  BOOST_TEST(joins_every_miter(0x6));   // XOR
  BOOST_TEST(joins_every_miter(0xa));   // INVERT
  BOOST_TEST(!joins_every_miter(0x3));  // COPY
  BOOST_TEST(!joins_every_miter(0x7));  // OR
}

// A very sharp turn would put the miter's tip far out: a bevel instead,
// within a pixel or two of the point.
BOOST_AUTO_TEST_CASE(a_sharp_turn_ends_in_a_bevel_near_its_point) {
  const pixel_set pixels = polygon_pixels({{0, 0}, {40, 2}, {0, 4}}, pattern_of({255}), true);
  for (const auto& [x, y] : pixels)
    BOOST_TEST(x <= 41);
}

// Only the part that shows is drawn, and what a stroke costs is bounded by
// its dashes up to there.
BOOST_AUTO_TEST_CASE(lines_far_outside_cost_their_dashes_up_to_what_shows) {
  const dash_pattern dots = pattern_of({1, 1});
  const rect small{0, 0, 8, 8};
  const std::vector<point> crossing{{-100000000, -1}, {100000000, 5}};
  BOOST_TEST(dash_polygon_steps(crossing, dots, small) > max_dash_polygon_steps);
  const std::vector<point> away{{-100000000, -1000}, {100000000, -900}};
  BOOST_TEST(dash_polygon_steps(away, dots, small) == 1u);
  BOOST_TEST(polygon_pixels(away, dots, true, small).empty());
  const std::vector<point> starting_inside{{2, 2}, {100000000, 9000000}};
  BOOST_TEST(dash_polygon_steps(starting_inside, dots, small) < 64u);
  const pixel_set pixels = polygon_pixels(starting_inside, dots, true, small);
  BOOST_TEST(!pixels.empty());
  for (const auto& [x, y] : pixels)
    BOOST_TEST((x >= 0 && x < 8 && y >= 0 && y < 8));
}

// 28.4 points never reach past 2^27; beyond 2^28 the 64-bit products could
// overflow, so such a polyline is not drawn here.
BOOST_AUTO_TEST_CASE(points_past_what_fixed_point_gives_draw_nothing) {
  BOOST_TEST(polygon_pixels({{INT32_MIN, 0}, {INT32_MAX, 5}}, pattern_of({3, 1}), true).empty());
  BOOST_TEST(!polygon_pixels({{0, 0}, {max_dash_coordinate, 5}}, pattern_of({3, 1}), true).empty());
}

BOOST_AUTO_TEST_SUITE_END()
