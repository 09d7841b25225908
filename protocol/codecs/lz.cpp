// LZ_RGB and LZ_PLT: spice-common's LZ. A 28-byte big-endian header (magic,
// version, type, width, height, stride, top_down), then the stream decoded by
// the shared core (lz_common.hpp). LZ distances are 13 bits, or 16 bits plus
// 8191 after the escape (ctrl & 31) == 31, byte == 255. RGBA images carry a
// second stream pass for the alpha bytes. Palette types decode to bytes that
// the bitmap row conversion turns into pixels.
#include "protocol/codecs/lz.hpp"

#include <spice/enums.h>

#include "protocol/codecs/image_rows.hpp"
#include "protocol/codecs/lz_common.hpp"

namespace vigil::protocol {
namespace lz_detail {
namespace {

using codec_detail::codec_error;

constexpr std::uint32_t max_near_distance = 8191;

struct lz_match_syntax {
  static constexpr bool has_far_references = false;
  static bool read(std::uint32_t ctrl, const std::uint8_t*& in, const std::uint8_t* end, match& m) {
    m.length = ctrl >> 5;
    if (m.length == 7 && !read_length_extension(in, end, m.length))
      return false;
    if (in == end)
      return false;
    const std::uint32_t code = *in++;
    std::uint32_t offset = ((ctrl & 31) << 8) + code;
    if (code == 255 && (ctrl & 31) == 31) {
      if (end - in < 2)
        return false;
      offset = (std::uint32_t{in[0]} << 8 | in[1]) + max_near_distance;
      in += 2;
    }
    m.distance = offset + 1;
    return true;
  }
};

const std::uint32_t* no_far_references(std::uint32_t, std::uint32_t, std::size_t) { return nullptr; }

static_assert(lz_plt1_le == SPICE_BITMAP_FMT_1BIT_LE && lz_plt1_be == SPICE_BITMAP_FMT_1BIT_BE &&
                  lz_plt4_le == SPICE_BITMAP_FMT_4BIT_LE && lz_plt4_be == SPICE_BITMAP_FMT_4BIT_BE &&
                  lz_plt8 == SPICE_BITMAP_FMT_8BIT,
              "LZ palette types map 1:1 onto SPICE_BITMAP_FMT_*");

template <class Units>
std::optional<parse_error> decode_pixel_pass(const char* codec, const std::uint8_t* stream, std::size_t size,
                                             std::size_t& used, std::uint32_t* pixels, std::size_t pixel_count,
                                             const char* unit_name) {
  const lz_progress progress =
      decode_units<lz_match_syntax, Units>(stream + used, size - used, pixels, pixel_count, no_far_references);
  if (progress.stop != lz_stop::done)
    return describe_stop(codec, progress, unit_name, pixel_count, lz_header_size + used);
  used += progress.input_used;
  return std::nullopt;
}

std::optional<parse_error> check_stream_end(const char* codec, std::size_t used, std::size_t size) {
  if (used != size)
    return codec_error(codec, size - used, " bytes left after the image (stream of ", size, " bytes)");
  return std::nullopt;
}

}  // namespace

const char* lz_type_name(std::uint32_t type) {
  static const char* const names[] = {"INVALID", "PLT1_LE", "PLT1_BE", "PLT4_LE", "PLT4_BE", "PLT8",
                                      "RGB16",   "RGB24",   "RGB32",   "RGBA",    "XXXA",    "A8"};
  return type < sizeof(names) / sizeof(names[0]) ? names[type] : "unknown";
}

parse_error describe_stop(const char* codec, const lz_progress& progress, const char* unit_name,
                          std::size_t total_units, std::size_t input_base) {
  switch (progress.stop) {
    case lz_stop::truncated:
      return codec_error(codec, "stream truncated at byte ", input_base + progress.input_used, " with ",
                         progress.units_done, " of ", total_units, " ", unit_name, " decoded");
    case lz_stop::literals_overflow:
      return codec_error(codec, "run of ", progress.count, " literal ", unit_name, " at ", progress.units_done,
                         " overflows the image (", total_units, " ", unit_name, ")");
    case lz_stop::match_overflow:
      return codec_error(codec, "match of ", progress.count, " ", unit_name, " at ", progress.units_done,
                         " overflows the image (", total_units, " ", unit_name, ")");
    case lz_stop::distance_too_far:
      return codec_error(codec, "match distance ", progress.distance, " exceeds decoded ", unit_name, " (",
                         progress.units_done, ")");
    default:
      return codec_error(codec, "bad reference at byte ", input_base + progress.input_used);
  }
}

result<lz_header> parse_lz_header(const char* codec, const std::uint8_t* data, std::size_t size,
                                  std::uint64_t max_pixels) {
  if (size < lz_header_size)
    return codec_error(codec, "header truncated (need ", lz_header_size, " bytes, have ", size, ")");
  const std::uint32_t magic = read_be32(data);
  if (magic != lz_magic)
    return codec_error(codec, "bad magic 0x", std::hex, magic, " (want 0x", lz_magic, ")");
  const std::uint32_t version = read_be32(data + 4);
  if (version != lz_version)
    return codec_error(codec, "unsupported version 0x", std::hex, version, " (want 0x", lz_version, ")");
  lz_header header;
  header.type = read_be32(data + 8);
  header.width = read_be32(data + 12);
  header.height = read_be32(data + 16);
  header.stride = read_be32(data + 20);
  const std::uint32_t top_down = read_be32(data + 24);
  if (top_down > 1)
    return codec_error(codec, "header field top_down is ", top_down, " (want 0 or 1)");
  header.top_down = top_down == 1;
  if (auto bad = codec_detail::check_image_size(codec, header.width, header.height, max_pixels))
    return *bad;
  // The stride chooses the size of the index rows: keep it to a row's worth.
  if (is_palette_type(header.type) && header.stride > lz_plt_max_stride(header.width))
    return codec_error(codec, "stride ", header.stride, " is more than ", lz_plt_max_stride(header.width),
                       " for a row of ", header.width, " pixels");
  return header;
}

result<std::vector<std::uint8_t>> decode_lz_bytes(const char* codec, const lz_header& header,
                                                  const std::uint8_t* stream, std::size_t size) {
  const std::uint64_t units = is_palette_type(header.type) ? std::uint64_t{header.stride} * header.height
                                                           : std::uint64_t{header.width} * header.height;
  if (!units_fit_stream(units, size))
    return codec_error(codec, units, " bytes of ", lz_type_name(header.type), " image cannot come from a ",
                       size, "-byte stream");
  std::vector<std::uint8_t> bytes(units);
  const lz_progress progress =
      decode_units<lz_match_syntax, byte_units>(stream, size, bytes.data(), bytes.size(), no_far_references);
  if (progress.stop != lz_stop::done)
    return describe_stop(codec, progress, "bytes", bytes.size(), lz_header_size);
  if (auto bad = check_stream_end(codec, progress.input_used, size))
    return *bad;
  return bytes;
}

}  // namespace lz_detail

using namespace lz_detail;

namespace {

// The checks decode_lz_rgb makes of a header before it decodes: an error, or none.
std::optional<parse_error> check_rgb_type(const char* codec, std::uint32_t type) {
  if (is_palette_type(type))
    return codec_detail::codec_error(codec, "image type ", lz_type_name(type), " is paletted (sent as LZ_PLT)");
  if (type == lz_xxxa)
    return codec_detail::codec_error(codec, "image type XXXA only occurs inside JPEG_ALPHA");
  if (type < lz_rgb16 || type > lz_a8)
    return codec_detail::codec_error(codec, "unknown image type ", type);
  return std::nullopt;
}

// Checked before the pixels are allocated or written.
std::optional<parse_error> check_stream_fits(const char* codec, const lz_header& header, std::size_t stream_size) {
  if (units_fit_stream(std::size_t{header.width} * header.height, stream_size))
    return std::nullopt;
  return codec_detail::codec_error(codec, header.width, "x", header.height, " pixels cannot come from a ",
                                   stream_size, "-byte stream");
}

// The pixels of an RGB16, RGB24, RGB32 or RGBA image, rows contiguous, as the
// stream stores them (bottom-up unless top_down).
std::optional<parse_error> decode_rgb_pixels(const char* codec, const lz_header& header, const std::uint8_t* stream,
                                             std::size_t stream_size, std::uint32_t* pixels) {
  const std::size_t pixel_count = std::size_t{header.width} * header.height;
  std::size_t used = 0;
  auto failed =
      header.type == lz_rgb16
          ? decode_pixel_pass<rgb16_pixels>(codec, stream, stream_size, used, pixels, pixel_count, "pixels")
          : decode_pixel_pass<rgb_pixels>(codec, stream, stream_size, used, pixels, pixel_count, "pixels");
  if (!failed && header.type == lz_rgba)
    failed = decode_pixel_pass<alpha_of_pixels>(codec, stream, stream_size, used, pixels, pixel_count,
                                                "alpha values");
  if (!failed)
    failed = check_stream_end(codec, used, stream_size);
  return failed;
}

}  // namespace

result<decoded_image> decode_lz_rgb(const std::uint8_t* data, std::size_t size, std::uint64_t max_pixels) {
  const char* const codec = "LZ_RGB";
  auto header = parse_lz_header(codec, data, size, max_pixels);
  if (!header)
    return header.error();
  const std::uint32_t type = header->type;
  const std::uint8_t* stream = data + lz_header_size;
  const std::size_t stream_size = size - lz_header_size;
  if (auto bad = check_rgb_type(codec, type))
    return *bad;

  decoded_image image;
  image.width = header->width;
  image.height = header->height;
  image.alpha_only = type == lz_a8;
  image.has_alpha = type == lz_rgba || image.alpha_only;
  const std::size_t pixel_count = std::size_t{image.width} * image.height;

  if (type == lz_a8) {
    auto alpha = decode_lz_bytes(codec, *header, stream, stream_size);
    if (!alpha)
      return alpha.error();
    image.pixels.resize(pixel_count);
    for (std::size_t i = 0; i < pixel_count; ++i)
      image.pixels[i] = std::uint32_t{(*alpha)[i]} << 24;
  } else {
    if (auto bad = check_stream_fits(codec, *header, stream_size))
      return *bad;
    image.pixels.resize(pixel_count);
    if (auto failed = decode_rgb_pixels(codec, *header, stream, stream_size, image.pixels.data()))
      return *failed;
  }
  if (!header->top_down)
    codec_detail::flip_rows(image.pixels.data(), image.width, image.height);
  return image;
}

result<bool> decode_lz_rgb_into(const std::uint8_t* data, std::size_t size, std::uint32_t width,
                                std::uint32_t height, std::uint32_t* pixels) {
  const char* const codec = "LZ_RGB";
  auto header = parse_lz_header(codec, data, size, std::uint64_t{width} * height);
  if (!header || header->width != width || header->height != height || check_rgb_type(codec, header->type) ||
      header->type == lz_a8)
    return false;
  const std::size_t stream_size = size - lz_header_size;
  if (auto bad = check_stream_fits(codec, *header, stream_size))
    return *bad;
  if (auto failed = decode_rgb_pixels(codec, *header, data + lz_header_size, stream_size, pixels))
    return *failed;
  if (!header->top_down)
    codec_detail::flip_rows(pixels, width, height);
  return true;
}

result<decoded_image> decode_lz_plt(const std::uint8_t* data, std::size_t size,
                                    const std::vector<std::uint32_t>& palette, std::uint64_t max_pixels) {
  const char* const codec = "LZ_PLT";
  auto header = parse_lz_header(codec, data, size, max_pixels);
  if (!header)
    return header.error();
  if (!is_palette_type(header->type))
    return codec_detail::codec_error(codec, "image type ", lz_type_name(header->type), " (", header->type,
                                     ") is not a palette type");
  if (palette.empty())
    return codec_detail::codec_error(codec, "no palette for a ", lz_type_name(header->type), " image");
  auto bytes = decode_lz_bytes(codec, *header, data + lz_header_size, size - lz_header_size);
  if (!bytes)
    return bytes.error();
  bitmap_layout layout;
  layout.format = static_cast<std::uint8_t>(header->type);
  layout.top_down = header->top_down;
  layout.width = header->width;
  layout.height = header->height;
  layout.stride = header->stride;
  return codec_detail::convert_bitmap_rows(codec, layout, bytes->data(), bytes->size(), palette);
}

}  // namespace vigil::protocol
