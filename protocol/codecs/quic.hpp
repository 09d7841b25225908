// QUIC (SPICE_IMAGE_TYPE_QUIC): SPICE's lossless photographic codec. Input is
// the payload of SpiceQUICData (the bytes after its u32 data_size).
#pragma once

#include <cstddef>
#include <cstdint>

#include "protocol/codecs/decoded_image.hpp"
#include "protocol/result.hpp"

namespace vigil::protocol {

// A header over `max_pixels` is refused before anything is allocated.
// Memory: the image (4 bytes a pixel) and a few rows of model state.
result<decoded_image> decode_quic(const std::uint8_t* data, std::size_t size,
                                  std::uint64_t max_pixels = max_image_pixels);

}  // namespace vigil::protocol
