// When decoded video pictures are shown (protocol/presentation_queue.hpp).
#include <boost/test/unit_test.hpp>

#include "protocol/presentation_queue.hpp"

using namespace vigil::protocol;

namespace {

// No early showing: a picture is due at its mm_time exactly.
presentation_settings exact() {
  presentation_settings settings;
  settings.tolerance_ms = 0;
  return settings;
}

presentation_entry picture(std::uint64_t token, std::uint32_t mm_time, std::uint32_t stream = 1) {
  return presentation_entry{token, stream, mm_time};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(presentation_queue_tests)

BOOST_AUTO_TEST_CASE(a_picture_waits_until_the_clock_reaches_its_mm_time) {
  presentation_queue queue(exact());
  auto pushed = queue.push(picture(1, 1400), 1000u);
  BOOST_TEST(pushed.show.empty());
  BOOST_TEST(queue.wait_ms(1000).value() == 400u);
  BOOST_TEST(queue.take_due(1399).show.empty());
  auto due = queue.take_due(1400);
  BOOST_REQUIRE(due.show.size() == 1u);
  BOOST_TEST(due.show[0].token == 1u);
  BOOST_TEST(!queue.wait_ms(1400).has_value());
  BOOST_TEST(queue.stats().presented == 1u);
}

BOOST_AUTO_TEST_CASE(each_waiting_picture_has_its_own_wait_in_queue_order) {
  presentation_queue queue(exact());
  BOOST_TEST(queue.waits_ms(1000).empty());
  queue.push(picture(1, 1040, 1), 1000u);
  queue.push(picture(2, 1005, 2), 1000u);
  queue.push(picture(3, 1080, 1), 1000u);
  BOOST_TEST(queue.waits_ms(1000) == (std::vector<std::uint32_t>{40, 5, 80}), boost::test_tools::per_element());
  BOOST_TEST(queue.waits_ms(1050) == (std::vector<std::uint32_t>{0, 0, 30}), boost::test_tools::per_element());
  BOOST_TEST(queue.wait_ms(1000).value() == 5u);
}

BOOST_AUTO_TEST_CASE(a_picture_within_tolerance_ms_of_its_time_is_due_its_wait_is_to_its_time) {
  presentation_settings settings;
  settings.tolerance_ms = 4;
  presentation_queue queue(settings);
  queue.push(picture(1, 1400), 1000u);
  queue.push(picture(2, 1440), 1000u);
  BOOST_TEST(queue.wait_ms(1000).value() == 400u);
  BOOST_TEST(queue.take_due(1395).show.empty());
  auto due = queue.take_due(1396);
  BOOST_REQUIRE(due.show.size() == 1u);
  BOOST_TEST(due.show[0].token == 1u);
  BOOST_TEST(queue.wait_ms(1396).value() == 44u);
}

BOOST_AUTO_TEST_CASE(without_a_clock_or_far_ahead_of_it_a_picture_is_shown_at_once) {
  presentation_queue queue({});
  BOOST_TEST(queue.push(picture(1, 1400), std::nullopt).show.size() == 1u);
  BOOST_TEST(queue.push(picture(2, 9000), 1000u).show.size() == 1u);  // 8 s ahead: the clocks disagree
  BOOST_TEST(queue.stats().unsynced == 2u);
  BOOST_TEST(queue.size() == 0u);
}

BOOST_AUTO_TEST_CASE(a_picture_behind_the_clock_beyond_the_grace_is_late_and_dropped) {
  presentation_queue queue({12, 10, 3000});
  BOOST_TEST(queue.push(picture(1, 995), 1000u).late.empty());  // within the grace: shown at the next due
  auto late = queue.push(picture(2, 980), 1000u);
  BOOST_REQUIRE(late.late.size() == 1u);
  BOOST_TEST(late.late[0].token == 2u);
  BOOST_TEST(queue.stats().late == 1u);
  BOOST_TEST(queue.wait_ms(1000).value() == 0u);
}

BOOST_AUTO_TEST_CASE(of_several_due_pictures_of_a_stream_the_newest_is_shown_the_rest_are_late) {
  presentation_queue queue({});
  queue.push(picture(1, 1040, 1), 1000u);
  queue.push(picture(2, 1080, 1), 1000u);
  queue.push(picture(3, 1060, 2), 1000u);
  queue.push(picture(4, 1200, 1), 1000u);
  auto due = queue.take_due(1100);
  BOOST_REQUIRE(due.show.size() == 2u);
  BOOST_TEST(due.show[0].token == 2u);
  BOOST_TEST(due.show[1].token == 3u);
  BOOST_REQUIRE(due.late.size() == 1u);
  BOOST_TEST(due.late[0].token == 1u);
  BOOST_TEST(queue.size() == 1u);
  BOOST_TEST(queue.wait_ms(1100).value() == 100u);
}

BOOST_AUTO_TEST_CASE(the_queue_is_bounded_the_oldest_picture_is_shown_early) {
  presentation_queue queue({2, 10, 3000});
  queue.push(picture(1, 1100), 1000u);
  queue.push(picture(2, 1140), 1000u);
  auto third = queue.push(picture(3, 1180), 1000u);
  BOOST_REQUIRE(third.overflow.size() == 1u);
  BOOST_TEST(third.overflow[0].token == 1u);
  BOOST_TEST(queue.size() == 2u);
  BOOST_TEST(queue.stats().overflow == 1u);
}

BOOST_AUTO_TEST_CASE(an_ended_stream_takes_its_waiting_pictures_and_the_wrap_is_crossed) {
  presentation_queue queue({});
  queue.push(picture(1, 0x10, 1), 0xfffffff0u);  // 32 ms ahead across the u32 wrap
  queue.push(picture(2, 0x20, 2), 0xfffffff0u);
  BOOST_TEST(queue.wait_ms(0xfffffff0u).value() == 32u);
  auto dropped = queue.drop_stream(1);
  BOOST_REQUIRE(dropped.size() == 1u);
  BOOST_TEST(dropped[0].token == 1u);
  BOOST_TEST(queue.take_due(0x20).show.size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
