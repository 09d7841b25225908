// GLZ (SPICE_IMAGE_TYPE_GLZ_RGB) and ZLIB_GLZ (SPICE_IMAGE_TYPE_ZLIB_GLZ_RGB):
// LZ whose matches may reference earlier images in a dictionary window that
// the server and client share for the whole session (all display channels).
#pragma once

#include <cstdint>
#include <memory>

#include "protocol/codecs/decoded_image.hpp"
#include "protocol/codecs/pixel_pool.hpp"
#include "protocol/memory_budget.hpp"
#include "protocol/result.hpp"

namespace vigil::protocol {

// A decoded GLZ image. An image sent top-down is the window's own copy
// (shared_with_window: no pixels besides the window's); a bottom-up one is
// decoded in stream order, as the window keeps it, and flipped into a copy.
struct glz_image {
  std::shared_ptr<const decoded_image> pixels;
  bool shared_with_window = false;
};

// The client's copy of the GLZ dictionary: decoded GLZ images kept by their
// GLZ image id until the server's window has moved past them.
class glz_window {
public:
  // Never holds more than max_pixels * 4 bytes, counting image_overhead for
  // each image (besides the newest image); make max_pixels at least the
  // glz_dictionary_window_size sent in DISPLAY_INIT. Each image kept is
  // charged to `account` before it is decoded, and the charge stays with its
  // pixels for as long as anyone holds them (decode_glz_image shares them).
  // Images are decoded into buffers of the window's pixel_pool, and go back
  // to it when the last holder lets go.
  explicit glz_window(std::size_t max_pixels, memory_account account = {});
  static constexpr std::size_t image_overhead = 128;  // bytes: the map node, the vector, the charge
  ~glz_window();
  glz_window(glz_window&&) noexcept;
  glz_window& operator=(glz_window&&) noexcept;

  std::size_t pixels_held() const;
  std::size_t bytes_held() const;
  std::size_t images_held() const;
  bool holds(std::uint64_t image_id) const;

  // Forgets every image, keeping max_pixels: for a new session, where the
  // server starts a new dictionary and image ids start again.
  void clear();

  // Where the window's images come from; also for copies of them, and for
  // the image decoder's QUIC images (one pool bounds the idle buffers).
  const std::shared_ptr<pixel_pool>& buffers() const;

  struct images;  // the window's contents; defined in glz.cpp

private:
  friend result<glz_image> decode_glz_image(const std::uint8_t*, std::size_t, glz_window&, std::uint64_t);
  std::unique_ptr<images> images_;
};

// Input: the GLZ stream (exactly the data_size bytes after SpiceLZRGBData's
// data_size). The image joins the window when it decodes. A header over
// `max_pixels` is refused before anything is allocated. Memory: the window's
// copy (charged to the window's account) and, for a bottom-up image, the
// flipped copy.
result<glz_image> decode_glz_image(const std::uint8_t* data, std::size_t size, glz_window& window,
                                   std::uint64_t max_pixels);
// Input: the SpiceZlibGlzRGBData body (u32 glz_data_size, u32 data_size, zlib
// stream). Memory: the inflated GLZ stream, at most zlib_glz_max_stream(max_pixels)
// bytes (5 a pixel), then decode_glz_image's.
result<glz_image> decode_zlib_glz_image(const std::uint8_t* data, std::size_t size, glz_window& window,
                                        std::uint64_t max_pixels);

// The same, returning a copy of the image of its own (tests, fuzzers,
// benchmarks): 8 bytes a pixel.
result<decoded_image> decode_glz_rgb(const std::uint8_t* data, std::size_t size, glz_window& window,
                                     std::uint64_t max_pixels);
inline result<decoded_image> decode_glz_rgb(const std::uint8_t* data, std::size_t size, glz_window& window) {
  return decode_glz_rgb(data, size, window, max_image_pixels);
}

result<decoded_image> decode_zlib_glz_rgb(const std::uint8_t* data, std::size_t size, glz_window& window,
                                          std::uint64_t max_pixels);
inline result<decoded_image> decode_zlib_glz_rgb(const std::uint8_t* data, std::size_t size, glz_window& window) {
  return decode_zlib_glz_rgb(data, size, window, max_image_pixels);
}
// The longest GLZ stream an image of `pixels` can need: a header, and every
// pixel a literal (3 bytes of RGB, 1 of alpha, a control byte per 32).
inline std::uint64_t zlib_glz_max_stream(std::uint64_t pixels) { return 33 + pixels * 5; }

}  // namespace vigil::protocol
