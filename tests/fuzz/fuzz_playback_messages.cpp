// Fuzzes the playback channel: its parsers, the audio decoders (raw S16 and
// Opus) and the jitter buffer. Input: selector byte, then
//   0-5: a body for DATA, MODE, START, VOLUME, MUTE, LATENCY
//   6:   a session: repeated {u8 type (mod 8 from PLAYBACK_DATA), u16 length,
//        body, u8 pull_ms}, played through what the playback channel and the
//        audio sink do with it (MODE/START make a decoder, DATA decodes into
//        the jitter buffer, then pull_ms of audio is pulled)
// Seeds: the playback messages of tests/data/playback.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>

#include <spice/enums.h>

#include "fuzz_check.hpp"
#include "protocol/codecs/pcm.hpp"
#include "protocol/jitter_buffer.hpp"
#include "protocol/playback_messages.hpp"

using namespace vigil::protocol;

namespace {

template <class T>
void check_error(const result<T>& parsed) {
  if (!parsed.ok())
    FUZZ_CHECK(parsed.error().message.rfind("PLAYBACK_", 0) == 0);
}

void fuzz_one_message(std::uint8_t selector, const bytes& body) {
  switch (selector) {
    case 0: {
      auto data = parse_playback_data(body);
      check_error(data);
      FUZZ_CHECK(data.ok() == (body.size() >= 4));
      if (data.ok())
        FUZZ_CHECK(data->data.size() == body.size() - 4);
      break;
    }
    case 1: check_error(parse_playback_mode(body)); break;
    case 2: {
      auto start = parse_playback_start(body);
      check_error(start);
      if (start.ok())
        FUZZ_CHECK(start->channels >= 1 && start->channels <= 8 && start->frequency >= 1);
      break;
    }
    case 3: {
      auto volume = parse_playback_volume(body);
      check_error(volume);
      if (volume.ok())
        FUZZ_CHECK(body.size() >= 1 + 2 * volume->volume.size());
      break;
    }
    case 4: FUZZ_CHECK(parse_playback_mute(body).ok() == !body.empty()); break;
    default: FUZZ_CHECK(parse_playback_latency(body).ok() == (body.size() >= 4)); break;
  }
}

void fuzz_session(const std::uint8_t* data, std::size_t size) {
  const jitter_settings settings{200, 40};
  jitter_buffer buffer(settings);
  std::uint16_t mode = SPICE_AUDIO_DATA_MODE_RAW;
  std::optional<audio_format> format;
  std::optional<audio_decoder> decoder;
  std::vector<std::int16_t> out;
  std::size_t at = 0;
  while (size - at >= 4) {
    const auto type = static_cast<std::uint16_t>(SPICE_MSG_PLAYBACK_DATA + data[at] % 8);
    const std::size_t length = std::min<std::size_t>(data[at + 1] | data[at + 2] << 8, size - at - 4);
    const bytes body(data + at + 3, data + at + 3 + length);
    const std::uint8_t pull_ms = data[at + 3 + length];
    at += 4 + length;
    if (type == SPICE_MSG_PLAYBACK_MODE) {
      if (auto parsed = parse_playback_mode(body); parsed.ok())
        mode = parsed->mode;
    } else if (type == SPICE_MSG_PLAYBACK_START) {
      if (auto parsed = parse_playback_start(body); parsed.ok()) {
        format = audio_format{parsed->frequency, parsed->channels};
        buffer.start(*format);
      }
    } else if (type == SPICE_MSG_PLAYBACK_STOP) {
      format.reset();
      buffer.stop();
    } else if (type == SPICE_MSG_PLAYBACK_DATA && format) {
      if (!decoder || decoder->mode() != mode || decoder->format().frequency != format->frequency ||
          decoder->format().channels != format->channels) {
        decoder.reset();
        if (auto made = audio_decoder::create(mode, *format); made.ok())
          decoder.emplace(std::move(*made));
      }
      auto parsed = parse_playback_data(body);
      if (decoder && parsed.ok())
        if (auto samples = decoder->decode(parsed->data.data(), parsed->data.size()); samples.ok()) {
          FUZZ_CHECK(samples->size() % format->channels == 0);
          buffer.push(parsed->time, *samples);
        }
    }
    if (buffer.started()) {
      const std::size_t frames = std::size_t{pull_ms} * buffer.format().frequency / 1000;
      out.assign(frames * buffer.format().channels, 1);
      const std::size_t real = buffer.pull(out.data(), frames, buffer.format().channels);
      FUZZ_CHECK(real <= frames);
      apply_volume(out.data(), frames, buffer.format().channels, {data[at - 1], 40000}, pull_ms % 2 == 0);
    }
    const auto stats = buffer.stats();
    FUZZ_CHECK(stats.depth_ms <= settings.capacity_ms);
    FUZZ_CHECK(stats.packets_late <= stats.packets_in);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1)
    return 0;
  const std::uint8_t selector = data[0] % 7;
  if (selector == 6)
    fuzz_session(data + 1, size - 1);
  else
    fuzz_one_message(selector, bytes(data + 1, data + size));
  return 0;
}
