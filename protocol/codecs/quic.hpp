// QUIC (SPICE_IMAGE_TYPE_QUIC): SPICE's lossless photographic codec. Input is
// the payload of SpiceQUICData (the bytes after its u32 data_size).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "protocol/codecs/decoded_image.hpp"
#include "protocol/codecs/pixel_pool.hpp"
#include "protocol/result.hpp"

namespace vigil::protocol {

// A header over `max_pixels` is refused before anything is allocated.
// Memory: the image (4 bytes a pixel) and a few rows of model state. With
// `buffers`, the image's pixels come from that pool (every pixel is written,
// so a reused buffer needs no clearing); give them back when done.
result<decoded_image> decode_quic(const std::uint8_t* data, std::size_t size,
                                  std::uint64_t max_pixels = max_image_pixels, pixel_pool* buffers = nullptr);

// The two steps of decode_quic, for a caller that decodes straight into its
// own rows (a surface): the header, every check that needs no decoding done...
struct quic_header {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  bool has_alpha = false;          // RGBA
  bool five_bit_channels = false;  // RGB16 (expanded to 8 bits a channel)
};
result<quic_header> read_quic_header(const std::uint8_t* data, std::size_t size,
                                     std::uint64_t max_pixels = max_image_pixels);
// ... then the pixels, into `header.height` rows of `header.width` pixels,
// `stride` pixels apart (stride >= width). Every pixel of those rows is
// written as decode_quic would produce it; on an error (a corrupt or short
// stream) the rows hold whatever was decoded up to it.
std::optional<parse_error> decode_quic_rows(const std::uint8_t* data, std::size_t size, const quic_header& header,
                                            std::uint32_t* rows, std::size_t stride);

}  // namespace vigil::protocol
