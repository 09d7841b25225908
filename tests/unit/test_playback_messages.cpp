// The playback channel's messages and audio decoders, on what libspice-server
// really sent to spice_capture (tests/data/playback: the test server playing
// a sine tone, once with Opus, once raw, once alongside a video stream), and
// on hand-made malformed bodies.
#include <boost/test/unit_test.hpp>

#include <spice/enums.h>

#include <fstream>
#include <iterator>
#include <string>

#include "captured_stream.hpp"
#include "protocol/codecs/audio_decoder.hpp"
#include "protocol/codecs/pcm.hpp"
#include "protocol/playback_messages.hpp"
#include "tone_analysis.hpp"

using namespace vigil::protocol;
using namespace vigil::test;

namespace {

std::vector<frame> playback_frames(const std::string& file_name) {
  const std::string path = std::string(VIGIL_TEST_DATA_DIR) + "/playback/" + file_name;
  std::ifstream in(path, std::ios::binary);
  BOOST_TEST_REQUIRE(in.good(), "cannot open capture " << path);
  const bytes capture(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>{});
  return replay(capture, SPICE_CHANNEL_PLAYBACK, 1000).frames;
}

// Decodes every DATA of a capture the way the playback channel does.
std::vector<std::int16_t> decode_capture(const std::vector<frame>& frames, std::uint16_t mode, std::size_t& packets) {
  auto decoder = audio_decoder::create(mode, audio_format{48000, 2});
  BOOST_TEST_REQUIRE(decoder.ok(), error_text(decoder));
  std::vector<std::int16_t> pcm;
  packets = 0;
  for (const auto& message : frames_of_type(frames, SPICE_MSG_PLAYBACK_DATA)) {
    auto data = parse_playback_data(message.body);
    BOOST_TEST_REQUIRE(data.ok(), error_text(data));
    auto samples = decoder->decode(data->data.data(), data->data.size());
    BOOST_TEST_REQUIRE(samples.ok(), error_text(samples));
    pcm.insert(pcm.end(), samples->begin(), samples->end());
    ++packets;
  }
  return pcm;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(playback_messages)

BOOST_AUTO_TEST_CASE(opus_capture_starts_48khz_stereo_s16_in_opus_mode_with_the_servers_volume) {
  const auto frames = playback_frames("playback-opus-440.in.bin");
  const auto modes = frames_of_type(frames, SPICE_MSG_PLAYBACK_MODE);
  BOOST_TEST_REQUIRE(modes.size() == 1u);
  auto mode = parse_playback_mode(modes[0].body);
  BOOST_TEST_REQUIRE(mode.ok(), error_text(mode));
  BOOST_TEST(mode->mode == SPICE_AUDIO_DATA_MODE_OPUS);
  BOOST_TEST(std::string(audio_mode_name(mode->mode)) == "opus");

  const auto starts = frames_of_type(frames, SPICE_MSG_PLAYBACK_START);
  BOOST_TEST_REQUIRE(starts.size() == 1u);
  auto start = parse_playback_start(starts[0].body);
  BOOST_TEST_REQUIRE(start.ok(), error_text(start));
  BOOST_TEST(start->channels == 2u);
  BOOST_TEST(start->format == SPICE_AUDIO_FMT_S16);
  BOOST_TEST(start->frequency == 48000u);

  // The test server ran with --playback-volume 49152.
  const auto volumes = frames_of_type(frames, SPICE_MSG_PLAYBACK_VOLUME);
  BOOST_TEST_REQUIRE(volumes.size() == 1u);
  auto volume = parse_playback_volume(volumes[0].body);
  BOOST_TEST_REQUIRE(volume.ok(), error_text(volume));
  BOOST_TEST(volume->volume == (std::vector<std::uint16_t>{49152, 49152}), boost::test_tools::per_element());
  const auto mutes = frames_of_type(frames, SPICE_MSG_PLAYBACK_MUTE);
  BOOST_TEST_REQUIRE(mutes.size() == 1u);
  auto mute = parse_playback_mute(mutes[0].body);
  BOOST_TEST_REQUIRE(mute.ok(), error_text(mute));
  BOOST_TEST(!mute->mute);
}

BOOST_AUTO_TEST_CASE(opus_capture_decodes_to_the_servers_440_hz_tone) {
  std::size_t packets = 0;
  const auto pcm = decode_capture(playback_frames("playback-opus-440.in.bin"), SPICE_AUDIO_DATA_MODE_OPUS, packets);
  BOOST_TEST(packets > 150u);
  BOOST_TEST(pcm.size() == packets * 480 * 2);  // spice-server's Opus frames are 10 ms
  // Skip the codec's first 20 ms (its start-up transient).
  const std::vector<std::int16_t> steady(pcm.begin() + 1920, pcm.end());
  for (unsigned channel = 0; channel < 2; ++channel) {
    const auto tone = dominant_tone(steady, 2, 48000, channel);
    BOOST_TEST_MESSAGE("opus capture, channel " << channel << ": " << packets << " packets, dominant "
                                                << tone.frequency_hz << " Hz, share " << tone.share << ", rms "
                                                << tone.rms);
    BOOST_TEST(std::abs(tone.frequency_hz - 440) < 2);
    BOOST_TEST(tone.share > 0.8);
    BOOST_TEST(tone.rms > 8000);  // amplitude 16384: rms 11585
  }
}

BOOST_AUTO_TEST_CASE(raw_capture_is_s16_frames_of_the_servers_1000_hz_tone) {
  const auto frames = playback_frames("playback-raw-1000.in.bin");
  const auto modes = frames_of_type(frames, SPICE_MSG_PLAYBACK_MODE);
  BOOST_TEST_REQUIRE(modes.size() == 1u);
  BOOST_TEST(parse_playback_mode(modes[0].body)->mode == SPICE_AUDIO_DATA_MODE_RAW);
  for (const auto& message : frames_of_type(frames, SPICE_MSG_PLAYBACK_DATA))
    BOOST_TEST(message.body.size() == 4u + 480 * 4);
  std::size_t packets = 0;
  const auto pcm = decode_capture(frames, SPICE_AUDIO_DATA_MODE_RAW, packets);
  const auto tone = dominant_tone(pcm, 2, 48000);
  BOOST_TEST_MESSAGE("raw capture: " << packets << " packets, dominant " << tone.frequency_hz << " Hz, share "
                                     << tone.share << ", rms " << tone.rms);
  BOOST_TEST(packets > 40u);
  BOOST_TEST(std::abs(tone.frequency_hz - 1000) < 2);
  BOOST_TEST(tone.share > 0.95);
}

// Security review L5: a raw packet of up to 64 MiB became one packet on the
// edge to the sink, and 64 of them could be in flight.
BOOST_AUTO_TEST_CASE(raw_packet_longer_than_half_a_second_is_refused) {
  auto decoder = audio_decoder::create(SPICE_AUDIO_DATA_MODE_RAW, audio_format{48000, 2});
  BOOST_TEST_REQUIRE(decoder.ok(), error_text(decoder));
  const bytes half_second(24000 * 4, 0), longer(24001 * 4, 0);
  BOOST_TEST(decoder->decode(half_second.data(), half_second.size()).ok());
  const auto refused = decoder->decode(longer.data(), longer.size());
  BOOST_TEST_REQUIRE(!refused.ok());
  BOOST_TEST(refused.error().message == "PLAYBACK_DATA: raw payload of 24001 frames is more than 500 ms of audio");
}

BOOST_AUTO_TEST_CASE(video_stream_makes_the_server_send_latency) {
  const auto frames = playback_frames("playback-opus-video-latency.in.bin");
  const auto latencies = frames_of_type(frames, SPICE_MSG_PLAYBACK_LATENCY);
  BOOST_TEST_REQUIRE(latencies.size() >= 1u);
  auto latency = parse_playback_latency(latencies[0].body);
  BOOST_TEST_REQUIRE(latency.ok(), error_text(latency));
  BOOST_TEST(latency->latency_ms == 10u);
}

BOOST_AUTO_TEST_CASE(truncated_bodies_name_the_message_and_field) {
  VIGIL_CHECK_CONTAINS(parse_playback_data(bytes{1, 2}).error().message, "PLAYBACK_DATA: field time");
  VIGIL_CHECK_CONTAINS(parse_playback_mode(bytes{1, 2, 3, 4, 3}).error().message, "PLAYBACK_MODE: field mode");
  VIGIL_CHECK_CONTAINS(parse_playback_start(body_builder{}.u32(2).u16(1).u32(48000).out).error().message,
                       "PLAYBACK_START: field time");
  VIGIL_CHECK_CONTAINS(parse_playback_volume(body_builder{}.u8(3).u16(1).u16(2).out).error().message,
                       "PLAYBACK_VOLUME");
  VIGIL_CHECK_CONTAINS(parse_playback_mute(bytes{}).error().message, "PLAYBACK_MUTE: field mute");
  VIGIL_CHECK_CONTAINS(parse_playback_latency(bytes{1, 2}).error().message, "PLAYBACK_LATENCY: field latency_ms");
}

BOOST_AUTO_TEST_CASE(start_in_a_format_no_client_can_play_is_an_error) {
  VIGIL_CHECK_CONTAINS(parse_playback_start(body_builder{}.u32(2).u16(2).u32(48000).u32(0).out).error().message,
                       "field format is 2");
  VIGIL_CHECK_CONTAINS(parse_playback_start(body_builder{}.u32(0).u16(1).u32(48000).u32(0).out).error().message,
                       "field channels is 0");
  VIGIL_CHECK_CONTAINS(parse_playback_start(body_builder{}.u32(2).u16(1).u32(0).u32(0).out).error().message,
                       "field frequency is 0");
}

BOOST_AUTO_TEST_CASE(decoders_refuse_what_they_cannot_decode) {
  VIGIL_CHECK_CONTAINS(audio_decoder::create(2 /* CELT_0_5_1, long gone */, {}).error().message, "data mode 2");
  VIGIL_CHECK_CONTAINS(audio_decoder::create(SPICE_AUDIO_DATA_MODE_OPUS, {44100, 2}).error().message, "44100 Hz");
  auto raw = audio_decoder::create(SPICE_AUDIO_DATA_MODE_RAW, {48000, 2});
  const std::uint8_t odd[6] = {};
  VIGIL_CHECK_CONTAINS(raw->decode(odd, sizeof odd).error().message, "6 bytes is not a whole number of 4-byte frames");
  auto opus = audio_decoder::create(SPICE_AUDIO_DATA_MODE_OPUS, {48000, 2});
  const std::uint8_t garbage[3] = {0xff, 0xff, 0xff};
  VIGIL_CHECK_CONTAINS(opus->decode(garbage, sizeof garbage).error().message, "Opus packet of 3 bytes");
  VIGIL_CHECK_CONTAINS(opus->decode(garbage, 0).error().message, "empty Opus packet");
}

BOOST_AUTO_TEST_CASE(volume_scales_each_channel_and_mute_silences) {
  std::vector<std::int16_t> samples{1000, -1000, 1000, -1000};
  apply_volume(samples.data(), 2, 2, {32768, 65535}, false);
  BOOST_TEST(samples == (std::vector<std::int16_t>{500, -1000, 500, -1000}), boost::test_tools::per_element());
  apply_volume(samples.data(), 2, 2, {}, true);
  BOOST_TEST(samples == (std::vector<std::int16_t>{0, 0, 0, 0}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(wav_header_describes_16_bit_pcm) {
  const auto header = wav_header(audio_format{48000, 2}, 1920);
  BOOST_TEST_REQUIRE(header.size() == 44u);
  BOOST_TEST(std::string(header.begin(), header.begin() + 4) == "RIFF");
  BOOST_TEST(std::string(header.begin() + 8, header.begin() + 16) == "WAVEfmt ");
  BOOST_TEST((header[24] | header[25] << 8 | header[26] << 16) == 48000);
  BOOST_TEST(header[32] == 4);  // block align
  BOOST_TEST(header[34] == 16);
  BOOST_TEST((header[40] | header[41] << 8) == 1920);
}

BOOST_AUTO_TEST_SUITE_END()
