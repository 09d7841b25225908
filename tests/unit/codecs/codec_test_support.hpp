// Shared by the LZ, GLZ, LZ4, JPEG and bitmap tests: reading the captured
// payloads and reference pixels under tests/data/codecs (README-codecs.md
// says how they were made), comparing decoded pixels, and building small LZ
// and GLZ streams for the cases no real server produces on demand.
#pragma once

#include <boost/test/unit_test.hpp>

#include "check_contains.hpp"
#include <zlib.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "protocol/codecs/decoded_image.hpp"
#include "protocol/result.hpp"

namespace vigil::test {

using protocol::bytes;

inline std::string codec_data_path(const std::string& relative) {
  return std::string(VIGIL_TEST_DATA_DIR) + "/codecs/" + relative;
}

// A file under tests/data/codecs; ".gz" files are inflated. Fails the test
// when the file is missing.
inline bytes read_codec_data(const std::string& relative) {
  bytes data;
  const std::string path = codec_data_path(relative);
  if (path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0) {
    gzFile file = gzopen(path.c_str(), "rb");
    BOOST_REQUIRE_MESSAGE(file != nullptr, "missing test data " << path);
    std::uint8_t buffer[65536];
    int got;
    while ((got = gzread(file, buffer, sizeof(buffer))) > 0)
      data.insert(data.end(), buffer, buffer + got);
    gzclose(file);
  } else {
    std::ifstream file(path, std::ios::binary);
    BOOST_REQUIRE_MESSAGE(file.good(), "missing test data " << path);
    data.assign(std::istreambuf_iterator<char>(file), {});
  }
  BOOST_REQUIRE_MESSAGE(!data.empty(), "empty test data " << path);
  return data;
}

// A binary PPM (P6, maxval 255) as 0x00RRGGBB pixels, top row first.
inline protocol::decoded_image read_ppm(const std::string& relative) {
  const bytes file = read_codec_data(relative);
  std::string text(file.begin(), file.begin() + std::min<std::size_t>(file.size(), 64));
  std::istringstream header(text);
  std::string magic;
  unsigned width = 0, height = 0, maxval = 0;
  header >> magic >> width >> height >> maxval;
  BOOST_REQUIRE_MESSAGE(magic == "P6" && maxval == 255, relative << " is not a P6 PPM");
  const std::size_t start = static_cast<std::size_t>(header.tellg()) + 1;
  BOOST_REQUIRE_EQUAL(file.size(), start + std::size_t{width} * height * 3);
  protocol::decoded_image image;
  image.width = width;
  image.height = height;
  image.pixels.resize(std::size_t{width} * height);
  for (std::size_t i = 0; i < image.pixels.size(); ++i) {
    const std::uint8_t* rgb = file.data() + start + 3 * i;
    image.pixels[i] = std::uint32_t{rgb[0]} << 16 | std::uint32_t{rgb[1]} << 8 | rgb[2];
  }
  return image;
}

// The w x h region of `image` whose top left corner is (x, y).
inline protocol::decoded_image crop(const protocol::decoded_image& image, std::uint32_t x, std::uint32_t y,
                                    std::uint32_t w, std::uint32_t h) {
  BOOST_REQUIRE(x + w <= image.width && y + h <= image.height);
  protocol::decoded_image region;
  region.width = w;
  region.height = h;
  for (std::uint32_t row = y; row < y + h; ++row)
    region.pixels.insert(region.pixels.end(), image.pixels.begin() + std::size_t{row} * image.width + x,
                         image.pixels.begin() + std::size_t{row} * image.width + x + w);
  return region;
}

// Checks size and every pixel; reports the number of differing pixels and
// the first one instead of flooding the log.
inline void check_same_pixels(const protocol::decoded_image& decoded, const protocol::decoded_image& expected) {
  BOOST_REQUIRE_EQUAL(decoded.width, expected.width);
  BOOST_REQUIRE_EQUAL(decoded.height, expected.height);
  BOOST_REQUIRE_EQUAL(decoded.pixels.size(), expected.pixels.size());
  std::size_t differing = 0, first = 0;
  for (std::size_t i = 0; i < decoded.pixels.size(); ++i)
    if (decoded.pixels[i] != expected.pixels[i] && differing++ == 0)
      first = i;
  BOOST_TEST(differing == 0u, differing << " pixels differ; first at (" << first % decoded.width << ", "
                                        << first / decoded.width << "): decoded 0x" << std::hex
                                        << decoded.pixels[first] << ", expected 0x" << expected.pixels[first]);
}

// The error message of a failed result, "" otherwise (Boost.Test evaluates
// a check's message even when the check passes).
template <class T>
std::string error_text(const protocol::result<T>& decoded) {
  return decoded.ok() ? std::string() : decoded.error().message;
}


// Builds LZ (and, with glz set, GLZ) streams the way spice-common's encoder
// lays them out: literal runs and matches on top of a header.
class lz_stream_builder {
public:
  static lz_stream_builder lz(std::uint32_t type, std::uint32_t width, std::uint32_t height, std::uint32_t stride,
                              bool top_down) {
    lz_stream_builder b;
    b.be32(0x20205A4Cu).be32(0x00010001u).be32(type).be32(width).be32(height).be32(stride).be32(top_down);
    return b;
  }
  static lz_stream_builder glz(std::uint32_t type, std::uint32_t width, std::uint32_t height, bool top_down,
                               std::uint64_t id, std::uint32_t win_head_dist) {
    lz_stream_builder b;
    b.glz_ = true;
    b.be32(0x20205A4Cu).be32(0x00010001u);
    b.out.push_back(static_cast<std::uint8_t>(type | (top_down ? 0x10 : 0)));
    b.be32(width).be32(height).be32(width * 4).be32(static_cast<std::uint32_t>(id >> 32));
    b.be32(static_cast<std::uint32_t>(id)).be32(win_head_dist);
    return b;
  }

  // A run of `units` literal units given as their raw bytes (1..32 units).
  lz_stream_builder& literals(std::size_t units, const bytes& raw) {
    out.push_back(static_cast<std::uint8_t>(units - 1));
    out.insert(out.end(), raw.begin(), raw.end());
    return *this;
  }

  // A match of `length` units (>= min_match) `distance` units back in the
  // same image.
  lz_stream_builder& match(std::size_t length, std::size_t min_match, std::uint32_t distance) {
    const std::size_t coded = length - (min_match - 1);
    const std::uint32_t ofs = distance - 1;
    if (glz_)
      return glz_match(coded, ofs, 0);
    std::uint8_t ctrl = static_cast<std::uint8_t>(std::min<std::size_t>(coded, 7) << 5);
    if (ofs < 8191) {
      out.push_back(static_cast<std::uint8_t>(ctrl | ofs >> 8));
      length_extension(coded);
      out.push_back(static_cast<std::uint8_t>(ofs & 255));
    } else {
      out.push_back(static_cast<std::uint8_t>(ctrl | 31));
      length_extension(coded);
      out.push_back(255);
      out.push_back(static_cast<std::uint8_t>((ofs - 8191) >> 8));
      out.push_back(static_cast<std::uint8_t>((ofs - 8191) & 255));
    }
    return *this;
  }

  // GLZ: a match of `length` units copied from unit `offset` of the image
  // `image_distance` ids back.
  lz_stream_builder& far_match(std::size_t length, std::size_t min_match, std::uint32_t image_distance,
                               std::uint32_t offset) {
    return glz_match(length - (min_match - 1), offset, image_distance);
  }

  lz_stream_builder& raw(const bytes& extra) {
    out.insert(out.end(), extra.begin(), extra.end());
    return *this;
  }

  bytes out;

private:
  lz_stream_builder& be32(std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8)
      out.push_back(static_cast<std::uint8_t>(v >> shift));
    return *this;
  }
  void length_extension(std::size_t coded) {
    if (coded < 7)
      return;
    std::size_t rest = coded - 7;
    while (rest >= 255) {
      out.push_back(255);
      rest -= 255;
    }
    out.push_back(static_cast<std::uint8_t>(rest));
  }
  // Short form: 12-bit offset and a 6..30-bit image distance; long form:
  // 17-bit offset (25 with the extra byte) and a 0..24-bit image distance.
  lz_stream_builder& glz_match(std::size_t coded, std::uint32_t offset, std::uint32_t image_distance) {
    const std::uint8_t len_bits = static_cast<std::uint8_t>(std::min<std::size_t>(coded, 7) << 5);
    if (offset < (1u << 12)) {
      out.push_back(static_cast<std::uint8_t>(len_bits | (offset & 15)));
      length_extension(coded);
      out.push_back(static_cast<std::uint8_t>(offset >> 4));
      const std::uint32_t high = image_distance >> 6;
      const std::uint8_t extra = high == 0 ? 0 : high < 256 ? 1 : high < 65536 ? 2 : 3;
      out.push_back(static_cast<std::uint8_t>(extra << 6 | (image_distance & 0x3f)));
      for (std::uint8_t i = 0; i < extra; ++i)
        out.push_back(static_cast<std::uint8_t>(high >> (8 * i)));
    } else {
      const bool very_long = offset >= (1u << 17);
      out.push_back(static_cast<std::uint8_t>(len_bits | 0x10 | (offset & 15)));
      length_extension(coded);
      out.push_back(static_cast<std::uint8_t>(offset >> 4));
      const std::uint8_t extra = image_distance == 0 ? 0 : image_distance < 256 ? 1 : image_distance < 65536 ? 2 : 3;
      out.push_back(static_cast<std::uint8_t>(extra << 6 | (very_long ? 0x20 : 0) | ((offset >> 12) & 0x1f)));
      for (std::uint8_t i = 0; i < extra; ++i)
        out.push_back(static_cast<std::uint8_t>(image_distance >> (8 * i)));
      if (very_long)
        out.push_back(static_cast<std::uint8_t>(offset >> 17));
    }
    return *this;
  }

  bool glz_ = false;
};

}  // namespace vigil::test
