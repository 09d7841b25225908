// The playback jitter buffer (protocol/jitter_buffer.hpp): prebuffering,
// underruns, late audio dropped and counted, the capacity bound, stop.
// Hand-made packets: 10 ms of 48 kHz mono each (480 frames), every sample of
// packet k equal to k + 1, so what comes out shows which packet it was.
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include <ostream>
#include <vector>

#include "protocol/jitter_buffer.hpp"

using namespace vigil::protocol;

namespace vigil::protocol {
// Lets Boost.Test print outcomes in failed checks.
std::ostream& operator<<(std::ostream& out, jitter_buffer::push_outcome outcome) {
  static const char* const names[] = {"queued", "trimmed", "late", "not_started"};
  return out << names[static_cast<int>(outcome)];
}
}  // namespace vigil::protocol

namespace {

constexpr std::size_t packet_frames = 480;

std::vector<std::int16_t> packet(int k) { return std::vector<std::int16_t>(packet_frames, static_cast<std::int16_t>(k + 1)); }

jitter_buffer mono_buffer(std::uint32_t target_ms = 30, std::uint32_t capacity_ms = 100) {
  jitter_buffer buffer(jitter_settings{capacity_ms, target_ms});
  buffer.start(audio_format{48000, 1});
  return buffer;
}

// Pushes packets first..last (inclusive) with server times 1000 + 10 k.
void push_packets(jitter_buffer& buffer, int first, int last) {
  for (int k = first; k <= last; ++k)
    buffer.push(static_cast<std::uint32_t>(1000 + 10 * k), packet(k));
}

std::vector<std::int16_t> pull(jitter_buffer& buffer, std::size_t frames) {
  std::vector<std::int16_t> out(frames);
  buffer.pull(out.data(), frames, 1);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(jitter_buffer_tests)

BOOST_AUTO_TEST_CASE(plays_silence_until_the_target_is_buffered_then_the_audio_in_order) {
  auto buffer = mono_buffer(30);
  push_packets(buffer, 0, 1);
  BOOST_TEST(!buffer.stats().playing);
  BOOST_TEST(pull(buffer, 480)[0] == 0);
  BOOST_TEST(buffer.stats().underruns == 0u);  // prebuffering is not an underrun
  push_packets(buffer, 2, 2);
  BOOST_TEST(buffer.stats().playing);
  BOOST_TEST(buffer.stats().depth_ms == 30u);
  auto out = pull(buffer, 960);
  BOOST_TEST(out.front() == 1);
  BOOST_TEST(out.back() == 2);
  BOOST_TEST(buffer.stats().frames_played == 960u);
}

BOOST_AUTO_TEST_CASE(underrun_plays_silence_and_counts_once_per_starved_run) {
  auto buffer = mono_buffer(30);
  push_packets(buffer, 0, 2);
  pull(buffer, 1440);
  auto out = pull(buffer, 480);
  BOOST_TEST(out[0] == 0);
  pull(buffer, 480);
  BOOST_TEST(buffer.stats().underruns == 1u);
  BOOST_TEST(buffer.stats().frames_silence == 960u);
  push_packets(buffer, 5, 5);  // on time for the cursor (1050 ms)
  BOOST_TEST(pull(buffer, 480)[0] == 6);
  pull(buffer, 480);
  BOOST_TEST(buffer.stats().underruns == 2u);
}

BOOST_AUTO_TEST_CASE(audio_behind_the_play_cursor_is_dropped_and_counted) {
  auto buffer = mono_buffer(30);
  push_packets(buffer, 0, 2);
  pull(buffer, 1440 + 480);  // the cursor is now at 1040 ms: packet 3's slot was played as silence
  BOOST_TEST(buffer.push(1030, packet(3)) == jitter_buffer::push_outcome::late);
  BOOST_TEST(buffer.push(1040, packet(4)) == jitter_buffer::push_outcome::queued);
  const auto stats = buffer.stats();
  BOOST_TEST(stats.packets_late == 1u);
  BOOST_TEST(stats.frames_late == packet_frames);
  BOOST_TEST(pull(buffer, 480)[0] == 5);  // packet 4, never packet 3
}

BOOST_AUTO_TEST_CASE(partly_late_audio_loses_only_its_late_part) {
  auto buffer = mono_buffer(30);
  push_packets(buffer, 0, 2);
  pull(buffer, 1440 + 240);  // cursor at 1035 ms
  BOOST_TEST(buffer.push(1030, packet(3)) == jitter_buffer::push_outcome::trimmed);
  BOOST_TEST(buffer.stats().frames_late == 240u);
  BOOST_TEST(buffer.stats().depth_ms == 5u);
}

BOOST_AUTO_TEST_CASE(never_holds_more_than_its_capacity_and_counts_what_it_drops) {
  auto buffer = mono_buffer(30, 100);
  push_packets(buffer, 0, 49);  // 500 ms offered, nothing pulled
  const auto stats = buffer.stats();
  BOOST_TEST(stats.depth_ms == 100u);
  BOOST_TEST(stats.frames_overflow == 40u * packet_frames);
  BOOST_TEST(pull(buffer, 480)[0] == 41);  // the newest 100 ms are kept
}

// A device that starts late leaves the buffer full while it then pulls at
// the rate packets come: that standing depth is dropped after 2 s of it.
BOOST_AUTO_TEST_CASE(a_depth_standing_well_above_the_target_is_dropped_down_to_it) {
  auto buffer = mono_buffer(30, 500);
  push_packets(buffer, 0, 39);  // 400 ms before the first pull
  for (int k = 40; k < 240; ++k) {  // 2 s of pulls, one packet in for each out
    pull(buffer, packet_frames);
    push_packets(buffer, k, k);
  }
  const auto stats = buffer.stats();
  BOOST_TEST(stats.frames_shed == 36u * packet_frames);  // 390 ms queued at the 200th pull, 30 kept
  BOOST_TEST(stats.frames_overflow == 0u);
  BOOST_TEST(stats.depth_ms == 40u);
  BOOST_TEST(pull(buffer, packet_frames)[0] == 237);  // packets 200-235 were dropped
  BOOST_TEST(*buffer.playing_time() == 1000u + 10u * 237u);
}

BOOST_AUTO_TEST_CASE(a_depth_within_the_margin_above_the_target_is_kept) {
  auto buffer = mono_buffer(30, 500);
  push_packets(buffer, 0, 11);  // 120 ms: 90 above the target, inside the 100 ms margin
  for (int k = 12; k < 312; ++k) {
    pull(buffer, packet_frames);
    push_packets(buffer, k, k);
  }
  BOOST_TEST(buffer.stats().frames_shed == 0u);
  BOOST_TEST(buffer.stats().depth_ms == 120u);
}

BOOST_AUTO_TEST_CASE(packets_keep_their_order_across_the_millisecond_rounding_of_server_times) {
  jitter_buffer buffer(jitter_settings{500, 20});
  buffer.start(audio_format{44100, 2});
  // 441 stereo frames are exactly 10 ms; times rounded as a server would.
  std::vector<std::int16_t> out(882);
  for (int k = 0; k < 50; ++k) {
    BOOST_TEST(buffer.push(static_cast<std::uint32_t>(k * 10 + (k % 2)), std::vector<std::int16_t>(882, 1)) ==
               jitter_buffer::push_outcome::queued);
    if (k >= 2)
      buffer.pull(out.data(), 441, 2);  // the device keeps 20 ms behind
  }
  BOOST_TEST(buffer.stats().packets_late == 0u);
  BOOST_TEST(buffer.stats().underruns == 0u);
}

BOOST_AUTO_TEST_CASE(server_time_wrapping_around_is_not_lateness) {
  auto buffer = mono_buffer(10);
  BOOST_TEST(buffer.push(0xfffffff6u, packet(0)) == jitter_buffer::push_outcome::queued);
  BOOST_TEST(buffer.push(0u, packet(1)) == jitter_buffer::push_outcome::queued);
  BOOST_TEST(buffer.stats().packets_late == 0u);
}

BOOST_AUTO_TEST_CASE(stop_discards_the_buffer_and_refuses_audio_until_the_next_start) {
  auto buffer = mono_buffer(30);
  push_packets(buffer, 0, 3);
  buffer.stop();
  BOOST_TEST(buffer.stats().depth_ms == 0u);
  BOOST_TEST(!buffer.stats().playing);
  BOOST_TEST(buffer.push(2000, packet(9)) == jitter_buffer::push_outcome::not_started);
  buffer.start(audio_format{48000, 1});
  BOOST_TEST(buffer.push(5000, packet(9)) == jitter_buffer::push_outcome::queued);
}

// Security review H6: the device sized its chunk for its own channel count
// while a new START had already switched the buffer to 8 channels, and the
// pull wrote 8 channels' worth past the chunk's end.
BOOST_AUTO_TEST_CASE(a_pull_for_fewer_channels_than_the_stream_writes_only_its_own_silence) {
  jitter_buffer buffer(jitter_settings{500, 0});
  buffer.start(audio_format{48000, 8});
  buffer.push(1000, std::vector<std::int16_t>(480 * 8, 7));
  constexpr std::size_t frames = 480;
  std::vector<std::int16_t> out(frames * 8, 0x5555);  // room for 8 channels, as a guard
  BOOST_TEST(buffer.pull(out.data(), frames, 1) == 0u);
  BOOST_TEST(std::count(out.begin(), out.begin() + frames, 0) == static_cast<long>(frames));
  BOOST_TEST(std::count(out.begin() + frames, out.end(), 0x5555) == static_cast<long>(frames * 7),
             "the pull wrote past the caller's " << frames << " mono samples");
  BOOST_TEST(buffer.pull(out.data(), frames, 8) == frames, "the audio is still there for an 8-channel device");
}

BOOST_AUTO_TEST_CASE(the_playing_time_is_the_server_time_of_the_next_frame_out) {
  auto buffer = mono_buffer(30);
  push_packets(buffer, 0, 1);
  BOOST_TEST(!buffer.playing_time().has_value());  // prebuffering: no audio heard yet
  push_packets(buffer, 2, 2);
  BOOST_TEST(buffer.playing_time().value() == 1000u);
  pull(buffer, 720);  // 15 ms out
  BOOST_TEST(buffer.playing_time().value() == 1015u);
}

BOOST_AUTO_TEST_CASE(playback_latency_raises_the_target_and_a_rise_while_playing_rebuffers) {
  auto buffer = mono_buffer(30, 200);
  BOOST_TEST(buffer.target_ms() == 30u);
  buffer.set_latency_ms(500);
  BOOST_TEST(buffer.target_ms() == 150u);  // capped 50 ms below the capacity
  buffer.set_latency_ms(60);
  push_packets(buffer, 0, 4);
  BOOST_TEST(!buffer.stats().playing);
  push_packets(buffer, 5, 5);
  BOOST_TEST(buffer.stats().playing);
  buffer.set_latency_ms(100);
  BOOST_TEST(!buffer.stats().playing);  // 60 ms buffered, 100 asked for
  push_packets(buffer, 6, 9);
  BOOST_TEST(buffer.stats().playing);
}

BOOST_AUTO_TEST_SUITE_END()
