// Video stream reports: when the client reports on a stream and what a
// report says (protocol/stream_reports.hpp).
#include <boost/test/unit_test.hpp>

#include "protocol/stream_reports.hpp"

using namespace vigil::protocol;

namespace {

// What spice-server 0.15 asks for: every 5 frames or 1000 ms.
stream_activate_report server_request(std::uint32_t stream_id, std::uint32_t unique_id = 77) {
  return stream_activate_report{stream_id, unique_id, 5, 1000};
}

// Frames 40 ms apart, arriving exactly as fast as the first (delay 0).
void feed_frames(stream_report_tracker& tracker, std::uint32_t stream_id, int count, std::uint32_t first_mm_time,
                 std::uint64_t first_now_ms) {
  for (int i = 0; i < count; ++i)
    tracker.on_frame(stream_id, first_mm_time + 40 * i, true, first_mm_time + 40 * i, first_now_ms + 40 * i);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(stream_reports)

BOOST_AUTO_TEST_CASE(no_report_before_the_window_is_full) {
  stream_report_tracker tracker;
  BOOST_TEST_REQUIRE(tracker.activate(server_request(3)).ok());
  feed_frames(tracker, 3, 4, 5000, 100);
  BOOST_TEST(tracker.due_reports(220).empty());
}

BOOST_AUTO_TEST_CASE(full_window_is_reported_with_its_first_and_last_frame) {
  stream_report_tracker tracker;
  BOOST_TEST_REQUIRE(tracker.activate(server_request(3, 77)).ok());
  feed_frames(tracker, 3, 5, 5000, 100);
  const auto reports = tracker.due_reports(260);
  BOOST_TEST_REQUIRE(reports.size() == 1u);
  BOOST_TEST(reports[0].stream_id == 3u);
  BOOST_TEST(reports[0].unique_id == 77u);
  BOOST_TEST(reports[0].start_frame_mm_time == 5000u);
  BOOST_TEST(reports[0].end_frame_mm_time == 5160u);
  BOOST_TEST(reports[0].num_frames == 5u);
  BOOST_TEST(reports[0].num_drops == 0u);
  BOOST_TEST(reports[0].last_frame_delay == 0);
  BOOST_TEST(reports[0].audio_delay == 0xffffffffu);
}

BOOST_AUTO_TEST_CASE(a_report_closes_the_window_and_the_next_frame_opens_a_new_one) {
  stream_report_tracker tracker;
  BOOST_TEST_REQUIRE(tracker.activate(server_request(3)).ok());
  feed_frames(tracker, 3, 5, 5000, 100);
  BOOST_TEST(tracker.due_reports(260).size() == 1u);
  BOOST_TEST(tracker.due_reports(260).empty());
  BOOST_TEST(!tracker.next_deadline().has_value());
  feed_frames(tracker, 3, 5, 5200, 300);
  const auto reports = tracker.due_reports(460);
  BOOST_TEST_REQUIRE(reports.size() == 1u);
  BOOST_TEST(reports[0].start_frame_mm_time == 5200u);
  BOOST_TEST(reports[0].num_frames == 5u);
}

BOOST_AUTO_TEST_CASE(window_times_out_after_timeout_ms_from_its_first_frame) {
  stream_report_tracker tracker;
  BOOST_TEST_REQUIRE(tracker.activate(server_request(3)).ok());
  feed_frames(tracker, 3, 2, 5000, 100);
  BOOST_TEST_REQUIRE(tracker.next_deadline().has_value());
  BOOST_TEST(*tracker.next_deadline() == 1100u);
  BOOST_TEST(tracker.due_reports(1099).empty());
  const auto reports = tracker.due_reports(1100);
  BOOST_TEST_REQUIRE(reports.size() == 1u);
  BOOST_TEST(reports[0].num_frames == 2u);
  BOOST_TEST(reports[0].end_frame_mm_time == 5040u);
}

BOOST_AUTO_TEST_CASE(a_window_of_zero_frames_and_no_timeout_is_clamped_to_two_frames_and_100_ms) {
  // Taken raw, these make the client report every frame it receives.
  stream_report_tracker tracker;
  BOOST_TEST_REQUIRE(tracker.activate(stream_activate_report{3, 77, 0, 0}).ok());
  feed_frames(tracker, 3, 1, 5000, 0);
  BOOST_TEST(tracker.due_reports(0).empty(), "a one-frame window");
  BOOST_TEST(*tracker.next_deadline() == 100u);
  BOOST_TEST(tracker.due_reports(99).empty(), "a window shorter than 100 ms");
  BOOST_TEST(tracker.due_reports(100).size() == 1u);
  feed_frames(tracker, 3, 2, 5200, 200);  // two frames fill the clamped window
  const auto reports = tracker.due_reports(240);
  BOOST_TEST_REQUIRE(reports.size() == 1u);
  BOOST_TEST(reports[0].num_frames == 2u);
}

BOOST_AUTO_TEST_CASE(a_window_that_would_never_time_out_closes_after_10_s) {
  stream_report_tracker tracker;
  BOOST_TEST_REQUIRE(tracker.activate(stream_activate_report{3, 77, 1000000, 0xffffffffu}).ok());
  feed_frames(tracker, 3, 2, 5000, 100);
  BOOST_TEST(*tracker.next_deadline() == 10100u);
  BOOST_TEST(tracker.due_reports(10099).empty());
  BOOST_TEST(tracker.due_reports(10100).size() == 1u);
}

BOOST_AUTO_TEST_CASE(empty_window_is_never_reported) {
  stream_report_tracker tracker;
  BOOST_TEST_REQUIRE(tracker.activate(server_request(3)).ok());
  BOOST_TEST(tracker.due_reports(100000).empty());
  BOOST_TEST(!tracker.next_deadline().has_value());
}

BOOST_AUTO_TEST_CASE(frames_not_drawn_count_as_drops) {
  stream_report_tracker tracker;
  BOOST_TEST_REQUIRE(tracker.activate(server_request(3)).ok());
  tracker.on_frame(3, 5000, true, 5000, 100);
  tracker.on_frame(3, 5040, false, 5040, 140);
  tracker.on_frame(3, 5080, true, 5080, 180);
  tracker.on_frame(3, 5120, false, 5120, 220);
  tracker.on_frame(3, 5160, true, 5160, 260);
  const auto reports = tracker.due_reports(260);
  BOOST_TEST_REQUIRE(reports.size() == 1u);
  BOOST_TEST(reports[0].num_frames == 5u);
  BOOST_TEST(reports[0].num_drops == 2u);
}

BOOST_AUTO_TEST_CASE(three_drops_in_a_row_are_reported_before_the_window_is_full) {
  stream_report_tracker tracker;
  BOOST_TEST_REQUIRE(tracker.activate(stream_activate_report{3, 77, 30, 1000}).ok());
  tracker.on_frame(3, 5000, true, 5000, 100);
  tracker.on_frame(3, 5040, false, 5040, 140);
  tracker.on_frame(3, 5080, false, 5080, 180);
  BOOST_TEST(tracker.due_reports(180).empty());
  tracker.on_frame(3, 5120, false, 5120, 220);
  const auto reports = tracker.due_reports(220);
  BOOST_TEST_REQUIRE(reports.size() == 1u);
  BOOST_TEST(reports[0].num_frames == 4u);
  BOOST_TEST(reports[0].num_drops == 3u);
}

BOOST_AUTO_TEST_CASE(last_frame_delay_is_the_last_frame_time_minus_the_server_clock) {
  stream_report_tracker tracker;
  BOOST_TEST_REQUIRE(tracker.activate(stream_activate_report{3, 77, 2, 1000}).ok());
  tracker.on_frame(3, 5000, true, 4990, 100);
  tracker.on_frame(3, 5040, true, 5065, 165);
  const auto reports = tracker.due_reports(165);
  BOOST_TEST_REQUIRE(reports.size() == 1u);
  BOOST_TEST(reports[0].last_frame_delay == -25);
}

BOOST_AUTO_TEST_CASE(frames_of_streams_without_activation_are_not_reported) {
  stream_report_tracker tracker;
  feed_frames(tracker, 3, 10, 5000, 100);
  BOOST_TEST(tracker.due_reports(5000).empty());
  BOOST_TEST(tracker.reporting_streams() == 0u);
}

BOOST_AUTO_TEST_CASE(destroyed_stream_is_no_longer_reported) {
  stream_report_tracker tracker;
  BOOST_TEST_REQUIRE(tracker.activate(server_request(3)).ok());
  feed_frames(tracker, 3, 4, 5000, 100);
  tracker.on_destroy(3);
  feed_frames(tracker, 3, 4, 5160, 260);
  BOOST_TEST(tracker.due_reports(5000).empty());
  BOOST_TEST(!tracker.next_deadline().has_value());
}

BOOST_AUTO_TEST_CASE(destroy_all_stops_every_report) {
  stream_report_tracker tracker;
  BOOST_TEST_REQUIRE(tracker.activate(server_request(1)).ok());
  BOOST_TEST_REQUIRE(tracker.activate(server_request(2)).ok());
  feed_frames(tracker, 1, 3, 5000, 100);
  feed_frames(tracker, 2, 3, 5000, 100);
  tracker.on_destroy_all();
  BOOST_TEST(tracker.reporting_streams() == 0u);
  BOOST_TEST(tracker.due_reports(5000).empty());
}

BOOST_AUTO_TEST_CASE(reactivation_starts_a_fresh_window_with_the_new_unique_id) {
  stream_report_tracker tracker;
  BOOST_TEST_REQUIRE(tracker.activate(server_request(3, 77)).ok());
  feed_frames(tracker, 3, 4, 5000, 100);
  BOOST_TEST_REQUIRE(tracker.activate(server_request(3, 78)).ok());
  feed_frames(tracker, 3, 5, 6000, 300);
  const auto reports = tracker.due_reports(460);
  BOOST_TEST_REQUIRE(reports.size() == 1u);
  BOOST_TEST(reports[0].unique_id == 78u);
  BOOST_TEST(reports[0].num_frames == 5u);
  BOOST_TEST(reports[0].start_frame_mm_time == 6000u);
}

BOOST_AUTO_TEST_CASE(streams_are_reported_independently) {
  stream_report_tracker tracker;
  BOOST_TEST_REQUIRE(tracker.activate(server_request(1, 11)).ok());
  BOOST_TEST_REQUIRE(tracker.activate(stream_activate_report{2, 22, 5, 500}).ok());
  feed_frames(tracker, 1, 5, 5000, 100);
  feed_frames(tracker, 2, 2, 7000, 100);
  auto reports = tracker.due_reports(260);
  BOOST_TEST_REQUIRE(reports.size() == 1u);
  BOOST_TEST(reports[0].stream_id == 1u);
  BOOST_TEST(reports[0].unique_id == 11u);
  BOOST_TEST_REQUIRE(tracker.next_deadline().has_value());
  BOOST_TEST(*tracker.next_deadline() == 600u);
  reports = tracker.due_reports(600);
  BOOST_TEST_REQUIRE(reports.size() == 1u);
  BOOST_TEST(reports[0].stream_id == 2u);
  BOOST_TEST(reports[0].num_frames == 2u);
}

BOOST_AUTO_TEST_CASE(activation_beyond_the_stream_limit_fails_naming_the_message) {
  stream_report_tracker tracker;
  for (std::uint32_t id = 0; id < max_video_streams; ++id)
    BOOST_TEST_REQUIRE(tracker.activate(server_request(id)).ok());
  const auto refused = tracker.activate(server_request(1000));
  BOOST_TEST_REQUIRE(!refused.ok());
  BOOST_TEST(refused.error().message.find("DISPLAY_STREAM_ACTIVATE_REPORT") != std::string::npos);
  BOOST_TEST(tracker.activate(server_request(5, 99)).ok());  // an existing stream may restart
}

BOOST_AUTO_TEST_CASE(giving_up_says_the_stream_cannot_be_played_and_ends_its_reports) {
  stream_report_tracker tracker;
  BOOST_TEST_REQUIRE(tracker.activate(server_request(3, 77)).ok());
  feed_frames(tracker, 3, 2, 5000, 100);
  const auto report = tracker.give_up(3);
  BOOST_TEST_REQUIRE(report.has_value());
  BOOST_TEST(report->stream_id == 3u);
  BOOST_TEST(report->unique_id == 77u);
  BOOST_TEST(report->num_frames == 0u);
  BOOST_TEST(report->num_drops == 0xffffffffu);
  BOOST_TEST(tracker.reporting_streams() == 0u);
  BOOST_TEST(!tracker.give_up(3).has_value());
  BOOST_TEST(!tracker.give_up(4).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
