// LZ (SPICE_IMAGE_TYPE_LZ_RGB, SPICE_IMAGE_TYPE_LZ_PLT): SPICE's lossless LZ77
// codec with a big-endian header. Input is the compressed payload (exactly
// the data_size bytes after SpiceLZRGBData's / SpiceLZPLTData's data_size).
#pragma once

#include <cstdint>
#include <vector>

#include "protocol/codecs/decoded_image.hpp"
#include "protocol/result.hpp"

namespace vigil::protocol {

result<decoded_image> decode_lz_rgb(const std::uint8_t* data, std::size_t size);

// `palette` holds 0x00RRGGBB entries, resolved by the caller from the message
// or the palette cache.
result<decoded_image> decode_lz_plt(const std::uint8_t* data, std::size_t size,
                                    const std::vector<std::uint32_t>& palette);

}  // namespace vigil::protocol
