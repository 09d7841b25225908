// JPEG (SPICE_IMAGE_TYPE_JPEG, and MJPEG stream frames) and JPEG_ALPHA
// (SPICE_IMAGE_TYPE_JPEG_ALPHA: a JPEG for the colour plus an LZ-coded alpha
// plane), through libjpeg-turbo.
#pragma once

#include <cstdint>

#include "protocol/codecs/decoded_image.hpp"
#include "protocol/result.hpp"

namespace vigil::protocol {

// Input: a complete JPEG file (SpiceJPEGData's data, or one MJPEG frame).
result<decoded_image> decode_jpeg(const std::uint8_t* data, std::size_t size);

// Input: the SpiceJPEGAlphaData body (u8 flags, u32 jpeg_size, u32 data_size,
// then the JPEG followed by the alpha plane).
result<decoded_image> decode_jpeg_alpha(const std::uint8_t* data, std::size_t size);

}  // namespace vigil::protocol
