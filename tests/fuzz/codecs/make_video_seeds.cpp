// Writes fuzz_video's seeds: for each codec libavcodec can encode here, four
// 64x48 frames of the video tests' known scene (tests/support/
// video_test_encoder.hpp), in fuzz_video's input layout (selector byte, then
// {u16 length, frame} each). Not built by default; see ../README.md.
#include <spice/enums.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "protocol/codecs/video_decoder.hpp"
#include "video_test_encoder.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_video_seeds CORPUS_DIR\n");
    return 2;
  }
  const auto codecs = vigil::protocol::decodable_video_codecs();
  vigil::test::encoder_settings settings;
  settings.width = 64;
  settings.height = 48;
  settings.key_frame_interval = 2;
  settings.bit_rate = 200'000;
  std::vector<std::vector<std::uint32_t>> scene;
  for (int i = 0; i < 4; ++i)
    scene.push_back(vigil::test::known_scene_frame(settings.width, settings.height, i));
  for (std::size_t selector = 0; selector < codecs.size(); ++selector) {
    const std::uint8_t codec = codecs[selector];
    if (codec == SPICE_VIDEO_CODEC_TYPE_MJPEG)
      continue;  // seeded from the test server's frame
    std::vector<std::vector<std::uint8_t>> frames;
    try {
      frames = vigil::test::encode_video(codec, settings, scene);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "%s: %s\n", vigil::protocol::video_codec_name(codec).c_str(), e.what());
      continue;
    }
    std::string seed(1, static_cast<char>(selector));
    for (const auto& frame : frames) {
      seed.push_back(static_cast<char>(frame.size() & 0xff));
      seed.push_back(static_cast<char>(frame.size() >> 8));
      seed.append(frame.begin(), frame.end());
    }
    const std::string path = std::string(argv[1]) + "/" + vigil::protocol::video_codec_name(codec) + "-64x48-4-frames";
    std::ofstream(path, std::ios::binary) << seed;
    std::printf("%s: %zu bytes\n", path.c_str(), seed.size());
  }
  return 0;
}
