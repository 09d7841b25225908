// GLZ (SPICE_IMAGE_TYPE_GLZ_RGB) and ZLIB_GLZ (SPICE_IMAGE_TYPE_ZLIB_GLZ_RGB):
// LZ whose matches may reference earlier images in a dictionary window that
// the server and client share for the whole session (all display channels).
#pragma once

#include <cstdint>
#include <memory>

#include "protocol/codecs/decoded_image.hpp"
#include "protocol/result.hpp"

namespace vigil::protocol {

// The client's copy of the GLZ dictionary: decoded GLZ images kept by their
// GLZ image id until the server's window has moved past them.
class glz_window {
public:
  // Never holds more than max_pixels (besides the newest image); make it at
  // least the glz_dictionary_window_size sent in DISPLAY_INIT.
  explicit glz_window(std::size_t max_pixels);
  ~glz_window();
  glz_window(glz_window&&) noexcept;
  glz_window& operator=(glz_window&&) noexcept;

  std::size_t pixels_held() const;
  std::size_t images_held() const;
  bool holds(std::uint64_t image_id) const;

  // Forgets every image, keeping max_pixels: for a new session, where the
  // server starts a new dictionary and image ids start again.
  void clear();

  struct images;  // the window's contents; defined in glz.cpp

private:
  friend result<decoded_image> decode_glz_rgb(const std::uint8_t*, std::size_t, glz_window&);
  std::unique_ptr<images> images_;
};

// Input: the GLZ stream (exactly the data_size bytes after SpiceLZRGBData's
// data_size). The image joins the window when it decodes.
result<decoded_image> decode_glz_rgb(const std::uint8_t* data, std::size_t size, glz_window& window);

// Input: the SpiceZlibGlzRGBData body (u32 glz_data_size, u32 data_size, zlib stream).
result<decoded_image> decode_zlib_glz_rgb(const std::uint8_t* data, std::size_t size, glz_window& window);

}  // namespace vigil::protocol
