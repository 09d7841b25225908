// From a parsed SpiceImage to pixels: dispatches on the descriptor's type to
// the codecs (protocol/codecs/), resolves palettes (inline, PAL_CACHE_ME,
// PAL_FROM_CACHE), reads other surfaces (SURFACE images) and keeps the pixmap
// cache as the descriptor's flags say (CACHE_ME, CACHE_REPLACE_ME, FROM_CACHE,
// FROM_CACHE_LOSSLESS). Owns the caches and the GLZ window. Pure.
//
// Errors name the image (type and id) and what was wrong, e.g.
// "LZ_RGB image 0x100000002: decoded 640x400, descriptor says 720x400".
//
// Memory: an image larger than memory.max_surface_bytes is refused; before a
// codec runs, the most it can allocate for an image of the descriptor's size
// (decode_peak_bytes) is charged to the channel's account, and once decoded
// the image keeps its own bytes charged for as long as anyone (the pixmap
// cache, a drawing) holds it. A refusal is an error with budget_exceeded.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "protocol/canvas.hpp"
#include "protocol/codecs/decoded_image.hpp"
#include "protocol/codecs/glz.hpp"
#include "protocol/display_messages.hpp"
#include "protocol/image_cache.hpp"
#include "protocol/memory_budget.hpp"
#include "protocol/result.hpp"

namespace vigil::protocol {

using image_pixels = std::shared_ptr<const decoded_image>;

// "BITMAP", "QUIC", "LZ_RGB", ... or "type-N".
const char* image_type_name(std::uint8_t type);

// What one decoded image costs besides its pixels (header, control block).
constexpr std::uint64_t image_overhead_bytes = 256;
// The most a decode of an image of this type and size allocates at once: the
// image and each codec's scratch, as the codecs' headers state them.
std::uint64_t decode_peak_bytes(std::uint8_t type, std::uint32_t width, std::uint32_t height);
// Pixels already decoded (a video frame, a test image) as image_pixels that
// keep `charge` for as long as they live.
image_pixels charged_pixels(decoded_image image, memory_charge charge);

class image_decoder {
public:
  // Sizes as announced in DISPLAY_INIT (pixels); images are charged to `account`.
  image_decoder(std::uint64_t pixmap_cache_pixels, std::size_t glz_window_pixels, memory_account account = {},
                memory_limits limits = {});

  // A drawing's source or a brush pattern. `surfaces` answers SURFACE images.
  result<image_pixels> decode(const image& source, const canvas& surfaces);
  // A drawing's source decoded straight into `rows` (`stride` pixels apart),
  // box-sized and unscaled, where that gives exactly the pixels decode()
  // and a plain copy would: a QUIC image, or an LZ_RGB one of whole rows
  // (`stride` its width) that is not A8, that the descriptor neither caches
  // nor marks HIGH_BITS_SET, whose header matches the descriptor. False: not such
  // an image (nothing written; use decode()). An error: the stream broke
  // while decoding, and the rows hold what was decoded up to there.
  result<bool> decode_into(const image& source, std::uint32_t* rows, std::size_t stride);
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
  result<image_pixels> from_cache(const image& source) const;
  result<image_pixels> copy_surface(const image& source, const canvas& surfaces) const;
  result<image_pixels> one_bit_mask(const image& source) const;
  result<decoded_image> run_codec(const image& source, std::uint64_t max_pixels);
  result<image_pixels> decode_glz(const image& source, memory_charge charge);
  std::optional<parse_error> wrong_size(const image& source, const decoded_image& decoded) const;
  result<image_pixels> cache_as_asked(const image& source, image_pixels pixels);
  // Refuses an image over memory.max_surface_bytes, else charges `bytes` for it.
  result<memory_charge> charge_image(const image& source, std::uint32_t width, std::uint32_t height,
                                     std::uint64_t bytes) const;

  memory_account account_;
  memory_limits limits_;
  pixmap_cache pixmaps_;
  palette_cache palettes_;
  glz_window glz_;
};

}  // namespace vigil::protocol
