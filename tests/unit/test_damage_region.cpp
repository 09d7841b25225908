// The damage region: what a frame must carry covers every change, in few
// non-overlapping rectangles.
#include <boost/test/unit_test.hpp>

#include <limits>
#include <random>
#include <vector>

#include "protocol/damage_region.hpp"

using namespace vigil::protocol;

namespace {

rect r(std::int32_t top, std::int32_t left, std::int32_t bottom, std::int32_t right) {
  return rect{top, left, bottom, right};
}

// How often each pixel of a w x h area is covered by `rects`.
std::vector<int> coverage(const std::vector<rect>& rects, int w, int h) {
  std::vector<int> count(static_cast<std::size_t>(w * h), 0);
  for (const rect& piece : rects)
    for (int y = std::max(0, piece.top); y < std::min(h, piece.bottom); ++y)
      for (int x = std::max(0, piece.left); x < std::min(w, piece.right); ++x)
        ++count[static_cast<std::size_t>(y * w + x)];
  return count;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(damage_region_tests)

BOOST_AUTO_TEST_CASE(a_rectangle_inside_another_adds_nothing_and_one_around_others_replaces_them) {
  damage_region region;
  region.add(r(0, 0, 10, 10));
  region.add(r(2, 2, 5, 5));
  BOOST_TEST(region.rects().size() == 1u);
  region.add(r(20, 20, 30, 30));
  region.add(r(0, 0, 40, 40));
  BOOST_TEST(region.rects().size() == 1u);
  BOOST_TEST((region.rects().front() == r(0, 0, 40, 40)));
  region.add(r(5, 5, 5, 9));  // empty
  BOOST_TEST(region.rects().size() == 1u);
}

BOOST_AUTO_TEST_CASE(one_rectangle_too_many_grows_the_nearest_one) {
  damage_region region(2);
  region.add(r(0, 0, 10, 10));
  region.add(r(100, 100, 110, 110));
  region.add(r(0, 12, 10, 20));  // next to the first: merged with it, not with the far one
  BOOST_REQUIRE(region.rects().size() == 2u);
  BOOST_TEST((region.bounds() == r(0, 0, 110, 110)));
  auto taken = region.take(r(0, 0, 200, 200));
  BOOST_TEST(region.empty());
  std::int64_t area = 0;
  for (const rect& piece : taken)
    area += piece.width() * piece.height();
  BOOST_TEST(area == 10 * 20 + 10 * 10);
}

BOOST_AUTO_TEST_CASE(areas_at_the_ends_of_the_int32_range_still_grow_the_nearest_rectangle) {
  // Areas of int32 rectangles reach 2^64 - 2^33 + 1: as int64 they
  // overflowed (UBSan: signed integer overflow in area_of), and the wrapped,
  // negative growth of the far column made it the "nearest" one.
  const std::int32_t lowest = std::numeric_limits<std::int32_t>::min();
  const std::int32_t highest = std::numeric_limits<std::int32_t>::max();
  damage_region region(2);
  const rect left_column = r(lowest, lowest, highest, lowest + 1);
  region.add(left_column);
  region.add(r(0, 0, 1, 1));
  region.add(r(lowest, highest - 1, highest, highest));  // the right column: grows the pixel, half the plane less
  BOOST_REQUIRE(region.rects().size() == 2u);
  BOOST_TEST((region.rects()[0] == left_column));
  BOOST_TEST((region.rects()[1] == r(lowest, 0, highest, highest)));
}

BOOST_AUTO_TEST_CASE(taken_rectangles_cover_every_change_once_within_the_limit) {
  std::mt19937 random(7);
  for (int round = 0; round < 200; ++round) {
    damage_region region(1 + round % 8);
    std::vector<rect> added;
    std::uniform_int_distribution<int> coordinate(-8, 72);
    for (int i = 0; i < 1 + round % 20; ++i) {
      int a = coordinate(random), b = coordinate(random), c = coordinate(random), d = coordinate(random);
      rect piece = r(std::min(a, b), std::min(c, d), std::max(a, b), std::max(c, d));
      added.push_back(piece);
      region.add(piece);
    }
    const auto taken = region.take(r(0, 0, 64, 64));
    const auto changed = coverage(added, 64, 64);
    const auto covered = coverage(taken, 64, 64);
    for (std::size_t i = 0; i < changed.size(); ++i) {
      BOOST_TEST_REQUIRE(covered[i] <= 1);  // no pixel carried twice
      if (changed[i] > 0)
        BOOST_TEST_REQUIRE(covered[i] == 1);  // none left out
    }
    for (const rect& piece : taken) {
      BOOST_TEST_REQUIRE(!piece.empty());
      BOOST_TEST_REQUIRE(contains(r(0, 0, 64, 64), piece));
    }
  }
}

BOOST_AUTO_TEST_CASE(overlapping_rectangles_become_bands_that_merge_when_they_line_up) {
  auto pieces = disjoint_rects({r(0, 0, 10, 10), r(0, 0, 20, 10), r(5, 20, 8, 30)});
  BOOST_TEST(pieces.size() == 4u);  // [0,5) one span, [5,8) two, [8,10) and [10,20) one each, merged
  auto merged = disjoint_rects({r(0, 0, 10, 10), r(10, 0, 20, 10)});
  BOOST_REQUIRE(merged.size() == 1u);
  BOOST_TEST((merged.front() == r(0, 0, 20, 10)));
}

// A consumer's picture that repeats the recorded moves and then takes the
// region's rectangles equals the surface, however draws and moves interleave
// (and when some moves are not recorded but sent as pixels instead).
BOOST_AUTO_TEST_CASE(a_picture_that_repeats_the_moves_then_takes_the_rectangles_equals_the_surface) {
  constexpr int w = 48, h = 40;
  std::mt19937 random(11);
  std::uint32_t next_colour = 1;
  std::vector<std::uint32_t> surface(w * h, 0), picture(w * h, 0);
  for (int round = 0; round < 400; ++round) {
    damage_region region(1 + round % 6);
    std::vector<surface_move> moves;
    for (int step = 0; step < 1 + round % 12; ++step) {
      std::uniform_int_distribution<int> x(0, w), y(0, h);
      int a = x(random), b = x(random), c = y(random), d = y(random);
      const rect area = r(std::min(c, d), std::min(a, b), std::max(c, d), std::max(a, b));
      if (area.empty())
        continue;
      if (random() % 3 == 0) {  // a draw
        for (int py = area.top; py < area.bottom; ++py)
          for (int px = area.left; px < area.right; ++px)
            surface[static_cast<std::size_t>(py * w + px)] = next_colour++;
        region.add(area);
        continue;
      }
      // A move of `area` from somewhere inside the surface.
      std::uniform_int_distribution<int> dx(-area.left, w - area.right), dy(-area.top, h - area.bottom);
      const surface_move move{area, dx(random), dy(random)};
      BOOST_TEST_REQUIRE(contains(r(0, 0, h, w), move.from()));
      apply_move(surface.data(), w, move);
      region.move(move);
      if (moves.size() < 3)
        moves.push_back(move);
      else
        region.add(move.to);  // not recorded: sent as pixels
    }
    for (const auto& move : moves)
      apply_move(picture.data(), w, move);
    for (const rect& piece : region.take(r(0, 0, h, w)))
      for (int py = piece.top; py < piece.bottom; ++py)
        for (int px = piece.left; px < piece.right; ++px)
          picture[static_cast<std::size_t>(py * w + px)] = surface[static_cast<std::size_t>(py * w + px)];
    BOOST_TEST_REQUIRE((picture == surface), "round " << round);
  }
}

BOOST_AUTO_TEST_SUITE_END()
