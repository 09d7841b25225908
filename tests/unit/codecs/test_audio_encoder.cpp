// The record channel's encoder (protocol/codecs/audio_encoder.hpp): raw
// packets are the samples little-endian, 10 ms each, however the capture
// device cuts them; Opus packets decode (through the playback decoder, the
// same libopus spice-server uses) back to the tone that went in.
#include <boost/test/unit_test.hpp>

#include <spice/enums.h>

#include <cmath>

#include "check_contains.hpp"
#include "protocol/codecs/audio_decoder.hpp"
#include "protocol/codecs/audio_encoder.hpp"
#include "tone_analysis.hpp"

using namespace vigil::protocol;

namespace {

std::vector<std::int16_t> sine(double hz, std::uint32_t rate, std::uint32_t channels, std::size_t frames,
                               double amplitude = 12000) {
  std::vector<std::int16_t> out;
  for (std::size_t f = 0; f < frames; ++f)
    for (std::uint32_t c = 0; c < channels; ++c)
      out.push_back(static_cast<std::int16_t>(amplitude * std::sin(2 * M_PI * hz * static_cast<double>(f) / rate)));
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(audio_encoder_tests)

BOOST_AUTO_TEST_CASE(raw_packets_are_10_ms_of_little_endian_samples_across_uneven_pushes) {
  auto encoder = audio_encoder::create(SPICE_AUDIO_DATA_MODE_RAW, {48000, 2});
  BOOST_TEST_REQUIRE(encoder.ok());
  BOOST_TEST(encoder->packet_samples() == 960u);
  std::vector<std::int16_t> samples(960 * 2 + 100);
  for (std::size_t i = 0; i < samples.size(); ++i)
    samples[i] = static_cast<std::int16_t>(i * 37 - 20000);
  // A device that hands out 333 samples at a time.
  std::vector<bytes> packets;
  for (std::size_t at = 0; at < samples.size(); at += 333) {
    auto out = encoder->push(samples.data() + at, std::min<std::size_t>(333, samples.size() - at));
    BOOST_TEST_REQUIRE(out.ok());
    packets.insert(packets.end(), out->begin(), out->end());
  }
  BOOST_TEST_REQUIRE(packets.size() == 2u);  // the last 100 samples wait for more
  for (std::size_t p = 0; p < 2; ++p) {
    BOOST_TEST_REQUIRE(packets[p].size() == 960u * 2);
    for (std::size_t i = 0; i < 960; ++i) {
      const auto value = static_cast<std::uint16_t>(samples[p * 960 + i]);
      BOOST_TEST_REQUIRE(packets[p][2 * i] == static_cast<std::uint8_t>(value));
      BOOST_TEST_REQUIRE(packets[p][2 * i + 1] == static_cast<std::uint8_t>(value >> 8));
    }
  }
}

BOOST_AUTO_TEST_CASE(opus_packets_decode_back_to_the_captured_tone) {
  for (const std::uint32_t channels : {1u, 2u}) {
    auto encoder = audio_encoder::create(SPICE_AUDIO_DATA_MODE_OPUS, {48000, channels});
    BOOST_TEST_REQUIRE(encoder.ok());
    auto decoder = audio_decoder::create(SPICE_AUDIO_DATA_MODE_OPUS, {48000, channels});
    BOOST_TEST_REQUIRE(decoder.ok());
    const auto tone = sine(440, 48000, channels, 48000);
    auto packets = encoder->push(tone.data(), tone.size());
    BOOST_TEST_REQUIRE(packets.ok());
    BOOST_TEST(packets->size() == 100u);
    std::vector<std::int16_t> decoded;
    std::size_t largest = 0;
    for (const auto& packet : *packets) {
      largest = std::max(largest, packet.size());
      auto pcm = decoder->decode(packet.data(), packet.size());
      BOOST_TEST_REQUIRE(pcm.ok());
      BOOST_TEST_REQUIRE(pcm->size() == 480u * channels);
      decoded.insert(decoded.end(), pcm->begin(), pcm->end());
    }
    // Skip the codec's start-up transient.
    const std::vector<std::int16_t> steady(decoded.begin() + 4800 * channels, decoded.end());
    const auto estimate = vigil::test::dominant_tone(steady, channels, 48000);
    BOOST_TEST_MESSAGE("opus " << channels << " channel(s): largest packet " << largest << " bytes, decoded "
                               << estimate.frequency_hz << " Hz, share " << estimate.share << ", rms "
                               << estimate.rms);
    BOOST_TEST(std::abs(estimate.frequency_hz - 440) < 2);
    BOOST_TEST(estimate.share > 0.8);
    BOOST_TEST(estimate.rms > 5000);  // amplitude 12000: rms 8485
    BOOST_TEST(largest <= 480u);      // what spice-server's decoder accepts per packet
  }
}

BOOST_AUTO_TEST_CASE(encoder_refuses_what_it_cannot_encode) {
  VIGIL_CHECK_CONTAINS(audio_encoder::create(2, {48000, 2}).error().message, "mode 2");
  VIGIL_CHECK_CONTAINS(audio_encoder::create(SPICE_AUDIO_DATA_MODE_OPUS, {44100, 2}).error().message,
                       "opus_encoder_create");
  VIGIL_CHECK_CONTAINS(audio_encoder::create(SPICE_AUDIO_DATA_MODE_RAW, {48000, 3}).error().message, "3 channels");
  VIGIL_CHECK_CONTAINS(audio_encoder::create(SPICE_AUDIO_DATA_MODE_RAW, {0, 2}).error().message, "0 Hz");
  // A fuzzer found it: at 59 Hz a 10 ms packet has no frame, and push() made empty packets forever.
  VIGIL_CHECK_CONTAINS(audio_encoder::create(SPICE_AUDIO_DATA_MODE_RAW, {59, 2}).error().message, "59 Hz");
  // Raw works at any rate a guest may pick.
  BOOST_TEST(audio_encoder::create(SPICE_AUDIO_DATA_MODE_RAW, {44100, 2}).ok());
}

BOOST_AUTO_TEST_SUITE_END()
