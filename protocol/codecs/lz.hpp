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

// `palette` holds 0x00RRGGBB entries, resolved by the caller from the message
// or the palette cache. Memory: the image, plus its palette-index rows, whose
// stride may be at most lz_plt_max_stride (no longer than a decoded row plus
// padding): 8 bytes a pixel and 64 a row at most.
result<decoded_image> decode_lz_plt(const std::uint8_t* data, std::size_t size,
                                    const std::vector<std::uint32_t>& palette,
                                    std::uint64_t max_pixels = max_image_pixels);
inline std::uint64_t lz_plt_max_stride(std::uint32_t width) { return 4 * std::uint64_t{width} + 64; }

}  // namespace vigil::protocol
