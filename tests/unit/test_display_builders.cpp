#include "test_display_builders.hpp"

#include <spice/enums.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include <jpeglib.h>

namespace vigil::test {

display_body& display_body::u8(std::uint8_t v) {
  out_.push_back(v);
  return *this;
}

display_body& display_body::u16(std::uint16_t v) { return u8(v & 0xff).u8(v >> 8); }
display_body& display_body::u32(std::uint32_t v) { return u16(v & 0xffff).u16(v >> 16); }
display_body& display_body::u64(std::uint64_t v) { return u32(v & 0xffffffffu).u32(v >> 32); }

display_body& display_body::raw(const bytes& data) {
  out_.insert(out_.end(), data.begin(), data.end());
  return *this;
}

display_body& display_body::rect(std::int32_t top, std::int32_t left, std::int32_t bottom, std::int32_t right) {
  return i32(top).i32(left).i32(bottom).i32(right);
}

display_body& display_body::pointer(const std::string& name) {
  pointer_at_[name] = out_.size();
  return u32(0);
}

display_body& display_body::place(const std::string& name) {
  const std::size_t at = pointer_at_.at(name);
  const std::uint32_t offset = static_cast<std::uint32_t>(out_.size());
  for (int i = 0; i < 4; ++i)
    out_[at + i] = static_cast<std::uint8_t>(offset >> (8 * i));
  return *this;
}

display_body& display_body::base(std::uint32_t surface_id, const protocol::rect& box) {
  return u32(surface_id).rect(box.top, box.left, box.bottom, box.right).u8(SPICE_CLIP_TYPE_NONE);
}

display_body& display_body::base(std::uint32_t surface_id, const protocol::rect& box,
                                 const std::vector<protocol::rect>& clip) {
  u32(surface_id).rect(box.top, box.left, box.bottom, box.right).u8(SPICE_CLIP_TYPE_RECTS);
  u32(static_cast<std::uint32_t>(clip.size()));
  for (const auto& r : clip)
    rect(r.top, r.left, r.bottom, r.right);
  return *this;
}

display_body& display_body::descriptor(std::uint64_t id, std::uint8_t type, std::uint8_t flags, std::uint32_t width,
                                       std::uint32_t height) {
  return u64(id).u8(type).u8(flags).u32(width).u32(height);
}

display_body& display_body::bitmap_image(std::uint64_t id, std::uint8_t image_flags,
                                         const protocol::decoded_image& pixels) {
  descriptor(id, SPICE_IMAGE_TYPE_BITMAP, image_flags, pixels.width, pixels.height);
  u8(SPICE_BITMAP_FMT_32BIT).u8(SPICE_BITMAP_FLAGS_TOP_DOWN).u32(pixels.width).u32(pixels.height);
  u32(pixels.width * 4).null_pointer();
  for (std::uint32_t pixel : pixels.pixels)
    u32(pixel & 0x00ffffffu);
  return *this;
}

display_body& display_body::mask_image(std::uint64_t id, std::uint8_t image_flags,
                                       const std::vector<std::string>& rows) {
  const std::uint32_t width = rows.empty() ? 0 : static_cast<std::uint32_t>(rows.front().size());
  const std::uint32_t stride = (width + 7) / 8;
  descriptor(id, SPICE_IMAGE_TYPE_BITMAP, image_flags, width, static_cast<std::uint32_t>(rows.size()));
  u8(SPICE_BITMAP_FMT_1BIT_BE).u8(SPICE_BITMAP_FLAGS_TOP_DOWN).u32(width).u32(static_cast<std::uint32_t>(rows.size()));
  u32(stride).null_pointer();
  for (const auto& row : rows) {
    bytes packed(stride, 0);
    for (std::size_t x = 0; x < row.size(); ++x)
      if (row[x] == '1')
        packed[x / 8] |= static_cast<std::uint8_t>(0x80 >> (x % 8));
    raw(packed);
  }
  return *this;
}

bytes display_body::take() { return std::move(out_); }

protocol::decoded_image solid_image(std::uint32_t width, std::uint32_t height, std::uint32_t color) {
  protocol::decoded_image image;
  image.width = width;
  image.height = height;
  image.pixels.assign(std::size_t{width} * height, color);
  return image;
}

protocol::decoded_image gradient_image(std::uint32_t width, std::uint32_t height) {
  protocol::decoded_image image;
  image.width = width;
  image.height = height;
  for (std::uint32_t y = 0; y < height; ++y)
    for (std::uint32_t x = 0; x < width; ++x)
      image.pixels.push_back(((x * 255 / (width > 1 ? width - 1 : 1)) << 16) |
                             ((y * 255 / (height > 1 ? height - 1 : 1)) << 8) | 0x40);
  return image;
}

bytes encode_jpeg(const protocol::decoded_image& image, int quality) {
  jpeg_compress_struct compress{};
  jpeg_error_mgr errors{};
  compress.err = jpeg_std_error(&errors);
  jpeg_create_compress(&compress);
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&compress, &buffer, &size);
  compress.image_width = image.width;
  compress.image_height = image.height;
  compress.input_components = 3;
  compress.in_color_space = JCS_RGB;
  jpeg_set_defaults(&compress);
  jpeg_set_quality(&compress, quality, TRUE);
  jpeg_start_compress(&compress, TRUE);
  std::vector<unsigned char> row(std::size_t{image.width} * 3);
  while (compress.next_scanline < compress.image_height) {
    const std::uint32_t* pixels = image.pixels.data() + std::size_t{compress.next_scanline} * image.width;
    for (std::uint32_t x = 0; x < image.width; ++x) {
      row[3 * x] = static_cast<unsigned char>(pixels[x] >> 16);
      row[3 * x + 1] = static_cast<unsigned char>(pixels[x] >> 8);
      row[3 * x + 2] = static_cast<unsigned char>(pixels[x]);
    }
    JSAMPROW rows[1] = {row.data()};
    jpeg_write_scanlines(&compress, rows, 1);
  }
  jpeg_finish_compress(&compress);
  jpeg_destroy_compress(&compress);
  bytes out(buffer, buffer + size);
  std::free(buffer);
  return out;
}

protocol::rect make_rect(std::int32_t top, std::int32_t left, std::int32_t bottom, std::int32_t right) {
  protocol::rect r;
  r.top = top;
  r.left = left;
  r.bottom = bottom;
  r.right = right;
  return r;
}

}  // namespace vigil::test
