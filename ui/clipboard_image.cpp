#include "ui/clipboard_image.hpp"

#include <png.h>

#include <cstdint>

#include <SFML/Graphics/Image.hpp>

namespace vigil {

namespace {

std::int64_t le32(const std::string& data, std::size_t at) {
  std::uint32_t value = 0;
  for (int i = 3; i >= 0; --i)
    value = value << 8 | static_cast<unsigned char>(data[at + static_cast<std::size_t>(i)]);
  return static_cast<std::int32_t>(value);
}

}  // namespace

std::optional<std::string> bmp_to_png(const std::string& bmp, std::size_t max_pixels) {
  // BITMAPFILEHEADER (14 bytes), then the info header: its size, width, height (negative: top-down).
  if (bmp.size() < 26 || bmp[0] != 'B' || bmp[1] != 'M' || le32(bmp, 14) < 40)
    return std::nullopt;
  std::int64_t width = le32(bmp, 18), height = le32(bmp, 22);
  height = height < 0 ? -height : height;
  if (width <= 0 || height <= 0 || static_cast<std::uint64_t>(width) * static_cast<std::uint64_t>(height) > max_pixels)
    return std::nullopt;
  sf::Image picture;
  if (!picture.loadFromMemory(bmp.data(), bmp.size()))
    return std::nullopt;
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  image.width = picture.getSize().x;
  image.height = picture.getSize().y;
  image.format = PNG_FORMAT_RGBA;
  png_alloc_size_t size = 0;
  if (!png_image_write_to_memory(&image, nullptr, &size, 0, picture.getPixelsPtr(), 0, nullptr))
    return std::nullopt;
  std::string png(size, '\0');
  if (!png_image_write_to_memory(&image, png.data(), &size, 0, picture.getPixelsPtr(), 0, nullptr))
    return std::nullopt;
  png.resize(size);
  return png;
}

}  // namespace vigil
