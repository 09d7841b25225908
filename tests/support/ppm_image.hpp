// Binary PPM (P6) pictures as the display tests compare them: the client's
// --dump-primary, the test server's reference frames, QEMU's screendump.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vigil::test_support {

struct ppm_image {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> rgb;  // width * height * 3

  std::uint32_t at(int x, int y) const;  // 0x00RRGGBB
  ppm_image crop(int left, int top, int width, int height) const;
};

// The image, or std::nullopt with `error` set.
std::optional<ppm_image> read_ppm(const std::string& path, std::string& error);

struct image_comparison {
  bool same_size = false;
  std::size_t mismatched_pixels = 0;
  int first_x = -1, first_y = -1;  // first mismatch in row order
  std::uint32_t expected_at_first = 0, actual_at_first = 0;
  int changed_left = 0, changed_top = 0, changed_right = 0, changed_bottom = 0;  // bounding box of mismatches
  double psnr_db = 0;          // over the whole image; infinity when identical
  double changed_psnr_db = 0;  // over the bounding box of mismatches

  // e.g. "1024x768, 0 of 786432 pixels differ" or "... first at (10,4): expected #ff0000, got #fe0000 ..."
  std::string describe(const ppm_image& expected) const;
};

image_comparison compare(const ppm_image& expected, const ppm_image& actual);

// Peak signal-to-noise ratio over the RGB channels (infinity when identical).
double psnr(const ppm_image& expected, const ppm_image& actual);

}  // namespace vigil::test_support
