// The monitors config a resized window asks for (ui/monitor_layout.hpp).
#include <boost/test/unit_test.hpp>

#include "ui/monitor_layout.hpp"

using vigil::fit_heads;
using vigil::monitor_placement;

namespace {

bool same(const monitor_placement& a, const monitor_placement& b) {
  return a.id == b.id && a.x == b.x && a.y == b.y && a.width == b.width && a.height == b.height;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(monitor_layout, *boost::unit_test::label("unit"))

BOOST_AUTO_TEST_CASE(no_heads_is_one_head_of_the_window_size) {
  const auto heads = fit_heads({}, 800, 600);
  BOOST_TEST_REQUIRE(heads.size() == 1u);
  BOOST_TEST(same(heads[0], {0, 0, 0, 800, 600}));
}

BOOST_AUTO_TEST_CASE(one_head_takes_the_window_size) {
  const auto heads = fit_heads({{0, 0, 0, 1024, 768}}, 800, 600);
  BOOST_TEST_REQUIRE(heads.size() == 1u);
  BOOST_TEST(same(heads[0], {0, 0, 0, 800, 600}));
}

BOOST_AUTO_TEST_CASE(two_heads_side_by_side_are_both_scaled_and_stay_side_by_side) {
  const auto heads = fit_heads({{0, 0, 0, 640, 480}, {1, 640, 0, 640, 480}}, 1600, 600);
  BOOST_TEST_REQUIRE(heads.size() == 2u);
  BOOST_TEST(same(heads[0], {0, 0, 0, 800, 600}));
  BOOST_TEST(same(heads[1], {1, 800, 0, 800, 600}));
}

BOOST_AUTO_TEST_CASE(widths_add_up_to_the_window_whatever_the_rounding) {
  const auto heads = fit_heads({{0, 0, 0, 640, 480}, {1, 640, 0, 640, 480}, {2, 1280, 0, 640, 480}}, 1001, 500);
  BOOST_TEST_REQUIRE(heads.size() == 3u);
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i < heads.size(); ++i) {
    BOOST_TEST(heads[i].x == static_cast<std::int32_t>(sum));
    sum += heads[i].width;
  }
  BOOST_TEST(sum == 1001u);
}

BOOST_AUTO_TEST_CASE(heads_keep_their_left_to_right_order_and_ids) {
  // The guest placed head 1 left of head 0; a shorter head keeps its proportion.
  const auto heads = fit_heads({{0, 800, 0, 800, 600}, {1, 0, 0, 400, 300}}, 600, 300);
  BOOST_TEST_REQUIRE(heads.size() == 2u);
  BOOST_TEST(same(heads[0], {1, 0, 0, 200, 150}));
  BOOST_TEST(same(heads[1], {0, 200, 0, 400, 300}));
}

BOOST_AUTO_TEST_CASE(a_tiny_window_gives_every_head_at_least_one_pixel) {
  const auto heads = fit_heads({{0, 0, 0, 640, 480}, {1, 640, 0, 640, 480}, {2, 1280, 0, 640, 480}}, 1, 0);
  BOOST_TEST_REQUIRE(heads.size() == 3u);
  for (const auto& head : heads) {
    BOOST_TEST(head.width >= 1u);
    BOOST_TEST(head.height >= 1u);
  }
}

BOOST_AUTO_TEST_SUITE_END()
