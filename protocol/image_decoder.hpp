// From a parsed SpiceImage to pixels: dispatches on the descriptor's type to
// the codecs (protocol/codecs/), resolves palettes (inline, PAL_CACHE_ME,
// PAL_FROM_CACHE), reads other surfaces (SURFACE images) and keeps the pixmap
// cache as the descriptor's flags say (CACHE_ME, CACHE_REPLACE_ME, FROM_CACHE,
// FROM_CACHE_LOSSLESS). Owns the caches and the GLZ window. Pure.
//
// Errors name the image (type and id) and what was wrong, e.g.
// "LZ_RGB image 0x100000002: decoded 640x400, descriptor says 720x400".
#pragma once

#include <cstdint>
#include <memory>

#include "protocol/canvas.hpp"
#include "protocol/codecs/decoded_image.hpp"
#include "protocol/codecs/glz.hpp"
#include "protocol/display_messages.hpp"
#include "protocol/image_cache.hpp"
#include "protocol/result.hpp"

namespace vigil::protocol {

using image_pixels = std::shared_ptr<const decoded_image>;

// "BITMAP", "QUIC", "LZ_RGB", ... or "type-N".
const char* image_type_name(std::uint8_t type);

class image_decoder {
public:
  // Sizes as announced in DISPLAY_INIT (pixels).
  image_decoder(std::uint64_t pixmap_cache_pixels, std::size_t glz_window_pixels);

  // A drawing's source or a brush pattern. `surfaces` answers SURFACE images.
  result<image_pixels> decode(const image& source, const canvas& surfaces);
  // A QMask bitmap: 1-bit BITMAP, a cached mask or a surface; set bits become
  // non-zero pixels (the mask's INVERS flag is applied by the canvas).
  result<image_pixels> decode_mask(const image& mask, const canvas& surfaces);

  void invalidate_pixmap(std::uint64_t id) { pixmaps_.remove(id); }
  void invalidate_all_pixmaps() { pixmaps_.clear(); }
  void invalidate_palette(std::uint64_t id) { palettes_.remove(id); }
  void invalidate_all_palettes() { palettes_.clear(); }

  const pixmap_cache& pixmaps() const { return pixmaps_; }
  const palette_cache& palettes() const { return palettes_; }

private:
  result<image_pixels> decode_pixels(const image& source, const canvas& surfaces);
  result<image_pixels> cache_as_asked(const image& source, image_pixels pixels);

  pixmap_cache pixmaps_;
  palette_cache palettes_;
  glz_window glz_;
};

}  // namespace vigil::protocol
