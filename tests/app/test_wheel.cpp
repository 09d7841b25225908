// A high-resolution wheel in whole notches (ui/window_input.hpp).
#include <boost/test/unit_test.hpp>

#include "ui/window_input.hpp"

BOOST_AUTO_TEST_SUITE(wheel)

BOOST_AUTO_TEST_CASE(a_high_resolution_wheel_sends_whole_notches_as_its_fractions_add_up) {
  vigil::wheel_notches wheel;
  BOOST_TEST(wheel.add(0.4f) == 0);
  BOOST_TEST(wheel.add(0.4f) == 0);
  BOOST_TEST(wheel.add(0.4f) == 1);   // 1.2: one notch, 0.2 kept
  BOOST_TEST(wheel.add(2.0f) == 2);   // 2.2
  BOOST_TEST(wheel.add(-0.5f) == 0);  // the other way starts over
  BOOST_TEST(wheel.add(-0.6f) == -1);
  BOOST_TEST(wheel.add(1.0f) == 1);   // a notched wheel: one notch each
}

BOOST_AUTO_TEST_SUITE_END()
