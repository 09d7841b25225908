// Internal: the LZ decoding core shared by LZ (lz.cpp), GLZ (glz.cpp) and the
// alpha plane of JPEG_ALPHA (jpeg.cpp).
//
// Both formats are a byte stream of control bytes. A control byte below 32
// starts a run of (ctrl + 1) literal units; otherwise ctrl >> 5 (plus
// extension bytes when it is 7) is the match length and the rest is the
// distance, whose encoding is the only difference between LZ and GLZ (GLZ
// matches may also point into an earlier image). A unit is a pixel (RGB
// types: 3 literal bytes B,G,R or 2 bytes of big-endian x1r5g5b5), an alpha
// byte (the second pass of RGBA, XXXA) or a byte (palette types, A8). The
// shortest match is 1 pixel for 24/32-bit, 2 for 16-bit, 3 for byte units;
// the coded length counts from there.
//
// The loop checks every run and match once against the input and output
// before copying, so the copies themselves are unchecked and fast.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "protocol/result.hpp"

namespace vigil::protocol::lz_detail {

// LzImageType: the "type" word of both headers.
constexpr std::uint32_t lz_plt1_le = 1;
constexpr std::uint32_t lz_plt1_be = 2;
constexpr std::uint32_t lz_plt4_le = 3;
constexpr std::uint32_t lz_plt4_be = 4;
constexpr std::uint32_t lz_plt8 = 5;
constexpr std::uint32_t lz_rgb16 = 6;
constexpr std::uint32_t lz_rgb24 = 7;
constexpr std::uint32_t lz_rgb32 = 8;
constexpr std::uint32_t lz_rgba = 9;
constexpr std::uint32_t lz_xxxa = 10;
constexpr std::uint32_t lz_a8 = 11;

// "  ZL" on the wire: spice-common writes "LZ  " as a big-endian word.
constexpr std::uint32_t lz_magic = 0x20205A4Cu;
constexpr std::uint32_t lz_version = 0x00010001u;

const char* lz_type_name(std::uint32_t type);

inline bool is_palette_type(std::uint32_t type) { return type >= lz_plt1_le && type <= lz_plt8; }

inline std::uint32_t read_be32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}

// A stream of n bytes decodes to at most about 255 units per byte (a match
// grows by 255 per extension byte), so a header promising more is forged;
// checking this before allocating keeps tiny inputs from allocating a lot.
inline bool units_fit_stream(std::uint64_t units, std::size_t stream_bytes) {
  return units <= (std::uint64_t{stream_bytes} + 1) * 256;
}

// ---- units ------------------------------------------------------------

// Copies `count` units from `distance` units back. A match longer than its
// distance overlaps itself and repeats the `distance` units before it; that
// pattern is copied in blocks that double in size (each block's source is
// already written), not unit by unit: a text console's blank rows are long
// matches at distance 1, which a unit loop (not vectorised at -O2) made a
// sixth of a headless client's CPU.
//
// Most matches are short (a console's glyphs: 2 to 16 units, 100000 a
// second on the real guest's scroll); those are copied unit by unit inline,
// which is the match's meaning for any distance, instead of a call and a
// memcpy each.
template <class Unit>
void copy_back_long(Unit* out, std::size_t distance, std::size_t count);

inline constexpr std::size_t short_match_units = 16;

template <class Unit>
inline void copy_back_units(Unit* out, std::size_t distance, std::size_t count) {
  if (count <= short_match_units) {
    const Unit* from = out - distance;
    for (std::size_t i = 0; i < count; ++i)
      out[i] = from[i];
    return;
  }
  copy_back_long(out, distance, count);
}

template <class Unit>
void copy_back_long(Unit* out, std::size_t distance, std::size_t count) {
  const Unit* from = out - distance;
  if (distance >= count) {
    std::memcpy(out, from, count * sizeof(Unit));
    return;
  }
  if (distance == 1) {
    const Unit value = *from;
    unsigned char bytes[sizeof(Unit)];
    std::memcpy(bytes, &value, sizeof(Unit));
    if (std::all_of(bytes, bytes + sizeof(Unit), [&](unsigned char b) { return b == bytes[0]; })) {
      std::memset(out, bytes[0], count * sizeof(Unit));
      return;
    }
  }
  // out[i] == from[i % distance]: after `done` units (a multiple of
  // distance), from[0 .. distance + done) holds that pattern already.
  std::size_t done = 0;
  while (done < count) {
    const std::size_t block = std::min(count - done, distance + done);
    std::memcpy(out + done, from, block * sizeof(Unit));
    done += block;
  }
}

struct rgb_pixels {  // RGB24 and RGB32: literal B,G,R; pad byte 0
  using unit = std::uint32_t;
  static constexpr std::size_t literal_bytes = 3;
  static constexpr std::size_t min_match = 1;
  static void literals(const std::uint8_t* in, unit* out, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i, in += 3)
      out[i] = in[0] | std::uint32_t{in[1]} << 8 | std::uint32_t{in[2]} << 16;
  }
  static void copy_back(unit* out, std::size_t distance, std::size_t count) {
    copy_back_units(out, distance, count);
  }
  static void copy_from(unit* out, const std::uint32_t* source, std::size_t count) {
    std::memcpy(out, source, count * sizeof(unit));
  }
};

struct rgb16_pixels : rgb_pixels {  // RGB16: big-endian x1r5g5b5, expanded to 8 bits a channel
  static constexpr std::size_t literal_bytes = 2;
  static constexpr std::size_t min_match = 2;
  static std::uint32_t expand(std::uint32_t c) { return c << 3 | c >> 2; }
  static void literals(const std::uint8_t* in, unit* out, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i, in += 2) {
      const std::uint32_t v = std::uint32_t{in[0]} << 8 | in[1];
      out[i] = expand((v >> 10) & 31) << 16 | expand((v >> 5) & 31) << 8 | expand(v & 31);
    }
  }
};

struct alpha_of_pixels {  // the alpha pass of RGBA: writes only the top byte
  using unit = std::uint32_t;
  static constexpr std::size_t literal_bytes = 1;
  static constexpr std::size_t min_match = 3;
  static constexpr std::uint32_t rgb = 0x00FFFFFFu;
  static void literals(const std::uint8_t* in, unit* out, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i)
      out[i] = (out[i] & rgb) | std::uint32_t{in[i]} << 24;
  }
  static void copy_back(unit* out, std::size_t distance, std::size_t count) {
    copy_from(out, out - distance, count);
  }
  static void copy_from(unit* out, const std::uint32_t* source, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i)
      out[i] = (out[i] & rgb) | (source[i] & ~rgb);
  }
};

struct byte_units {  // palette types, XXXA, A8 (LZ only: GLZ sends RGB types)
  using unit = std::uint8_t;
  static constexpr std::size_t literal_bytes = 1;
  static constexpr std::size_t min_match = 3;
  static void literals(const std::uint8_t* in, unit* out, std::size_t count) { std::memcpy(out, in, count); }
  static void copy_back(unit* out, std::size_t distance, std::size_t count) {
    copy_back_units(out, distance, count);
  }
};

// ---- the loop ---------------------------------------------------------

// What a match syntax reads after a control byte >= 32.
struct match {
  std::size_t length = 0;           // ctrl >> 5 plus extension bytes, before the min_match bias
  std::uint32_t distance = 0;       // image_distance == 0: units back from the current one (>= 1)
  std::uint32_t image_distance = 0; // GLZ: the match is in image (id - image_distance) ...
  std::uint32_t offset = 0;         // ... starting at this unit of it
};

// Reads the extension bytes of a match length of 7; false when the input ends.
inline bool read_length_extension(const std::uint8_t*& in, const std::uint8_t* end, std::size_t& length) {
  std::uint8_t code;
  do {
    if (in == end)
      return false;
    code = *in++;
    length += code;
  } while (code == 255);
  return true;
}

enum class lz_stop { done, truncated, literals_overflow, match_overflow, distance_too_far, far_reference };

struct lz_progress {
  lz_stop stop = lz_stop::done;
  std::size_t input_used = 0;  // bytes of the stream read
  std::size_t units_done = 0;  // units decoded before the stop
  std::size_t count = 0;       // overflow: the run or match length
  std::size_t distance = 0;    // distance_too_far: the distance
};

// Decodes out_units units from `in`. `far(image_distance, offset, count)`
// returns the units of an earlier image to copy, or nullptr after recording
// why it cannot (only called when Syntax::has_far_references).
template <class Syntax, class Units, class Far>
lz_progress decode_units(const std::uint8_t* in, std::size_t in_size, typename Units::unit* out,
                         std::size_t out_units, Far&& far) {
  const std::uint8_t* ip = in;
  const std::uint8_t* const in_end = in + in_size;
  typename Units::unit* op = out;
  typename Units::unit* const out_end = out + out_units;
  const auto stopped = [&](lz_stop why, std::size_t count = 0, std::size_t distance = 0) {
    return lz_progress{why, static_cast<std::size_t>(ip - in), static_cast<std::size_t>(op - out), count,
                       distance};
  };
  while (op < out_end) {
    if (ip == in_end)
      return stopped(lz_stop::truncated);
    const std::uint32_t ctrl = *ip++;
    if (ctrl < 32) {
      const std::size_t count = ctrl + 1;
      if (count > static_cast<std::size_t>(out_end - op))
        return stopped(lz_stop::literals_overflow, count);
      if (count * Units::literal_bytes > static_cast<std::size_t>(in_end - ip))
        return stopped(lz_stop::truncated);
      Units::literals(ip, op, count);
      ip += count * Units::literal_bytes;
      op += count;
      continue;
    }
    match m;
    if (!Syntax::read(ctrl, ip, in_end, m))
      return stopped(lz_stop::truncated);
    const std::size_t count = m.length + Units::min_match - 1;
    if (count > static_cast<std::size_t>(out_end - op))
      return stopped(lz_stop::match_overflow, count);
    if constexpr (Syntax::has_far_references) {
      if (m.image_distance != 0) {
        const std::uint32_t* source = far(m.image_distance, m.offset, count);
        if (source == nullptr)
          return stopped(lz_stop::far_reference);
        Units::copy_from(op, source, count);
        op += count;
        continue;
      }
    }
    if (m.distance > static_cast<std::size_t>(op - out))
      return stopped(lz_stop::distance_too_far, 0, m.distance);
    Units::copy_back(op, m.distance, count);
    op += count;
  }
  return stopped(lz_stop::done);
}

// The error for a stop other than done (and far_reference, whose reason
// the caller recorded). `input_base` is the stream's offset in the payload.
parse_error describe_stop(const char* codec, const lz_progress& progress, const char* unit_name,
                          std::size_t total_units, std::size_t input_base);

// ---- the LZ image header (JPEG_ALPHA's alpha plane uses it too) -------

struct lz_header {
  std::uint32_t type = 0;
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::uint32_t stride = 0;
  bool top_down = false;
};

constexpr std::size_t lz_header_size = 28;  // seven big-endian words

// Also refuses a header over `max_pixels`, or a palette type whose stride
// exceeds lz_plt_max_stride.
result<lz_header> parse_lz_header(const char* codec, const std::uint8_t* data, std::size_t size,
                                  std::uint64_t max_pixels);

// Decodes the stream after the header of a byte-unit image (palette types,
// XXXA, A8): stride * height bytes for palette types, else width * height,
// in stream order. The stream must end exactly with the image.
result<std::vector<std::uint8_t>> decode_lz_bytes(const char* codec, const lz_header& header,
                                                  const std::uint8_t* stream, std::size_t size);

}  // namespace vigil::protocol::lz_detail
