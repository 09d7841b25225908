// LZ4 as spice-server's lz4-encoder writes it: u8 top_down (1: rows top
// first), u8 SPICE_BITMAP_FMT_* of the rows, then blocks of u32 big-endian
// compressed size + one LZ4 block each, compressed as one stream (a block
// may match into the rows before it). The rows are width * bytes-per-pixel
// long (the server only uses LZ4 for bitmaps without row padding) and are
// converted like an uncompressed bitmap.
#include "protocol/codecs/lz4.hpp"

#include <lz4.h>
#include <spice/enums.h>

#include <climits>
#include <optional>
#include <vector>

#include "protocol/codecs/image_rows.hpp"

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "decoded pixels are little-endian B,G,R,A words");

namespace vigil::protocol {

using codec_detail::codec_error;

namespace {

// Decompresses the blocks after the 2-byte header into exactly `total`
// bytes at `out`.
std::optional<parse_error> inflate_blocks(const std::uint8_t* data, std::size_t size, std::uint8_t* out,
                                          std::size_t total) {
  const char* const codec = "LZ4";
  LZ4_streamDecode_t stream;
  LZ4_setStreamDecode(&stream, nullptr, 0);
  std::size_t in = 2;
  std::size_t done = 0;
  for (unsigned block = 0; in < size; ++block) {
    if (size - in < 4)
      return codec_error(codec, "block ", block, " size truncated at byte ", in);
    const std::uint32_t block_size = std::uint32_t{data[in]} << 24 | std::uint32_t{data[in + 1]} << 16 |
                                     std::uint32_t{data[in + 2]} << 8 | data[in + 3];
    in += 4;
    if (block_size == 0 || block_size > size - in || block_size > INT_MAX)
      return codec_error(codec, "block ", block, " size ", block_size, " at byte ", in - 4, " exceeds the ",
                         size - in, " bytes left");
    if (done == total)
      return codec_error(codec, "block ", block, " at byte ", in - 4, " follows the complete image");
    const int decoded = LZ4_decompress_safe_continue(&stream, reinterpret_cast<const char*>(data + in),
                                                     reinterpret_cast<char*>(out + done),
                                                     static_cast<int>(block_size), static_cast<int>(total - done));
    if (decoded <= 0)
      return codec_error(codec, "block ", block, " at byte ", in - 4, " is corrupt or overflows the image (",
                         done, " of ", total, " bytes decoded)");
    in += block_size;
    done += static_cast<std::size_t>(decoded);
  }
  if (done != total)
    return codec_error(codec, "blocks decode to ", done, " bytes, the image needs ", total);
  return std::nullopt;
}

}  // namespace

result<decoded_image> decode_lz4(const std::uint8_t* data, std::size_t size, std::uint32_t width,
                                 std::uint32_t height) {
  const char* const codec = "LZ4";
  if (size < 2)
    return codec_error(codec, "header truncated (need 2 bytes, have ", size, ")");
  const std::uint8_t top_down = data[0];
  const std::uint8_t format = data[1];
  if (top_down > 1)
    return codec_error(codec, "header field top_down is ", unsigned{top_down}, " (want 0 or 1)");
  if (format != SPICE_BITMAP_FMT_16BIT && format != SPICE_BITMAP_FMT_24BIT && format != SPICE_BITMAP_FMT_32BIT &&
      format != SPICE_BITMAP_FMT_RGBA && format != SPICE_BITMAP_FMT_8BIT_A)
    return codec_error(codec, "bitmap format ", unsigned{format}, " is not an RGB format");
  if (auto bad = codec_detail::check_image_size(codec, width, height))
    return *bad;
  const std::uint32_t row_bytes = width * (codec_detail::bitmap_bits_per_pixel(format) / 8);
  const std::uint64_t total = std::uint64_t{row_bytes} * height;
  // An LZ4 byte yields at most 255 output bytes; more is a forged size.
  if (total > (std::uint64_t{size} + 1) * 256)
    return codec_error(codec, width, "x", height, " pixels cannot come from ", size, " bytes");

  // 32-bit rows are already B,G,R,x/A pixels: decode them in place.
  const bool direct = row_bytes == width * 4;
  decoded_image image;
  std::vector<std::uint8_t> rows;
  if (direct)
    image.pixels.resize(std::size_t{width} * height);
  else
    rows.resize(total);
  auto* target = direct ? reinterpret_cast<std::uint8_t*>(image.pixels.data()) : rows.data();
  if (auto failed = inflate_blocks(data, size, target, total))
    return *failed;

  if (direct) {
    image.width = width;
    image.height = height;
    image.has_alpha = format == SPICE_BITMAP_FMT_RGBA;
    if (!image.has_alpha)
      for (std::uint32_t& pixel : image.pixels)
        pixel &= 0x00FFFFFFu;
    if (!top_down)
      codec_detail::flip_rows(image.pixels.data(), width, height);
    return image;
  }
  bitmap_layout layout;
  layout.format = format;
  layout.top_down = top_down == 1;
  layout.width = width;
  layout.height = height;
  layout.stride = row_bytes;
  return codec_detail::convert_bitmap_rows(codec, layout, rows.data(), rows.size(), {});
}

}  // namespace vigil::protocol
