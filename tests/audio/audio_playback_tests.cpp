// The playback channel end to end: vigil --headless against vigil-test-server
// playing a sine tone, with Opus and with raw PCM (audio.opus = false). The
// client writes the decoded PCM with --dump-audio; the test measures its
// dominant frequency (Goertzel, tests/support/tone_analysis.hpp) and level,
// and reads the playback and audio parts of the health snapshot. Measured
// figures are printed (run with --log_level=message or ctest -V).
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <thread>

#include "check_contains.hpp"
#include "child_process.hpp"
#include "scene_server.hpp"
#include "qemu_server.hpp"
#include "temp_directory.hpp"
#include "tone_analysis.hpp"
#include "x_display.hpp"
#include "client_run.hpp"

using namespace vigil::test_support;
using namespace vigil::test_support;
using namespace std::chrono_literals;


namespace {

constexpr int client_seconds = 4;

struct wav_file {
  std::uint32_t frequency = 0;
  std::uint16_t channels = 0;
  std::vector<std::int16_t> samples;
};

std::uint32_t le(const std::vector<char>& data, std::size_t at, int width) {
  std::uint32_t value = 0;
  for (int i = 0; i < width; ++i)
    value |= std::uint32_t{static_cast<std::uint8_t>(data[at + i])} << (8 * i);
  return value;
}

// Reads the client's dump: a 44-byte PCM header (as the client writes it) and the data.
std::optional<wav_file> read_wav(const std::string& path, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  const std::vector<char> data(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>{});
  if (data.size() < 44 || std::string(data.begin(), data.begin() + 4) != "RIFF" ||
      std::string(data.begin() + 8, data.begin() + 16) != "WAVEfmt ") {
    error = path + " is not a WAV file (" + std::to_string(data.size()) + " bytes)";
    return std::nullopt;
  }
  wav_file wav;
  wav.channels = static_cast<std::uint16_t>(le(data, 22, 2));
  wav.frequency = le(data, 24, 4);
  const std::uint32_t data_bytes = le(data, 40, 4);
  if (le(data, 34, 2) != 16 || data_bytes > data.size() - 44) {
    error = path + ": not 16-bit, or the data size " + std::to_string(data_bytes) + " exceeds the file";
    return std::nullopt;
  }
  wav.samples.resize(data_bytes / 2);
  for (std::size_t i = 0; i < wav.samples.size(); ++i)
    wav.samples[i] = static_cast<std::int16_t>(le(data, 44 + 2 * i, 2));
  return wav;
}

struct playback_run {
  client_run client;
  std::optional<wav_file> wav;
  const nlohmann::json* playback = nullptr;  // the playback channel's snapshot entry
  nlohmann::json audio;                      // the snapshot's "audio" part
};

playback_run run_tone(vigil::test_support::temp_directory& directory, std::vector<std::string> server_options,
                      bool opus) {
  scene_server server(server_options);
  std::vector<std::string> arguments = {"--headless", "--duration", std::to_string(client_seconds)};
  const std::string dump = directory.file("audio.wav");
  arguments.insert(arguments.end(), {"--dump-audio", dump});
  if (!opus) {
    const std::string config = directory.file("raw.toml");
    vigil::test_support::write_text_file(config, "[audio]\nopus = false\n");
    arguments.insert(arguments.end(), {"--config", config});
  }
  arguments.push_back(plain_uri(server.port()));
  playback_run out;
  out.client = run_vigil(arguments, std::chrono::seconds(client_seconds + 30));
  BOOST_TEST_REQUIRE(out.client.exit_code() == 0, out.client.context());
  BOOST_TEST_REQUIRE(out.client.snapshot.has_value(), out.client.context());
  out.playback = out.client.channel("playback");
  BOOST_TEST_REQUIRE(out.playback != nullptr, "no playback channel in the snapshot" << out.client.context());
  BOOST_TEST_MESSAGE("playback channel: " << out.playback->at("playback").dump());
  BOOST_TEST_MESSAGE("playback edges: " << out.playback->at("edges").dump());
  BOOST_TEST_REQUIRE(out.client.snapshot->contains("audio"), out.client.context());
  out.audio = out.client.snapshot->at("audio");
  BOOST_TEST_MESSAGE("audio sink: " << out.audio.dump());
  std::string error;
  out.wav = read_wav(dump, error);
  BOOST_TEST_REQUIRE(out.wav.has_value(), error << out.client.context());
  return out;
}

void check_tone(int frequency_hz, bool opus) {
  vigil::test_support::temp_directory directory("audio");
  auto run = run_tone(directory, {"--scene", "solid", "--playback-tone", std::to_string(frequency_hz)}, opus);
  const auto& playback = run.playback->at("playback");
  BOOST_TEST(run.playback->at("state").get<std::string>() == "up");
  BOOST_TEST(playback.at("mode").get<std::string>() == (opus ? "opus" : "raw"));
  BOOST_TEST(playback.at("frequency").get<int>() == 48000);
  BOOST_TEST(playback.at("channels").get<int>() == 2);
  BOOST_TEST(playback.at("decode_errors").get<int>() == 0);
  // The server makes 100 packets a second; the client ran 4 s (the link takes a moment).
  const auto packets = playback.at("packets").get<std::uint64_t>();
  BOOST_TEST(packets > 250u);
  BOOST_TEST(run.audio.at("packets_in").get<std::uint64_t>() > 250u);

  const wav_file& wav = *run.wav;
  BOOST_TEST(wav.frequency == 48000u);
  BOOST_TEST(wav.channels == 2u);
  const double seconds = static_cast<double>(wav.samples.size()) / wav.channels / wav.frequency;
  BOOST_TEST(seconds > 2.5);
  // Leave out the first 50 ms: Opus's start-up transient.
  const std::vector<std::int16_t> steady(wav.samples.begin() + std::min<std::size_t>(wav.samples.size(), 4800),
                                         wav.samples.end());
  for (unsigned channel = 0; channel < 2; ++channel) {
    const auto tone = vigil::test::dominant_tone(steady, wav.channels, wav.frequency, channel);
    BOOST_TEST_MESSAGE((opus ? "opus" : "raw") << " " << frequency_hz << " Hz: channel " << channel << " measured "
                                               << tone.frequency_hz << " Hz, tone share " << tone.share << ", rms "
                                               << tone.rms << " over " << seconds << " s; " << packets
                                               << " packets, late dropped "
                                               << run.audio.at("late_packets_dropped").get<std::uint64_t>()
                                               << ", underruns " << run.audio.at("underruns").get<std::uint64_t>()
                                               << ", edge dropped " << run.playback->at("edges")[0].at("dropped"));
    BOOST_TEST(std::abs(tone.frequency_hz - frequency_hz) < 3.0);
    BOOST_TEST(tone.share > 0.9);
    BOOST_TEST(tone.rms > 5000);  // the server's amplitude is half scale (rms 11585): not silence
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(opus_440_hz_tone_is_heard_at_440_hz, *boost::unit_test::label("server")) { check_tone(440, true); }
BOOST_AUTO_TEST_CASE(opus_1000_hz_tone_is_heard_at_1000_hz, *boost::unit_test::label("server")) { check_tone(1000, true); }
BOOST_AUTO_TEST_CASE(raw_440_hz_tone_is_heard_at_440_hz, *boost::unit_test::label("server")) { check_tone(440, false); }
BOOST_AUTO_TEST_CASE(raw_1000_hz_tone_is_heard_at_1000_hz, *boost::unit_test::label("server")) { check_tone(1000, false); }

BOOST_AUTO_TEST_CASE(server_volume_and_mute_reach_the_snapshot, *boost::unit_test::label("server")) {
  vigil::test_support::temp_directory directory("audio");
  auto run = run_tone(directory,
                      {"--scene", "solid", "--playback-tone", "440", "--playback-volume", "32768", "--playback-mute",
                       "1"},
                      true);
  const auto& playback = run.playback->at("playback");
  BOOST_TEST(playback.at("volume") == nlohmann::json::array({32768, 32768}));
  BOOST_TEST(playback.at("mute").get<bool>());
  BOOST_TEST(run.audio.at("volume") == nlohmann::json::array({32768, 32768}));
  BOOST_TEST(run.audio.at("mute").get<bool>());
  // The dump is the decoded stream as the server sent it, before volume and mute.
  const auto tone = vigil::test::dominant_tone(run.wav->samples, 2, 48000);
  BOOST_TEST(std::abs(tone.frequency_hz - 440) < 3.0);
}

BOOST_AUTO_TEST_CASE(audio_disabled_leaves_the_playback_channel_alone, *boost::unit_test::label("server")) {
  vigil::test_support::temp_directory directory("audio");
  scene_server server({"--scene", "solid", "--playback-tone", "440"});
  const std::string config = directory.file("off.toml");
  vigil::test_support::write_text_file(config, "[audio]\nenabled = false\n");
  auto run = run_vigil({"--headless", "--duration", "2", "--config", config, plain_uri(server.port())}, 30s);
  BOOST_TEST_REQUIRE(run.exit_code() == 0, run.context());
  BOOST_TEST_REQUIRE(run.snapshot.has_value(), run.context());
  BOOST_TEST(run.channel("playback") == nullptr);
  BOOST_TEST(run.channel("display") != nullptr);
  BOOST_TEST(!server.wait_for_output("playback client-active", 100ms));
}

namespace {

// The window under xvfb-run with OpenAL Soft told which backends it may use
// (ALSOFT_DRIVERS); returns the snapshot's "audio" part.
nlohmann::json run_window(const std::string& drivers, const std::string& dump) {
  scene_server server({"--scene", "solid", "--playback-tone", "440"});
  vigil::test_support::temp_directory work("audio-window");
  vigil::test_support::virtual_display display(work);
  setenv("ALSOFT_DRIVERS", drivers.c_str(), 1);
  const auto run = run_vigil({"--duration", "6", "--dump-audio", dump, plain_uri(server.port())}, 60s);
  unsetenv("ALSOFT_DRIVERS");
  BOOST_TEST_MESSAGE("window client: " << run.process.describe());
  BOOST_TEST_REQUIRE(run.exit_code() == 0, run.context());
  BOOST_TEST_REQUIRE((run.snapshot && run.snapshot->contains("audio")), run.context());
  BOOST_TEST_MESSAGE("ALSOFT_DRIVERS=" << drivers << ": audio sink " << run.snapshot->at("audio").dump());
  return run.snapshot->at("audio");
}

}  // namespace

// OpenAL Soft's null backend consumes audio in real time, as a sound card
// would: the SFML stream pulls from the jitter buffer on its own thread.
BOOST_AUTO_TEST_CASE(window_plays_through_sfml_on_openal_null_backend, *boost::unit_test::label("server") * boost::unit_test::label("viewer")) {
  vigil::test_support::temp_directory directory("audio");
  const auto audio = run_window("null", directory.file("audio.wav"));
  BOOST_TEST(audio.at("device").get<std::string>() == "sfml");
  BOOST_TEST(audio.at("device_error").get<std::string>().empty());
  // OpenAL Soft's null backend has AL_SOFT_source_latency too (its mixer's periods past the queue).
  VIGIL_CHECK_CONTAINS(audio.at("latency_source").get<std::string>(), "measured");
  BOOST_TEST(audio.at("frames_played").get<std::uint64_t>() > 48000u);
  BOOST_TEST(audio.at("buffer_ms").get<std::uint32_t>() <= audio.at("capacity_ms").get<std::uint32_t>());
  std::string error;
  const auto wav = read_wav(directory.file("audio.wav"), error);
  BOOST_TEST_REQUIRE(wav.has_value(), error);
  BOOST_TEST(std::abs(vigil::test::dominant_tone(wav->samples, 2, 48000).frequency_hz - 440) < 3.0);
}

// No usable backend at all (what a machine without a sound card gets): SFML
// never pulls, the sink notices within 3 s (a device may take that long to
// open) and consumes on its own clock;
// nothing hangs and the buffer stays within its capacity.
BOOST_AUTO_TEST_CASE(window_without_a_sound_device_falls_back_to_the_sinks_clock, *boost::unit_test::label("server") * boost::unit_test::label("viewer")) {
  vigil::test_support::temp_directory directory("audio");
  const auto audio = run_window("no-such-backend", directory.file("audio.wav"));
  BOOST_TEST(audio.at("device").get<std::string>() == "sfml");
  VIGIL_CHECK_CONTAINS(audio.at("device_error").get<std::string>(), "no sound device");
  BOOST_TEST(audio.at("latency_source").get<std::string>() == "sink clock");
  BOOST_TEST(audio.at("frames_played").get<std::uint64_t>() > 48000u);
  BOOST_TEST(audio.at("buffer_ms").get<std::uint32_t>() <= audio.at("capacity_ms").get<std::uint32_t>());
}

// A playback channel that stops processing (debug fault: its handler blocks
// 4 s, one second after it is up) misses its heartbeat and is restarted
// alone; the sink starts the new incarnation's stream, counts the starved
// stretch as an underrun and ignores what the old incarnation still delivers.
BOOST_AUTO_TEST_CASE(stalled_playback_channel_is_restarted_alone_and_the_tone_continues, *boost::unit_test::label("server")) {
  vigil::test_support::temp_directory directory("audio");
  scene_server server({"--scene", "solid", "--playback-tone", "440"});
  const std::string dump = directory.file("audio.wav");
  auto run = run_vigil({"--headless", "--duration", "8", "--dump-audio", dump, "--debug-fault",
                        "playback:0:stall:1000:4000", plain_uri(server.port())},
                       40s);
  BOOST_TEST_REQUIRE(run.exit_code() == 0, run.context());
  BOOST_TEST_REQUIRE(run.snapshot.has_value(), run.context());
  const nlohmann::json* playback = run.channel("playback");
  BOOST_TEST_REQUIRE(playback != nullptr, run.context());
  const auto& audio = run.snapshot->at("audio");
  BOOST_TEST_MESSAGE("restarted playback channel: " << playback->dump());
  BOOST_TEST_MESSAGE("audio sink: " << audio.dump());
  BOOST_TEST(playback->at("state").get<std::string>() == "up");
  BOOST_TEST(playback->at("restarts").get<int>() >= 1);
  BOOST_TEST(audio.at("streams").get<int>() >= 2);
  BOOST_TEST(audio.at("underruns").get<int>() >= 1);
  std::string error;
  const auto wav = read_wav(dump, error);
  BOOST_TEST_REQUIRE(wav.has_value(), error);
  // The last 2 s come from the new incarnation.
  BOOST_TEST_REQUIRE(wav->samples.size() > 4u * 48000);
  const std::vector<std::int16_t> tail(wav->samples.end() - 4 * 48000, wav->samples.end());
  const auto tone = vigil::test::dominant_tone(tail, 2, 48000);
  BOOST_TEST_MESSAGE("after the restart: " << tone.frequency_hz << " Hz, share " << tone.share << ", rms "
                                           << tone.rms);
  BOOST_TEST(std::abs(tone.frequency_hz - 440) < 3.0);
  BOOST_TEST(tone.rms > 5000);
}

// QEMU with an HDA sound card on its spice audio backend offers playback (and
// record: record_tests.cpp). SeaBIOS plays nothing: the channel links, QEMU
// announces Opus, and no stream starts.
BOOST_AUTO_TEST_CASE(qemu_playback_channel_links_and_waits_for_a_stream, *boost::unit_test::label("qemu")) {
  auto config = vigil::test_support::plain_spice();
  config.extra_args = {"-audiodev", "spice,id=snd0", "-device", "intel-hda", "-device", "hda-duplex,audiodev=snd0"};
  vigil::test_support::qemu_server qemu(config);
  auto run = run_vigil({"--headless", "--duration", "3", plain_uri(qemu.port())}, 40s);
  BOOST_TEST_REQUIRE(run.exit_code() == 0, run.context() << qemu.output());
  BOOST_TEST_REQUIRE(run.snapshot.has_value(), run.context());
  const nlohmann::json* playback = run.channel("playback");
  BOOST_TEST_REQUIRE(playback != nullptr, run.context());
  BOOST_TEST_MESSAGE("QEMU playback channel: " << playback->dump());
  BOOST_TEST(playback->at("state").get<std::string>() == "up");
  BOOST_TEST(playback->at("playback").at("mode").get<std::string>() == "opus");
  BOOST_TEST(!playback->at("playback").at("active").get<bool>());
}
