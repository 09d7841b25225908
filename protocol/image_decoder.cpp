#include "protocol/image_decoder.hpp"

#include <spice/enums.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "protocol/codecs/bitmap.hpp"
#include "protocol/codecs/jpeg.hpp"
#include "protocol/codecs/lz.hpp"
#include "protocol/codecs/lz4.hpp"
#include "protocol/codecs/quic.hpp"

namespace vigil::protocol {
namespace {

std::string describe(const image& source) {
  char id[24];
  std::snprintf(id, sizeof id, "0x%llx", static_cast<unsigned long long>(source.descriptor.id));
  return std::string(image_type_name(source.descriptor.type)) + " image " + id;
}

parse_error image_error(const image& source, const std::string& what) {
  return parse_error{describe(source) + ": " + what};
}

parse_error image_error(const image& source, const parse_error& error) {
  return with_context(describe(source), error);
}

std::string size_text(std::uint32_t width, std::uint32_t height) {
  return std::to_string(width) + "x" + std::to_string(height);
}

bool is_lossy(std::uint8_t type) { return type == SPICE_IMAGE_TYPE_JPEG || type == SPICE_IMAGE_TYPE_JPEG_ALPHA; }

bool is_cache_reference(std::uint8_t type) {
  return type == SPICE_IMAGE_TYPE_FROM_CACHE || type == SPICE_IMAGE_TYPE_FROM_CACHE_LOSSLESS;
}

// Keeps the image's charge alive exactly as long as the image.
struct charged_image {
  decoded_image image;
  memory_charge charge;
};

std::uint64_t image_bytes(std::uint64_t pixels) { return pixels * 4 + image_overhead_bytes; }

result<std::vector<std::uint32_t>> resolve_palette(const image& source, const palette_source& palette,
                                                   std::uint8_t bitmap_flags, palette_cache& cache) {
  if (palette.from_cache) {
    const auto* cached = cache.find(palette.cache_id);
    if (!cached)
      return image_error(source, "palette " + std::to_string(palette.cache_id) + " is not in the palette cache");
    return *cached;
  }
  if (!palette.inline_palette)
    return std::vector<std::uint32_t>{};  // formats without a palette
  if (bitmap_flags & SPICE_BITMAP_FLAGS_PAL_CACHE_ME)
    cache.put(palette.inline_palette->unique, palette.inline_palette->entries);
  return palette.inline_palette->entries;
}

}  // namespace

const char* image_type_name(std::uint8_t type) {
  switch (type) {
    case SPICE_IMAGE_TYPE_BITMAP: return "BITMAP";
    case SPICE_IMAGE_TYPE_QUIC: return "QUIC";
    case SPICE_IMAGE_TYPE_LZ_PLT: return "LZ_PLT";
    case SPICE_IMAGE_TYPE_LZ_RGB: return "LZ_RGB";
    case SPICE_IMAGE_TYPE_GLZ_RGB: return "GLZ_RGB";
    case SPICE_IMAGE_TYPE_FROM_CACHE: return "FROM_CACHE";
    case SPICE_IMAGE_TYPE_SURFACE: return "SURFACE";
    case SPICE_IMAGE_TYPE_JPEG: return "JPEG";
    case SPICE_IMAGE_TYPE_FROM_CACHE_LOSSLESS: return "FROM_CACHE_LOSSLESS";
    case SPICE_IMAGE_TYPE_ZLIB_GLZ_RGB: return "ZLIB_GLZ_RGB";
    case SPICE_IMAGE_TYPE_JPEG_ALPHA: return "JPEG_ALPHA";
    case SPICE_IMAGE_TYPE_LZ4: return "LZ4";
    default: return "unknown-type";
  }
}

std::uint64_t decode_peak_bytes(std::uint8_t type, std::uint32_t width, std::uint32_t height) {
  const std::uint64_t pixels = std::uint64_t{width} * height;
  std::uint64_t per_pixel = 4;  // the image; BITMAP, QUIC and GLZ_RGB (whose window charges its own copy)
  std::uint64_t extra = 0;
  switch (type) {
    case SPICE_IMAGE_TYPE_LZ_RGB: per_pixel = 5; break;  // A8's alpha bytes
    case SPICE_IMAGE_TYPE_LZ_PLT:
      per_pixel = 8;  // index rows no longer than decoded rows (lz_plt_max_stride)
      extra = 64 * std::uint64_t{height};
      break;
    case SPICE_IMAGE_TYPE_ZLIB_GLZ_RGB:
      per_pixel = 9;  // the inflated stream (zlib_glz_max_stream)
      extra = zlib_glz_max_stream(0);
      break;
    case SPICE_IMAGE_TYPE_JPEG: per_pixel = 8; extra = 4 << 20; break;        // libjpeg, capped
    case SPICE_IMAGE_TYPE_JPEG_ALPHA: per_pixel = 9; extra = 4 << 20; break;  // and the alpha plane
    case SPICE_IMAGE_TYPE_LZ4: per_pixel = 7; break;  // rows of up to 3 bytes a pixel, then converted
    default: break;
  }
  return pixels * per_pixel + extra + image_overhead_bytes;
}

image_pixels charged_pixels(decoded_image image, memory_charge charge) {
  auto holder = std::make_shared<charged_image>(charged_image{std::move(image), std::move(charge)});
  return image_pixels(holder, &holder->image);
}

namespace {

// Pixels someone else holds too (the GLZ window), with a charge of their own.
struct charged_share {
  image_pixels pixels;
  memory_charge charge;
};

image_pixels charged_pixels(image_pixels shared, memory_charge charge) {
  auto holder = std::make_shared<charged_share>(charged_share{std::move(shared), std::move(charge)});
  return image_pixels(holder, holder->pixels.get());
}

bool is_glz(std::uint8_t type) { return type == SPICE_IMAGE_TYPE_GLZ_RGB || type == SPICE_IMAGE_TYPE_ZLIB_GLZ_RGB; }

bool wants_high_bits(const image& source, const decoded_image& decoded) {
  return (source.descriptor.flags & SPICE_IMAGE_FLAGS_HIGH_BITS_SET) && !decoded.has_alpha;
}

}  // namespace

image_decoder::image_decoder(std::uint64_t pixmap_cache_pixels, std::size_t glz_window_pixels,
                             memory_account account, memory_limits limits)
    : account_(account), limits_(limits), pixmaps_(pixmap_cache_pixels), glz_(glz_window_pixels, std::move(account)) {}

result<memory_charge> image_decoder::charge_image(const image& source, std::uint32_t width, std::uint32_t height,
                                                  std::uint64_t bytes) const {
  const std::string what = describe(source) + " (" + size_text(width, height) + ")";
  const std::uint64_t pixel_bytes = std::uint64_t{width} * height * 4;
  if (pixel_bytes > limits_.max_surface_bytes)
    return over_cap(what, pixel_bytes, limits_.max_surface_bytes, "memory.max_surface_bytes");
  return account_.charge(bytes, what);
}

result<image_pixels> image_decoder::decode(const image& source, const canvas& surfaces) {
  const auto& descriptor = source.descriptor;
  if (is_cache_reference(descriptor.type))
    return from_cache(source);
  if (descriptor.type == SPICE_IMAGE_TYPE_SURFACE)
    return copy_surface(source, surfaces);
  if (descriptor.width > max_surface_side || descriptor.height > max_surface_side)
    return image_error(source, "size " + size_text(descriptor.width, descriptor.height) + " exceeds " +
                                 std::to_string(max_surface_side) + " pixels a side");
  const std::uint64_t pixel_count = std::uint64_t{descriptor.width} * descriptor.height;
  // The most the codec can allocate, taken before it runs; what the image
  // keeps is given back to its own size afterwards.
  auto charge = charge_image(source, descriptor.width, descriptor.height,
                             decode_peak_bytes(descriptor.type, descriptor.width, descriptor.height));
  if (!charge)
    return charge.error();
  if (is_glz(descriptor.type))
    return decode_glz(source, std::move(*charge));
  auto decoded = run_codec(source, pixel_count);
  if (!decoded)
    return decoded.error();
  if (auto wrong = wrong_size(source, *decoded))
    return *wrong;
  if (wants_high_bits(source, *decoded)) {
    // The guest's pixels carry 0xff in the unused byte; keep it, as the reference client does.
    for (auto& pixel : decoded->pixels)
      pixel |= 0xff000000u;
  }
  charge->shrink_to(image_bytes(pixel_count));
  if (descriptor.type == SPICE_IMAGE_TYPE_QUIC) {
    // Decoded into a reused buffer (run_codec), which goes back when the drawing is done.
    auto pooled = std::make_shared<pooled_image>();
    pooled->pool = glz_.buffers();
    pooled->image = std::move(*decoded);
    pooled->charge = std::move(*charge);
    return cache_as_asked(source, image_pixels(pooled, &pooled->image));
  }
  return cache_as_asked(source, charged_pixels(std::move(*decoded), std::move(*charge)));
}

result<bool> image_decoder::decode_into(const image& source, std::uint32_t* rows, std::size_t stride) {
  const auto& descriptor = source.descriptor;
  constexpr std::uint8_t kept_or_marked =
      SPICE_IMAGE_FLAGS_CACHE_ME | SPICE_IMAGE_FLAGS_CACHE_REPLACE_ME | SPICE_IMAGE_FLAGS_HIGH_BITS_SET;
  if ((descriptor.flags & kept_or_marked) != 0)
    return false;
  const std::uint64_t pixel_count = std::uint64_t{descriptor.width} * descriptor.height;
  if (descriptor.type == SPICE_IMAGE_TYPE_LZ_RGB && stride == descriptor.width) {
    // Whole rows (a whole-surface image, the first picture of a desktop):
    // the surface is the image, so it is never decoded into a copy of its
    // own size first (33 MB at 3840x2160, docs/performance.md).
    auto charge = charge_image(source, descriptor.width, descriptor.height, 0);
    if (!charge)
      return charge.error();
    auto decoded = decode_lz_rgb_into(source.payload.data, source.payload.size, descriptor.width,
                                      descriptor.height, rows);
    if (!decoded)
      return image_error(source, decoded.error());
    return *decoded;
  }
  if (descriptor.type != SPICE_IMAGE_TYPE_QUIC)
    return false;
  // A header decode() would refuse, or that disagrees with the descriptor,
  // gets decode()'s own error.
  auto header = read_quic_header(source.payload.data, source.payload.size, pixel_count);
  if (!header || header->width != descriptor.width || header->height != descriptor.height)
    return false;
  // Nothing but the model's rows is allocated: the image's bytes are the surface's.
  auto charge = charge_image(source, descriptor.width, descriptor.height, 16 * std::uint64_t{descriptor.width});
  if (!charge)
    return charge.error();
  if (auto problem = decode_quic_rows(source.payload.data, source.payload.size, *header, rows, stride))
    return image_error(source, *problem);
  return true;
}

std::optional<parse_error> image_decoder::wrong_size(const image& source, const decoded_image& decoded) const {
  const auto& descriptor = source.descriptor;
  if (decoded.width == descriptor.width && decoded.height == descriptor.height)
    return std::nullopt;
  return image_error(source, "decoded " + size_text(decoded.width, decoded.height) + ", descriptor says " +
                               size_text(descriptor.width, descriptor.height));
}

// A top-down GLZ image is the window's own copy: drawing it copies it once,
// into the surface. Its pixels are charged to the window for as long as they
// live; this image keeps only its overhead.
result<image_pixels> image_decoder::decode_glz(const image& source, memory_charge charge) {
  const auto& descriptor = source.descriptor;
  const byte_view& payload = source.payload;
  const std::uint64_t pixel_count = std::uint64_t{descriptor.width} * descriptor.height;
  auto decoded = descriptor.type == SPICE_IMAGE_TYPE_GLZ_RGB
                     ? decode_glz_image(payload.data, payload.size, glz_, pixel_count)
                     : decode_zlib_glz_image(payload.data, payload.size, glz_, pixel_count);
  if (!decoded)
    return image_error(source, decoded.error());
  const decoded_image& pixels = *decoded->pixels;
  if (auto wrong = wrong_size(source, pixels))
    return *wrong;
  if (wants_high_bits(source, pixels)) {
    // The window keeps the pixels as decoded; the drawing gets them with 0xff on top.
    auto copy = std::make_shared<pooled_image>();
    copy->pool = glz_.buffers();
    copy->image.width = pixels.width;
    copy->image.height = pixels.height;
    copy->image.pixels = glz_.buffers()->take(pixels.pixels.size());
    std::transform(pixels.pixels.begin(), pixels.pixels.end(), copy->image.pixels.begin(),
                   [](std::uint32_t pixel) { return pixel | 0xff000000u; });
    charge.shrink_to(image_bytes(pixel_count));
    copy->charge = std::move(charge);
    return cache_as_asked(source, image_pixels(copy, &copy->image));
  }
  charge.shrink_to(decoded->shared_with_window ? image_overhead_bytes : image_bytes(pixel_count));
  return cache_as_asked(source, charged_pixels(std::move(decoded->pixels), std::move(charge)));
}

result<image_pixels> image_decoder::from_cache(const image& source) const {
  const auto* cached = pixmaps_.find(source.descriptor.id);
  if (!cached)
    return image_error(source, "not in the pixmap cache");
  if (source.descriptor.type == SPICE_IMAGE_TYPE_FROM_CACHE_LOSSLESS && cached->lossy)
    return image_error(source, "the cached copy is lossy");
  return cached->image;
}

result<image_pixels> image_decoder::copy_surface(const image& source, const canvas& surfaces) const {
  const surface* from = surfaces.find(source.surface_id);
  if (!from)
    return image_error(source, "surface " + std::to_string(source.surface_id) + " does not exist");
  auto charge = charge_image(source, from->width, from->height, image_bytes(from->pixels.size()));
  if (!charge)
    return charge.error();
  decoded_image copy;
  copy.width = from->width;
  copy.height = from->height;
  copy.pixels = from->pixels;
  copy.has_alpha = from->format == SPICE_SURFACE_FMT_32_ARGB;
  return charged_pixels(std::move(copy), std::move(*charge));
}

result<image_pixels> image_decoder::one_bit_mask(const image& source) const {
  const bitmap_data& bitmap = *source.bitmap;
  if (bitmap.format != SPICE_BITMAP_FMT_1BIT_LE && bitmap.format != SPICE_BITMAP_FMT_1BIT_BE)
    return image_error(source, "mask bitmap format " + std::to_string(bitmap.format) + " is not 1-bit");
  if (bitmap.width > max_surface_side || bitmap.height > max_surface_side)
    return image_error(source, "mask size " + size_text(bitmap.width, bitmap.height) + " exceeds " +
                                 std::to_string(max_surface_side) + " pixels a side");
  if (bitmap.stride < (std::uint64_t{bitmap.width} + 7) / 8)
    return image_error(source, "mask stride " + std::to_string(bitmap.stride) + " is too small for width " +
                                 std::to_string(bitmap.width));
  auto charge = charge_image(source, bitmap.width, bitmap.height,
                             image_bytes(std::uint64_t{bitmap.width} * bitmap.height));
  if (!charge)
    return charge.error();
  decoded_image mask;
  mask.width = bitmap.width;
  mask.height = bitmap.height;
  mask.pixels.resize(std::size_t{bitmap.width} * bitmap.height);
  const bool top_down = (bitmap.flags & SPICE_BITMAP_FLAGS_TOP_DOWN) != 0;
  const bool lsb_first = bitmap.format == SPICE_BITMAP_FMT_1BIT_LE;
  for (std::uint32_t y = 0; y < bitmap.height; ++y) {
    const std::uint32_t source_row = top_down ? y : bitmap.height - 1 - y;
    const std::uint8_t* row = bitmap.rows.data + std::size_t{source_row} * bitmap.stride;
    for (std::uint32_t x = 0; x < bitmap.width; ++x) {
      const unsigned shift = lsb_first ? (x % 8) : 7 - (x % 8);
      const bool set = (row[x / 8] >> shift) & 1;
      mask.pixels[std::size_t{y} * bitmap.width + x] = set ? 0xffffffffu : 0;
    }
  }
  return charged_pixels(std::move(mask), std::move(*charge));
}

result<decoded_image> image_decoder::run_codec(const image& source, std::uint64_t max_pixels) {
  const auto& descriptor = source.descriptor;
  const byte_view& payload = source.payload;
  auto named = [&source](result<decoded_image> decoded) -> result<decoded_image> {
    if (!decoded)
      return image_error(source, decoded.error());
    return decoded;
  };
  switch (descriptor.type) {
    case SPICE_IMAGE_TYPE_BITMAP: {
      const bitmap_data& bitmap = *source.bitmap;
      auto palette = resolve_palette(source, bitmap.palette, bitmap.flags, palettes_);
      if (!palette)
        return palette.error();
      bitmap_layout layout;
      layout.format = bitmap.format;
      layout.top_down = (bitmap.flags & SPICE_BITMAP_FLAGS_TOP_DOWN) != 0;
      layout.width = bitmap.width;
      layout.height = bitmap.height;
      layout.stride = bitmap.stride;
      return named(decode_bitmap(layout, bitmap.rows.data, bitmap.rows.size, *palette));
    }
    case SPICE_IMAGE_TYPE_LZ_PLT: {
      const lz_palette_data& lz = *source.lz_palette;
      auto palette = resolve_palette(source, lz.palette, lz.flags, palettes_);
      if (!palette)
        return palette.error();
      return named(decode_lz_plt(lz.payload.data, lz.payload.size, *palette, max_pixels));
    }
    case SPICE_IMAGE_TYPE_QUIC:
      return named(decode_quic(payload.data, payload.size, max_pixels, glz_.buffers().get()));
    case SPICE_IMAGE_TYPE_LZ_RGB: return named(decode_lz_rgb(payload.data, payload.size, max_pixels));
    case SPICE_IMAGE_TYPE_JPEG: return named(decode_jpeg(payload.data, payload.size, max_pixels));
    case SPICE_IMAGE_TYPE_JPEG_ALPHA: return named(decode_jpeg_alpha(payload.data, payload.size, max_pixels));
    case SPICE_IMAGE_TYPE_LZ4:
      return named(decode_lz4(payload.data, payload.size, descriptor.width, descriptor.height));
    default: return image_error(source, "unsupported image type " + std::to_string(descriptor.type));
  }
}

result<image_pixels> image_decoder::cache_as_asked(const image& source, image_pixels pixels) {
  const auto& descriptor = source.descriptor;
  if (descriptor.flags & SPICE_IMAGE_FLAGS_CACHE_ME) {
    pixmaps_.put(descriptor.id, pixels, is_lossy(descriptor.type));
  } else if (descriptor.flags & SPICE_IMAGE_FLAGS_CACHE_REPLACE_ME) {
    if (is_lossy(descriptor.type))
      return image_error(source, "CACHE_REPLACE_ME with a lossy image");
    pixmaps_.put(descriptor.id, pixels, false);
  }
  return pixels;
}

result<image_pixels> image_decoder::decode_mask(const image& mask, const canvas& surfaces) {
  switch (mask.descriptor.type) {
    case SPICE_IMAGE_TYPE_BITMAP: {
      auto bits = one_bit_mask(mask);
      if (!bits)
        return bits;
      return cache_as_asked(mask, std::move(*bits));
    }
    case SPICE_IMAGE_TYPE_FROM_CACHE:
    case SPICE_IMAGE_TYPE_FROM_CACHE_LOSSLESS: return from_cache(mask);
    case SPICE_IMAGE_TYPE_SURFACE: return copy_surface(mask, surfaces);
    default: return image_error(mask, "cannot be a mask");
  }
}

}  // namespace vigil::protocol
