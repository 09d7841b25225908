// JPEG (SPICE_IMAGE_TYPE_JPEG, and MJPEG stream frames) and JPEG_ALPHA
// (SPICE_IMAGE_TYPE_JPEG_ALPHA: a JPEG for the colour plus an LZ-coded alpha
// plane), through libjpeg-turbo.
#pragma once

#include <cstdint>
#include <optional>

#include "protocol/codecs/decoded_image.hpp"
#include "protocol/codecs/pixel_rows.hpp"
#include "protocol/result.hpp"

namespace vigil::protocol {

// Input: a complete JPEG file (SpiceJPEGData's data, or one MJPEG frame). A
// header over `max_pixels` is refused before anything is allocated. Memory:
// the image, plus what libjpeg needs, capped at as much again (a progressive
// JPEG's coefficients beyond that fail the decode): 8 bytes a pixel.
result<decoded_image> decode_jpeg(const std::uint8_t* data, std::size_t size,
                                  std::uint64_t max_pixels = max_image_pixels);
// How closely a JPEG is decoded. `exact`: libjpeg's defaults (accurate
// integer IDCT, fancy upsampling, block smoothing), what images use: the
// bit-exact image tests compare against an independent libjpeg decode.
// `fast`: what spice-gtk's MJPEG stream decoder uses (the fast integer IDCT,
// plain upsampling, no block smoothing), for video frames, which only need to
// look like the source (the stream tests ask PSNR >= 30 dB; this costs well
// under 1 dB and about a third of the decode).
enum class jpeg_accuracy { exact, fast };

// The same into `image`, reusing its pixel storage when large enough (an
// MJPEG stream's pooled pictures: no 8 MB allocation, page faults and
// zeroing per 1080p frame). On an error `image` holds no valid picture.
// Unlike decode_jpeg, each pixel's top byte is left as libjpeg writes it
// (0xFF, not 0): the stream's picture reaches the canvas through put_frame,
// whose copy clears it, so a pass over every pixel here is saved.
std::optional<parse_error> decode_jpeg_into(const std::uint8_t* data, std::size_t size, std::uint64_t max_pixels,
                                            decoded_image& image, jpeg_accuracy accuracy = jpeg_accuracy::exact);

// The same straight into `target`'s rows (a surface's), each pixel's top
// byte cleared: no picture of its own to copy from. True once written;
// false when the JPEG is not target's size: nothing was written, decode it
// into an image instead. An error may come after some rows were written.
result<bool> decode_jpeg_onto(const std::uint8_t* data, std::size_t size, const pixel_rows& target,
                              jpeg_accuracy accuracy = jpeg_accuracy::exact);

// Input: the SpiceJPEGAlphaData body (u8 flags, u32 jpeg_size, u32 data_size,
// then the JPEG followed by the alpha plane). Memory: decode_jpeg's plus the
// alpha plane, 1 byte a pixel.
result<decoded_image> decode_jpeg_alpha(const std::uint8_t* data, std::size_t size,
                                        std::uint64_t max_pixels = max_image_pixels);

}  // namespace vigil::protocol
