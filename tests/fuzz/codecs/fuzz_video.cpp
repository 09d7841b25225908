// Fuzzes the video stream decoders (protocol/codecs/video_decoder.hpp):
// MJPEG, VP8, H.264, VP9 and H.265, each as a stream of frames through one
// decoder, as a stream_decoder actor feeds it. Every libavcodec failure must
// come back as an error naming the codec, a picture must be within the
// frame limit and whole, and the decoder must stay usable after an error.
// Input: a selector byte (the codec, modulo the decodable ones), then frames
// as {u16 little-endian length, bytes}. Seeds: 64x48 scenes encoded with
// libavcodec's encoders (make_video_seeds.cpp, see ../README.md) and one
// test server MJPEG frame.
#include <cstddef>
#include <cstdint>

#include "../fuzz_check.hpp"
#include "protocol/codecs/video_decoder.hpp"

using namespace vigil::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::vector<std::uint8_t> codecs = decodable_video_codecs();
  if (size < 1 || codecs.empty())
    return 0;
  const std::uint8_t codec = codecs[data[0] % codecs.size()];
  video_decoder_options options;
  options.max_pixels = 1024 * 1024;  // keeps a fuzzed header from asking for 8K pictures
  auto decoder = video_decoder::create(codec, options);
  FUZZ_CHECK(decoder.ok());
  const std::string name = video_codec_name(codec);
  decoded_image picture;
  std::size_t at = 1;
  for (int frames = 0; size - at >= 2 && frames < 16; ++frames) {
    const std::size_t length = std::min<std::size_t>(data[at] | data[at + 1] << 8, size - at - 2);
    const std::uint8_t* frame = data + at + 2;
    at += 2 + length;
    auto decoded = (*decoder)->decode(frame, length, picture);
    if (!decoded.ok()) {
      FUZZ_CHECK(decoded.error().message.rfind(name + ": ", 0) == 0);
      continue;
    }
    if (*decoded) {
      FUZZ_CHECK(picture.width >= 1 && picture.height >= 1);
      FUZZ_CHECK(std::uint64_t{picture.width} * picture.height <= options.max_pixels);
      FUZZ_CHECK(picture.pixels.size() >= std::size_t{picture.width} * picture.height);
    }
  }
  return 0;
}
