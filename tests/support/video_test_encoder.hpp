// Test-only video encoding through libavcodec's encoders (libx264, libvpx,
// libx265), and the known scene the video tests compare against. The H.265
// tests need it because spice-server 0.15.1 has no H.265 encoder; the other
// codecs use it for fast decoder tests next to the real server's streams.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vigil::test {

// One frame of the known scene: a slow diagonal gradient, a bright square
// moving right by 4 px a frame and a checker band, as 0x00RRGGBB pixels,
// top row first. Smooth enough that every codec reaches > 35 dB at modest
// rates, busy enough that a wrong frame or a colour mix-up costs > 10 dB.
std::vector<std::uint32_t> known_scene_frame(int width, int height, int frame);

struct encoder_settings {
  int width = 320;
  int height = 240;
  int fps = 25;
  int key_frame_interval = 12;  // a key frame every N frames (recovery after a bad frame)
  int bit_rate = 2'000'000;
  // 4:4:4 chroma instead of 4:2:0: what spice-server's GStreamer H.264
  // encoder negotiates from its BGRx input (x264's High 4:4:4 profile).
  bool chroma_444 = false;
};

// Encodes `frames` (0x00RRGGBB, width * height each) with SPICE codec `codec`
// (SPICE_VIDEO_CODEC_TYPE_VP8/H264/VP9/H265), one packet per frame, no
// reordering: what a SPICE server sends as STREAM_DATA. Colour conversion is
// BT.601 limited range for pictures up to 576 lines, BT.709 above, with the
// matrix left unsignalled (as GStreamer's encoders do). Throws
// std::runtime_error naming the problem (no such encoder...).
std::vector<std::vector<std::uint8_t>> encode_video(std::uint8_t codec, const encoder_settings& settings,
                                                    const std::vector<std::vector<std::uint32_t>>& frames);

// PSNR in dB over R, G and B of two 0x00RRGGBB pictures of the same size
// (A ignored); 99 for identical pictures.
double rgb_psnr(const std::vector<std::uint32_t>& a, const std::vector<std::uint32_t>& b);

}  // namespace vigil::test
