// Fuzzes the record channel: its parsers and the encoders it feeds. Input:
// selector byte, then
//   0-3: a body for START, VOLUME, MUTE, DATA (the server's side of DATA,
//        which the tests' servers read)
//   4:   a session: a START body (10 bytes), a mode byte (even: raw, odd:
//        Opus), then captured samples cut in pieces of the next byte's size,
//        encoded as the record channel does; every packet is 10 ms (raw:
//        exactly its bytes) and its DATA message parses back to it
// Seeds: hand-made bodies in corpus/fuzz_record_messages.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include <spice/enums.h>

#include "fuzz_check.hpp"
#include "protocol/codecs/audio_encoder.hpp"
#include "protocol/codecs/pcm.hpp"
#include "protocol/record_messages.hpp"

using namespace vigil::protocol;

namespace {

template <class T>
void check_error(const result<T>& parsed) {
  if (!parsed.ok())
    FUZZ_CHECK(parsed.error().message.rfind("RECORD_", 0) == 0);
}

void fuzz_one_message(std::uint8_t selector, const bytes& body) {
  switch (selector) {
    case 0: {
      auto start = parse_record_start(body);
      check_error(start);
      if (start.ok())
        FUZZ_CHECK(start->channels >= 1 && start->channels <= 2 && start->frequency >= 1 &&
                   start->frequency <= 192000 && start->format == SPICE_AUDIO_FMT_S16);
      break;
    }
    case 1: {
      auto volume = parse_record_volume(body);
      check_error(volume);
      if (volume.ok())
        FUZZ_CHECK(body.size() >= 1 + 2 * volume->volume.size());
      break;
    }
    case 2: FUZZ_CHECK(parse_record_mute(body).ok() == !body.empty()); break;
    default: {
      auto data = parse_record_data(body);
      check_error(data);
      FUZZ_CHECK(data.ok() == (body.size() >= 4));
      if (data.ok())
        FUZZ_CHECK(data->data.size() == body.size() - 4);
      break;
    }
  }
}

void fuzz_session(const std::uint8_t* data, std::size_t size) {
  if (size < 12)
    return;
  auto start = parse_record_start(bytes(data, data + 10));
  if (!start.ok())
    return;
  const std::uint16_t mode = data[10] % 2 ? SPICE_AUDIO_DATA_MODE_OPUS : SPICE_AUDIO_DATA_MODE_RAW;
  const std::size_t piece = std::size_t{data[11]} + 1;
  const audio_format format{start->frequency, start->channels};
  auto encoder = audio_encoder::create(mode, format);
  if (!encoder.ok()) {
    // Raw takes every START but one below 100 Hz (no frame in a 10 ms packet).
    FUZZ_CHECK(mode == SPICE_AUDIO_DATA_MODE_OPUS || start->frequency < 100);
    return;
  }
  std::vector<std::int16_t> samples((size - 12) / 2);
  if (!samples.empty())
    std::memcpy(samples.data(), data + 12, samples.size() * 2);
  std::size_t pushed = 0;
  std::size_t packed = 0;
  for (std::size_t at = 0; at < samples.size(); at += piece) {
    const std::size_t count = std::min(piece, samples.size() - at);
    std::vector<std::int16_t> chunk(samples.begin() + at, samples.begin() + at + count);
    apply_volume(chunk.data(), chunk.size() / format.channels, format.channels, {data[11], 40000}, false);
    pushed += count;
    auto packets = encoder->push(chunk.data(), chunk.size());
    if (!packets.ok())
      continue;
    for (const auto& packet : *packets) {
      packed += encoder->packet_samples();
      if (mode == SPICE_AUDIO_DATA_MODE_RAW)
        FUZZ_CHECK(packet.size() == encoder->packet_samples() * 2);
      auto message = parse_record_data(build_record_data(static_cast<std::uint32_t>(at), packet.data(), packet.size()));
      FUZZ_CHECK(message.ok() && message->data == packet);
    }
  }
  FUZZ_CHECK(packed <= pushed && pushed - packed < encoder->packet_samples());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1)
    return 0;
  const std::uint8_t selector = data[0] % 5;
  if (selector == 4)
    fuzz_session(data + 1, size - 1);
  else
    fuzz_one_message(selector, bytes(data + 1, data + size));
  return 0;
}
