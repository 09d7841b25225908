// The server's multimedia time seen from the local clock (protocol/mm_time.hpp).
#include <boost/test/unit_test.hpp>

#include <string>

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

BOOST_AUTO_TEST_SUITE(media_clock_tests)

BOOST_AUTO_TEST_CASE(main_sets_the_clock_until_audio_plays_then_audio_leads) {
  media_clock clock;
  BOOST_TEST(!clock.synced());
  clock.from_main(1000, 0);
  BOOST_TEST(clock.now(100) == 1100u);
  BOOST_TEST(std::string(to_string(clock.current(100))) == "main");
  clock.from_audio(1400, 100);  // the audio heard is 300 ms ahead of INIT's reading
  BOOST_TEST(clock.now(150) == 1450u);
  BOOST_TEST(std::string(to_string(clock.current(150))) == "audio");
  BOOST_TEST(clock.resets() == 0u);  // 300 ms forward is within the threshold
  clock.from_main(1160, 160);        // main's reading gives way to fresh audio
  BOOST_TEST(clock.now(160) == 1460u);
}

BOOST_AUTO_TEST_CASE(audio_readings_within_a_few_ms_do_not_move_the_clock) {
  media_clock clock;
  clock.from_audio(5000, 0);
  clock.from_audio(5023, 20);  // 3 ms off the extrapolation: scheduling noise
  BOOST_TEST(clock.now(20) == 5020u);
  clock.from_audio(5050, 40);  // 10 ms off: re-anchored
  BOOST_TEST(clock.now(40) == 5050u);
}

BOOST_AUTO_TEST_CASE(once_audio_stops_main_sets_the_clock_again_and_jumps_count_as_resets) {
  media_clock clock;
  clock.from_audio(5000, 0);
  BOOST_TEST(!clock.audio_now(0 + media_clock::audio_hold_ms + 1).has_value());
  clock.from_main(4000, 1000);  // 2 s backwards: a reset
  BOOST_TEST(clock.now(1000) == 4000u);
  BOOST_TEST(std::string(to_string(clock.current(1000))) == "main");
  BOOST_TEST(clock.resets() == 1u);
  clock.from_main(9000, 1000);  // far forward: another
  BOOST_TEST(clock.resets() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
