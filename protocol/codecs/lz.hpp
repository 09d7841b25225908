// LZ (SPICE_IMAGE_TYPE_LZ_RGB, SPICE_IMAGE_TYPE_LZ_PLT): SPICE's lossless LZ77
// codec with a big-endian header. Input is the compressed payload (exactly
// the data_size bytes after SpiceLZRGBData's / SpiceLZPLTData's data_size).
#pragma once

#include <cstdint>
#include <vector>

#include "protocol/codecs/decoded_image.hpp"
#include "protocol/result.hpp"

namespace vigil::protocol {

// A header bigger than `max_pixels` is refused before anything is allocated.
// Memory: the image (4 bytes a pixel), plus 1 byte a pixel for A8.
result<decoded_image> decode_lz_rgb(const std::uint8_t* data, std::size_t size,
                                    std::uint64_t max_pixels = max_image_pixels);

// decode_lz_rgb's pixels written straight into `pixels` (width * height,
// rows contiguous), nothing allocated. False, nothing written: the stream's
// header is not one of a width x height RGB16/24/32 or RGBA image (decode_lz_rgb
// then says why, or decodes an A8 one). An error: what decode_lz_rgb would
// say of the stream; the pixels then hold whatever was decoded up to it.
result<bool> decode_lz_rgb_into(const std::uint8_t* data, std::size_t size, std::uint32_t width,
                                std::uint32_t height, std::uint32_t* pixels);

// `palette` holds 0x00RRGGBB entries, resolved by the caller from the message
// or the palette cache. Memory: the image, plus its palette-index rows, whose
// stride may be at most lz_plt_max_stride (no longer than a decoded row plus
// padding): 8 bytes a pixel and 64 a row at most.
result<decoded_image> decode_lz_plt(const std::uint8_t* data, std::size_t size,
                                    const std::vector<std::uint32_t>& palette,
                                    std::uint64_t max_pixels = max_image_pixels);
inline std::uint64_t lz_plt_max_stride(std::uint32_t width) { return 4 * std::uint64_t{width} + 64; }

}  // namespace vigil::protocol
