// 8-bit YUV pictures (what libavcodec's software decoders and VA-API
// transfers hand out) to decoded_image's native 0xAARRGGBB, through libyuv's
// SIMD row converters.
//
// Why not libswscale for these: spice-server's GStreamer H.264 encoder is fed
// BGRx and negotiates 4:4:4 (x264's High 4:4:4 profile), and libswscale 6
// (Debian 12) has no unscaled fast path from yuv444p to BGRA: its generic
// scaler took ~10 ms of a 1080p frame's ~14 ms in a profile of headless
// Vigil (72 % of its CPU), libyuv takes ~1 ms. Layouts and matrices libyuv
// lacks stay with libswscale (video_decoder.cpp).
#pragma once

#include <cstdint>

namespace vigil::protocol {

enum class yuv_layout { i420, i422, i444, nv12 };
enum class yuv_matrix { bt601, bt709, bt2020 };

struct yuv_picture {
  yuv_layout layout = yuv_layout::i420;
  yuv_matrix matrix = yuv_matrix::bt709;
  bool full_range = false;  // JPEG range (0-255) rather than video range (16-235)
  const std::uint8_t* planes[3] = {nullptr, nullptr, nullptr};  // Y, U, V (nv12: Y, interleaved UV)
  int strides[3] = {0, 0, 0};
  int width = 0;
  int height = 0;
};

// Writes width * height pixels, rows `width` apart, alpha 0xff. False when
// libyuv refuses the arguments (null planes, non-positive size).
bool yuv_to_bgra(const yuv_picture& picture, std::uint32_t* out);

}  // namespace vigil::protocol
