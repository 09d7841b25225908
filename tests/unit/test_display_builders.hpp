// Hand-made display message bodies for the display and canvas tests: the
// fields in wire order, with pointers patched to where the pointed-to data
// lands. Also small decoded images and a JPEG encoder for stream frames.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "protocol/codecs/decoded_image.hpp"
#include "protocol/display_messages.hpp"
#include "protocol/result.hpp"

namespace vigil::test {

using protocol::bytes;

class display_body {
public:
  display_body& u8(std::uint8_t v);
  display_body& u16(std::uint16_t v);
  display_body& u32(std::uint32_t v);
  display_body& u64(std::uint64_t v);
  display_body& i32(std::int32_t v) { return u32(static_cast<std::uint32_t>(v)); }
  display_body& raw(const bytes& data);
  display_body& rect(std::int32_t top, std::int32_t left, std::int32_t bottom, std::int32_t right);
  display_body& point(std::int32_t x, std::int32_t y) { return i32(x).i32(y); }

  // A u32 offset to be filled in by place(name); null_pointer() writes 0.
  display_body& pointer(const std::string& name);
  display_body& null_pointer() { return u32(0); }
  // The data for pointer `name` starts here.
  display_body& place(const std::string& name);

  // DisplayBase with no clip / with clip rects.
  display_body& base(std::uint32_t surface_id, const protocol::rect& box);
  display_body& base(std::uint32_t surface_id, const protocol::rect& box, const std::vector<protocol::rect>& clip);
  // QMask {flags, pos, bitmap pointer}.
  display_body& no_mask() { return u8(0).point(0, 0).null_pointer(); }
  display_body& mask(std::uint8_t flags, std::int32_t x, std::int32_t y, const std::string& bitmap_name) {
    return u8(flags).point(x, y).pointer(bitmap_name);
  }
  // Image descriptor.
  display_body& descriptor(std::uint64_t id, std::uint8_t type, std::uint8_t flags, std::uint32_t width,
                           std::uint32_t height);
  // A 32-bit BITMAP image (descriptor + BitmapData), top-down rows of 0x00RRGGBB.
  display_body& bitmap_image(std::uint64_t id, std::uint8_t image_flags, const protocol::decoded_image& pixels);
  // A 1-bit BITMAP (mask), top-down, `rows` as strings of '0'/'1', MSB first (1BIT_BE).
  display_body& mask_image(std::uint64_t id, std::uint8_t image_flags, const std::vector<std::string>& rows);

  bytes take();

private:
  bytes out_;
  std::map<std::string, std::size_t> pointer_at_;
};

// A width x height image of one colour / of a function of (x, y).
protocol::decoded_image solid_image(std::uint32_t width, std::uint32_t height, std::uint32_t color);
protocol::decoded_image gradient_image(std::uint32_t width, std::uint32_t height);

// A baseline JPEG of `image` (libjpeg-turbo), for MJPEG frames and JPEG images.
bytes encode_jpeg(const protocol::decoded_image& image, int quality);

protocol::rect make_rect(std::int32_t top, std::int32_t left, std::int32_t bottom, std::int32_t right);

}  // namespace vigil::test
