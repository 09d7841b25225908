// Clipboard images the guest gives in a form local clients rarely take:
// Windows guests copy pictures as BMP, while X clients paste image/png, so
// the window converts a guest BMP to PNG before offering it (as
// remote-viewer does). Decoding is SFML's image loader (stb_image), encoding
// libpng's simplified API; the picture's size is checked against a bound
// before anything is decoded, so a lying header costs nothing.
#pragma once

#include <optional>
#include <string>

namespace vigil {

// The PNG of a BMP file's picture (BITMAPFILEHEADER first), or nothing when
// it is not a BMP SFML can read or is over `max_pixels`.
std::optional<std::string> bmp_to_png(const std::string& bmp, std::size_t max_pixels = 16u << 20);

}  // namespace vigil
