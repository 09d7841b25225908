#include "ppm_image.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>

namespace vigil::test_support {
namespace {

// Skips whitespace and # comments, then reads one decimal number.
bool read_header_number(const std::vector<std::uint8_t>& data, std::size_t& pos, int& value) {
  for (;;) {
    while (pos < data.size() && std::isspace(data[pos]))
      ++pos;
    if (pos < data.size() && data[pos] == '#') {
      while (pos < data.size() && data[pos] != '\n')
        ++pos;
      continue;
    }
    break;
  }
  if (pos >= data.size() || !std::isdigit(data[pos]))
    return false;
  long number = 0;
  while (pos < data.size() && std::isdigit(data[pos]) && number < 1000000)
    number = number * 10 + (data[pos++] - '0');
  value = static_cast<int>(number);
  return true;
}

std::string hex_colour(std::uint32_t rgb) {
  char text[8];
  std::snprintf(text, sizeof text, "#%06x", rgb & 0xffffff);
  return text;
}

}  // namespace

std::uint32_t ppm_image::at(int x, int y) const {
  const std::size_t i = (static_cast<std::size_t>(y) * width + x) * 3;
  return std::uint32_t{rgb[i]} << 16 | std::uint32_t{rgb[i + 1]} << 8 | rgb[i + 2];
}

ppm_image ppm_image::crop(int left, int top, int w, int h) const {
  ppm_image out;
  out.width = w;
  out.height = h;
  for (int y = top; y < top + h; ++y)
    for (int x = left; x < left + w; ++x) {
      const std::size_t i = (static_cast<std::size_t>(y) * width + x) * 3;
      out.rgb.insert(out.rgb.end(), rgb.begin() + i, rgb.begin() + i + 3);
    }
  return out;
}

std::optional<ppm_image> read_ppm(const std::string& path, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open " + path;
    return std::nullopt;
  }
  const std::vector<std::uint8_t> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (data.size() < 2 || data[0] != 'P' || data[1] != '6') {
    error = path + " is not a binary PPM (P6)";
    return std::nullopt;
  }
  std::size_t pos = 2;
  ppm_image image;
  int maxval = 0;
  if (!read_header_number(data, pos, image.width) || !read_header_number(data, pos, image.height) ||
      !read_header_number(data, pos, maxval) || maxval != 255 || pos >= data.size()) {
    error = path + ": bad PPM header";
    return std::nullopt;
  }
  ++pos;  // the single whitespace after maxval
  const std::size_t size = static_cast<std::size_t>(image.width) * image.height * 3;
  if (data.size() - pos < size) {
    error = path + ": " + std::to_string(data.size() - pos) + " bytes of pixels, " + std::to_string(size) + " needed";
    return std::nullopt;
  }
  image.rgb.assign(data.begin() + pos, data.begin() + pos + size);
  return image;
}

double psnr(const ppm_image& expected, const ppm_image& actual) {
  double squared = 0;
  for (std::size_t i = 0; i < expected.rgb.size(); ++i) {
    const double d = double(expected.rgb[i]) - double(actual.rgb[i]);
    squared += d * d;
  }
  if (squared == 0)
    return std::numeric_limits<double>::infinity();
  return 10 * std::log10(255.0 * 255.0 * expected.rgb.size() / squared);
}

image_comparison compare(const ppm_image& expected, const ppm_image& actual) {
  image_comparison out;
  out.same_size = expected.width == actual.width && expected.height == actual.height;
  if (!out.same_size)
    return out;
  out.changed_left = expected.width;
  out.changed_top = expected.height;
  for (int y = 0; y < expected.height; ++y)
    for (int x = 0; x < expected.width; ++x) {
      if (expected.at(x, y) == actual.at(x, y))
        continue;
      if (out.mismatched_pixels++ == 0) {
        out.first_x = x;
        out.first_y = y;
        out.expected_at_first = expected.at(x, y);
        out.actual_at_first = actual.at(x, y);
      }
      out.changed_left = std::min(out.changed_left, x);
      out.changed_top = std::min(out.changed_top, y);
      out.changed_right = std::max(out.changed_right, x + 1);
      out.changed_bottom = std::max(out.changed_bottom, y + 1);
    }
  out.psnr_db = psnr(expected, actual);
  out.changed_psnr_db = std::numeric_limits<double>::infinity();
  if (out.mismatched_pixels > 0) {
    const int w = out.changed_right - out.changed_left, h = out.changed_bottom - out.changed_top;
    out.changed_psnr_db =
      psnr(expected.crop(out.changed_left, out.changed_top, w, h), actual.crop(out.changed_left, out.changed_top, w, h));
  }
  return out;
}

std::string image_comparison::describe(const ppm_image& expected) const {
  std::ostringstream text;
  if (!same_size) {
    text << "sizes differ (expected " << expected.width << "x" << expected.height << ")";
    return text.str();
  }
  text << expected.width << "x" << expected.height << ", " << mismatched_pixels << " of "
       << std::size_t(expected.width) * expected.height << " pixels differ";
  if (mismatched_pixels > 0)
    text << "; first at (" << first_x << "," << first_y << "): expected " << hex_colour(expected_at_first) << ", got "
         << hex_colour(actual_at_first) << "; differences within (" << changed_left << "," << changed_top << ")-("
         << changed_right << "," << changed_bottom << "); PSNR " << psnr_db << " dB (" << changed_psnr_db
         << " dB over that box)";
  return text.str();
}

}  // namespace vigil::test_support
