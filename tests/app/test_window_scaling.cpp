// Zoom and scaling numbers (ui/window_scaling.hpp) and where a window pixel
// lands in the guest through them (picture_geometry::guest_position).
#include <boost/test/unit_test.hpp>

#include "ui/window_input.hpp"
#include "ui/window_scaling.hpp"

using namespace vigil;

BOOST_AUTO_TEST_SUITE(window_scaling)

BOOST_AUTO_TEST_CASE(zoom_steps_are_remote_viewers_within_10_and_400_percent) {
  BOOST_TEST(zoom_in(100) == 110);
  BOOST_TEST(zoom_out(100) == 90);
  BOOST_TEST(zoom_in(400) == 400);
  BOOST_TEST(zoom_out(10) == 10);
}

BOOST_AUTO_TEST_CASE(the_window_is_the_picture_times_the_zoom_and_asks_the_guest_for_its_size_divided) {
  auto w = zoomed_window(1024, 768, 50);
  BOOST_TEST(w.width == 512u);
  BOOST_TEST(w.height == 384u);
  w = zoomed_window(1024, 768, 200);
  BOOST_TEST(w.width == 2048u);
  BOOST_TEST(w.height == 1536u);
  auto g = unzoomed_guest(2048, 1536, 200);
  BOOST_TEST(g.width == 1024u);
  BOOST_TEST(g.height == 768u);
}

BOOST_AUTO_TEST_CASE(a_window_pixel_maps_to_the_guest_pixel_it_shows_at_every_zoom) {
  scaling_settings scaling;
  for (int percent : {50, 100, 200}) {
    auto window = zoomed_window(1024, 768, percent);
    auto geometry = picture_geometry::placed(1024, 768, window.width, window.height, scaling);
    BOOST_TEST(geometry.scale == percent / 100.0f);
    auto at = geometry.guest_position(100 * percent / 100, 200 * percent / 100);
    BOOST_REQUIRE(at);
    BOOST_TEST(at->x == 100u);
    BOOST_TEST(at->y == 200u);
  }
}

BOOST_AUTO_TEST_CASE(without_scale_to_fit_the_picture_stays_at_the_zoom_level_centred) {
  scaling_settings scaling;
  scaling.fit = false;
  scaling.zoom_percent = 200;
  auto geometry = picture_geometry::placed(400, 300, 1000, 500, scaling);
  BOOST_TEST(geometry.scale == 2.0f);
  BOOST_TEST(geometry.offset_x == 100.0f);   // 800 wide in 1000
  BOOST_TEST(geometry.offset_y == -50.0f);   // 600 high in 500: cut off at both edges
  auto at = geometry.guest_position(100, 0);
  BOOST_REQUIRE(at);
  BOOST_TEST(at->x == 0u);
  BOOST_TEST(at->y == 25u);
  BOOST_TEST(!geometry.guest_position(99, 10));  // left of the picture
}

BOOST_AUTO_TEST_CASE(integer_scaling_keeps_whole_multiples_and_whole_fractions) {
  scaling_settings scaling;
  scaling.integer = true;
  auto geometry = picture_geometry::placed(640, 480, 1600, 1000, scaling);  // fit: 2.08
  BOOST_TEST(geometry.scale == 2.0f);
  BOOST_TEST(geometry.offset_x == 160.0f);
  BOOST_TEST(geometry.offset_y == 20.0f);
  geometry = picture_geometry::placed(1920, 1080, 800, 600, scaling);  // fit: 0.416
  BOOST_TEST(geometry.scale == 1.0f / 3);
  geometry = picture_geometry::placed(1024, 768, 512, 384, scaling);  // fit: exactly 0.5
  BOOST_TEST(geometry.scale == 0.5f);
}

BOOST_AUTO_TEST_SUITE_END()
