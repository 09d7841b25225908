// The damage region: what a frame must carry covers every change, in few
// non-overlapping rectangles.
#include <boost/test/unit_test.hpp>

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

BOOST_AUTO_TEST_SUITE_END()
