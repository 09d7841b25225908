// LZ4 (SPICE_IMAGE_TYPE_LZ4, client cap SPICE_DISPLAY_CAP_LZ4_COMPRESSION):
// the payload of SpiceLZ4Data (exactly the data_size bytes after its u32
// data_size). Width and height come from the image descriptor.
#pragma once

#include <cstdint>

#include "protocol/codecs/decoded_image.hpp"
#include "protocol/result.hpp"

namespace vigil::protocol {

result<decoded_image> decode_lz4(const std::uint8_t* data, std::size_t size, std::uint32_t width,
                                 std::uint32_t height);

}  // namespace vigil::protocol
