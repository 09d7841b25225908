// The server's multimedia time seen from the local clock (protocol/mm_time.hpp).
#include <boost/test/unit_test.hpp>

#include "protocol/mm_time.hpp"

using namespace vigil::protocol;

BOOST_AUTO_TEST_SUITE(mm_time_clock_tests)

BOOST_AUTO_TEST_CASE(server_time_advances_with_the_local_clock_from_the_reading) {
  mm_time_clock clock;
  BOOST_TEST(!clock.synced());
  clock.sync({11093164, 5000});
  BOOST_TEST(clock.synced());
  BOOST_TEST(clock.server_now(5000) == 11093164u);
  BOOST_TEST(clock.server_now(5250) == 11093414u);
}

BOOST_AUTO_TEST_CASE(a_frame_ahead_of_the_server_clock_has_a_positive_delay_a_passed_one_negative) {
  mm_time_clock clock;
  clock.sync({1000, 0});
  BOOST_TEST(clock.delay_of(1400, 0) == 400);   // INIT runs 400 ms behind spice-server's own clock
  BOOST_TEST(clock.delay_of(1400, 500) == -100);
}

BOOST_AUTO_TEST_CASE(the_u32_wrap_is_crossed_the_short_way) {
  mm_time_clock clock;
  clock.sync({0xffffff00u, 0});
  BOOST_TEST(clock.server_now(0x200) == 0x100u);
  BOOST_TEST(clock.delay_of(0x10, 0) == 0x110);
  BOOST_TEST(clock.delay_of(0xfffffe00u, 0) == -0x100);
}

BOOST_AUTO_TEST_CASE(the_latest_reading_wins) {
  mm_time_clock clock;
  clock.sync({1000, 0});
  clock.sync({5000, 100});
  BOOST_TEST(clock.server_now(200) == 5100u);
}

BOOST_AUTO_TEST_SUITE_END()
