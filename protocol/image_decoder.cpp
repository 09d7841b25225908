#include "protocol/image_decoder.hpp"

#include <spice/enums.h>

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

bool is_lossy(std::uint8_t type) { return type == SPICE_IMAGE_TYPE_JPEG || type == SPICE_IMAGE_TYPE_JPEG_ALPHA; }

bool is_cache_reference(std::uint8_t type) {
  return type == SPICE_IMAGE_TYPE_FROM_CACHE || type == SPICE_IMAGE_TYPE_FROM_CACHE_LOSSLESS;
}

result<image_pixels> wrap(const image& source, result<decoded_image> decoded) {
  if (!decoded)
    return image_error(source, decoded.error().message);
  return image_pixels(std::make_shared<decoded_image>(std::move(decoded.value())));
}

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

result<image_pixels> copy_surface(const image& source, const canvas& surfaces) {
  const surface* from = surfaces.find(source.surface_id);
  if (!from)
    return image_error(source, "surface " + std::to_string(source.surface_id) + " does not exist");
  auto pixels = std::make_shared<decoded_image>();
  pixels->width = from->width;
  pixels->height = from->height;
  pixels->pixels = from->pixels;
  pixels->has_alpha = from->format == SPICE_SURFACE_FMT_32_ARGB;
  return image_pixels(std::move(pixels));
}

result<image_pixels> one_bit_mask(const image& source) {
  const bitmap_data& bitmap = *source.bitmap;
  if (bitmap.format != SPICE_BITMAP_FMT_1BIT_LE && bitmap.format != SPICE_BITMAP_FMT_1BIT_BE)
    return image_error(source, "mask bitmap format " + std::to_string(bitmap.format) + " is not 1-bit");
  if (bitmap.width > max_surface_side || bitmap.height > max_surface_side)
    return image_error(source, "mask size " + std::to_string(bitmap.width) + "x" + std::to_string(bitmap.height) +
                                 " exceeds " + std::to_string(max_surface_side) + " pixels a side");
  if (bitmap.stride < (std::uint64_t{bitmap.width} + 7) / 8)
    return image_error(source, "mask stride " + std::to_string(bitmap.stride) + " is too small for width " +
                                 std::to_string(bitmap.width));
  auto mask = std::make_shared<decoded_image>();
  mask->width = bitmap.width;
  mask->height = bitmap.height;
  mask->pixels.resize(std::size_t{bitmap.width} * bitmap.height);
  const bool top_down = (bitmap.flags & SPICE_BITMAP_FLAGS_TOP_DOWN) != 0;
  const bool lsb_first = bitmap.format == SPICE_BITMAP_FMT_1BIT_LE;
  for (std::uint32_t y = 0; y < bitmap.height; ++y) {
    const std::uint32_t source_row = top_down ? y : bitmap.height - 1 - y;
    const std::uint8_t* row = bitmap.rows.data + std::size_t{source_row} * bitmap.stride;
    for (std::uint32_t x = 0; x < bitmap.width; ++x) {
      const unsigned shift = lsb_first ? (x % 8) : 7 - (x % 8);
      const bool set = (row[x / 8] >> shift) & 1;
      mask->pixels[std::size_t{y} * bitmap.width + x] = set ? 0xffffffffu : 0;
    }
  }
  return image_pixels(std::move(mask));
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

image_decoder::image_decoder(std::uint64_t pixmap_cache_pixels, std::size_t glz_window_pixels)
    : pixmaps_(pixmap_cache_pixels), glz_(glz_window_pixels) {}

result<image_pixels> image_decoder::decode(const image& source, const canvas& surfaces) {
  const auto& descriptor = source.descriptor;
  if (!is_cache_reference(descriptor.type) && descriptor.type != SPICE_IMAGE_TYPE_SURFACE &&
      (descriptor.width > max_surface_side || descriptor.height > max_surface_side))
    return image_error(source, "size " + std::to_string(descriptor.width) + "x" + std::to_string(descriptor.height) +
                                 " exceeds " + std::to_string(max_surface_side) + " pixels a side");
  auto pixels = decode_pixels(source, surfaces);
  if (!pixels || is_cache_reference(descriptor.type) || descriptor.type == SPICE_IMAGE_TYPE_SURFACE)
    return pixels;
  const decoded_image& decoded = **pixels;
  if (decoded.width != descriptor.width || decoded.height != descriptor.height)
    return image_error(source, "decoded " + std::to_string(decoded.width) + "x" + std::to_string(decoded.height) +
                                 ", descriptor says " + std::to_string(descriptor.width) + "x" +
                                 std::to_string(descriptor.height));
  if ((descriptor.flags & SPICE_IMAGE_FLAGS_HIGH_BITS_SET) && !decoded.has_alpha) {
    // The guest's pixels carry 0xff in the unused byte; keep it, as the reference client does.
    auto opaque = std::make_shared<decoded_image>(decoded);
    for (auto& pixel : opaque->pixels)
      pixel |= 0xff000000u;
    pixels = image_pixels(std::move(opaque));
  }
  return cache_as_asked(source, std::move(*pixels));
}

result<image_pixels> image_decoder::decode_pixels(const image& source, const canvas& surfaces) {
  const auto& descriptor = source.descriptor;
  const byte_view& payload = source.payload;
  switch (descriptor.type) {
    case SPICE_IMAGE_TYPE_FROM_CACHE:
    case SPICE_IMAGE_TYPE_FROM_CACHE_LOSSLESS: {
      const auto* cached = pixmaps_.find(descriptor.id);
      if (!cached)
        return image_error(source, "not in the pixmap cache");
      if (descriptor.type == SPICE_IMAGE_TYPE_FROM_CACHE_LOSSLESS && cached->lossy)
        return image_error(source, "the cached copy is lossy");
      return cached->image;
    }
    case SPICE_IMAGE_TYPE_SURFACE: return copy_surface(source, surfaces);
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
      return wrap(source, decode_bitmap(layout, bitmap.rows.data, bitmap.rows.size, *palette));
    }
    case SPICE_IMAGE_TYPE_LZ_PLT: {
      const lz_palette_data& lz = *source.lz_palette;
      auto palette = resolve_palette(source, lz.palette, lz.flags, palettes_);
      if (!palette)
        return palette.error();
      return wrap(source, decode_lz_plt(lz.payload.data, lz.payload.size, *palette));
    }
    case SPICE_IMAGE_TYPE_QUIC: return wrap(source, decode_quic(payload.data, payload.size));
    case SPICE_IMAGE_TYPE_LZ_RGB: return wrap(source, decode_lz_rgb(payload.data, payload.size));
    case SPICE_IMAGE_TYPE_GLZ_RGB: return wrap(source, decode_glz_rgb(payload.data, payload.size, glz_));
    case SPICE_IMAGE_TYPE_ZLIB_GLZ_RGB: return wrap(source, decode_zlib_glz_rgb(payload.data, payload.size, glz_));
    case SPICE_IMAGE_TYPE_JPEG: return wrap(source, decode_jpeg(payload.data, payload.size));
    case SPICE_IMAGE_TYPE_JPEG_ALPHA: return wrap(source, decode_jpeg_alpha(payload.data, payload.size));
    case SPICE_IMAGE_TYPE_LZ4:
      return wrap(source, decode_lz4(payload.data, payload.size, descriptor.width, descriptor.height));
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
    case SPICE_IMAGE_TYPE_FROM_CACHE_LOSSLESS:
    case SPICE_IMAGE_TYPE_SURFACE: return decode_pixels(mask, surfaces);
    default: return image_error(mask, "cannot be a mask");
  }
}

}  // namespace vigil::protocol
