#include "protocol/codecs/libav/yuv_to_bgra.hpp"

#include <libyuv/convert_argb.h>

namespace vigil::protocol {

namespace {

const libyuv::YuvConstants* constants_of(yuv_matrix matrix, bool full_range) {
  switch (matrix) {
    case yuv_matrix::bt601: return full_range ? &libyuv::kYuvJPEGConstants : &libyuv::kYuvI601Constants;
    case yuv_matrix::bt2020: return full_range ? &libyuv::kYuvV2020Constants : &libyuv::kYuv2020Constants;
    case yuv_matrix::bt709: break;
  }
  return full_range ? &libyuv::kYuvF709Constants : &libyuv::kYuvH709Constants;
}

}  // namespace

bool yuv_to_bgra(const yuv_picture& p, std::uint32_t* out) {
  if (!out || p.width <= 0 || p.height <= 0 || !p.planes[0] || !p.planes[1] ||
      (p.layout != yuv_layout::nv12 && !p.planes[2]))
    return false;
  // libyuv's "ARGB" is little-endian B, G, R, A in memory: native 0xAARRGGBB.
  auto* argb = reinterpret_cast<std::uint8_t*>(out);
  const int argb_stride = p.width * 4;
  const auto* matrix = constants_of(p.matrix, p.full_range);
  int failed = -1;
  switch (p.layout) {
    case yuv_layout::i420:
      failed = libyuv::I420ToARGBMatrix(p.planes[0], p.strides[0], p.planes[1], p.strides[1], p.planes[2],
                                        p.strides[2], argb, argb_stride, matrix, p.width, p.height);
      break;
    case yuv_layout::i422:
      failed = libyuv::I422ToARGBMatrix(p.planes[0], p.strides[0], p.planes[1], p.strides[1], p.planes[2],
                                        p.strides[2], argb, argb_stride, matrix, p.width, p.height);
      break;
    case yuv_layout::i444:
      failed = libyuv::I444ToARGBMatrix(p.planes[0], p.strides[0], p.planes[1], p.strides[1], p.planes[2],
                                        p.strides[2], argb, argb_stride, matrix, p.width, p.height);
      break;
    case yuv_layout::nv12:
      failed = libyuv::NV12ToARGBMatrix(p.planes[0], p.strides[0], p.planes[1], p.strides[1], argb, argb_stride,
                                        matrix, p.width, p.height);
      break;
  }
  return failed == 0;
}

}  // namespace vigil::protocol
