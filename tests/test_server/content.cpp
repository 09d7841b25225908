#include "content.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace vigil::test_server {
namespace {

// xorshift32: tiny, deterministic, good enough for texture noise.
class noise_source {
public:
  explicit noise_source(std::uint32_t seed) : state_(seed * 2654435761u + 1) {}
  std::uint32_t next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 17;
    state_ ^= state_ << 5;
    return state_;
  }
  int between(int low, int high) { return low + static_cast<int>(next() % static_cast<std::uint32_t>(high - low + 1)); }

private:
  std::uint32_t state_;
};

// 0..255..0 over 2*period: smooth enough for QUIC's graduality test.
int triangle_wave(int value, int period) {
  const int span = 2 * period;
  value %= span;
  if (value < 0)
    value += span;
  const int distance = value < period ? value : span - value;
  return distance * 255 / period;
}

int clamp_channel(int value) { return std::clamp(value, 0, 255); }

int integer_sqrt(long long value) {
  long long root = 0;
  while ((root + 1) * (root + 1) <= value)
    ++root;
  return static_cast<int>(root);
}

struct glyph {
  char character;
  std::array<std::uint8_t, 7> rows;  // bit 4 = leftmost column
};

constexpr glyph font[] = {
  {'A', {0x0e, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11}}, {'B', {0x1e, 0x11, 0x11, 0x1e, 0x11, 0x11, 0x1e}},
  {'C', {0x0e, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0e}}, {'D', {0x1e, 0x11, 0x11, 0x11, 0x11, 0x11, 0x1e}},
  {'E', {0x1f, 0x10, 0x10, 0x1e, 0x10, 0x10, 0x1f}}, {'F', {0x1f, 0x10, 0x10, 0x1e, 0x10, 0x10, 0x10}},
  {'G', {0x0e, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0f}}, {'H', {0x11, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11}},
  {'I', {0x0e, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0e}}, {'J', {0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0c}},
  {'K', {0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11}}, {'L', {0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1f}},
  {'M', {0x11, 0x1b, 0x15, 0x15, 0x11, 0x11, 0x11}}, {'N', {0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11}},
  {'O', {0x0e, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e}}, {'P', {0x1e, 0x11, 0x11, 0x1e, 0x10, 0x10, 0x10}},
  {'Q', {0x0e, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0d}}, {'R', {0x1e, 0x11, 0x11, 0x1e, 0x14, 0x12, 0x11}},
  {'S', {0x0f, 0x10, 0x10, 0x0e, 0x01, 0x01, 0x1e}}, {'T', {0x1f, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04}},
  {'U', {0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e}}, {'V', {0x11, 0x11, 0x11, 0x11, 0x11, 0x0a, 0x04}},
  {'W', {0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0a}}, {'X', {0x11, 0x11, 0x0a, 0x04, 0x0a, 0x11, 0x11}},
  {'Y', {0x11, 0x11, 0x0a, 0x04, 0x04, 0x04, 0x04}}, {'Z', {0x1f, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1f}},
  {'0', {0x0e, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0e}}, {'1', {0x04, 0x0c, 0x04, 0x04, 0x04, 0x04, 0x0e}},
  {'2', {0x0e, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1f}}, {'3', {0x1f, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0e}},
  {'4', {0x02, 0x06, 0x0a, 0x12, 0x1f, 0x02, 0x02}}, {'5', {0x1f, 0x10, 0x1e, 0x01, 0x01, 0x11, 0x0e}},
  {'6', {0x06, 0x08, 0x10, 0x1e, 0x11, 0x11, 0x0e}}, {'7', {0x1f, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08}},
  {'8', {0x0e, 0x11, 0x11, 0x0e, 0x11, 0x11, 0x0e}}, {'9', {0x0e, 0x11, 0x11, 0x0f, 0x01, 0x02, 0x0c}},
  {'.', {0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x0c}}, {':', {0x00, 0x0c, 0x0c, 0x00, 0x0c, 0x0c, 0x00}},
  {'-', {0x00, 0x00, 0x00, 0x1f, 0x00, 0x00, 0x00}}, {'=', {0x00, 0x00, 0x1f, 0x00, 0x1f, 0x00, 0x00}},
  {'/', {0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x00}}, {',', {0x00, 0x00, 0x00, 0x00, 0x0c, 0x04, 0x08}},
};

const glyph* find_glyph(char character) {
  const char upper = static_cast<char>(std::toupper(static_cast<unsigned char>(character)));
  for (const glyph& candidate : font)
    if (candidate.character == upper)
      return &candidate;
  return nullptr;  // space and anything unknown draw nothing
}

constexpr std::string_view words[] = {
  "spice", "display", "channel", "surface", "image", "cache", "stream", "cursor", "quic", "lz", "glz",
  "window", "server", "client", "frame", "pixel", "render", "monitor", "input", "key", "mouse", "agent",
  "ping", "ack", "link", "ticket", "primary", "copy", "fill", "bits", "the", "a", "of", "to", "and", "is",
};

std::string pseudo_sentence(noise_source& noise, int word_count) {
  std::string sentence;
  for (int i = 0; i < word_count; ++i) {
    if (i > 0)
      sentence += ' ';
    sentence += words[noise.next() % std::size(words)];
  }
  return sentence;
}

// Draws words one by one so some can be coloured like links.
void draw_words(pixel_image& image, int x, int y, int right, noise_source& noise, int scale) {
  const std::uint32_t ink = xrgb(0x10, 0x10, 0x10);
  const std::uint32_t link = xrgb(0x1a, 0x4c, 0xc8);
  int cursor_x = x;
  for (;;) {
    const std::string_view word = words[noise.next() % std::size(words)];
    const int advance = text_width(word, scale) + 6 * scale;
    if (cursor_x + advance > right)
      return;
    draw_text(image, cursor_x, y, word, noise.next() % 7 == 0 ? link : ink, scale);
    cursor_x += advance;
  }
}

}  // namespace

pixel_image photo_tile(int width, int height, std::uint32_t seed, int phase) {
  pixel_image tile(width, height);
  noise_source noise(seed);
  const int s = static_cast<int>(seed % 97);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const int r = (2 * triangle_wave(x + 13 * s + phase, 97 + s) + triangle_wave(y + x / 3, 151)) / 3;
      const int g = (2 * triangle_wave(y + 29 * s, 123) + triangle_wave(x + y + phase, 211)) / 3;
      const int b = (triangle_wave(2 * x - y + 7 * s, 257) + triangle_wave(3 * y / 2 + phase, 180)) / 2;
      const int n = noise.between(-3, 3);
      tile.at(x, y) = xrgb(clamp_channel(r + n), clamp_channel(g + n), clamp_channel(b - n));
    }
  }
  return tile;
}

pixel_image gradient_image(int width, int height, gradient_kind kind) {
  pixel_image image(width, height);
  const int w = std::max(width - 1, 1);
  const int h = std::max(height - 1, 1);
  const long long max_distance_squared = static_cast<long long>(w) * w / 4 + static_cast<long long>(h) * h / 4;
  const int max_distance = std::max(integer_sqrt(max_distance_squared), 1);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      std::uint32_t color = 0;
      switch (kind) {
        case gradient_kind::horizontal:
          color = xrgb(x * 255 / w, 64, 255 - x * 255 / w);
          break;
        case gradient_kind::vertical:
          color = xrgb(32, y * 255 / h, 128 + y * 127 / h);
          break;
        case gradient_kind::diagonal: {
          const int t = (x * h + y * w) * 255 / (2 * w * h);
          color = xrgb(255 - t, t, (t * 2) % 256);
          break;
        }
        case gradient_kind::radial: {
          const long long dx = x - width / 2;
          const long long dy = y - height / 2;
          const int t = std::min(integer_sqrt(dx * dx + dy * dy) * 255 / max_distance, 255);
          color = xrgb(255 - t, 200 - t * 200 / 255, t);
          break;
        }
      }
      image.at(x, y) = color;
    }
  }
  return image;
}

int text_width(std::string_view text, int scale) { return static_cast<int>(text.size()) * 6 * scale; }

void draw_text(pixel_image& image, int x, int y, std::string_view text, std::uint32_t color, int scale) {
  for (std::size_t index = 0; index < text.size(); ++index) {
    const glyph* shape = find_glyph(text[index]);
    if (shape == nullptr)
      continue;
    const int origin_x = x + static_cast<int>(index) * 6 * scale;
    for (int row = 0; row < 7; ++row)
      for (int column = 0; column < 5; ++column)
        if (shape->rows[row] & (0x10 >> column))
          image.fill(rect{origin_x + column * scale, y + row * scale, origin_x + (column + 1) * scale,
                          y + (row + 1) * scale},
                     color);
  }
}

pixel_image document_block(int width, int height, std::uint32_t seed, int scale) {
  pixel_image block(width, height, xrgb(0xff, 0xff, 0xff));
  noise_source noise(seed);
  const int line_height = 9 * scale;
  draw_text(block, 4 * scale, 2 * scale, pseudo_sentence(noise, 3), xrgb(0xc0, 0x20, 0x20), scale + 1);
  for (int y = 2 * scale + 12 * (scale + 1); y + line_height <= height; y += line_height)
    draw_words(block, 4 * scale, y, width - 4 * scale, noise, scale);
  return block;
}

pixel_image document_line(int width, int height, std::uint32_t seed, int scale) {
  pixel_image line(width, height, xrgb(0xff, 0xff, 0xff));
  noise_source noise(seed);
  draw_words(line, 4 * scale, (height - 7 * scale) / 2, width - 4 * scale, noise, scale);
  return line;
}

pixel_image video_frame(int width, int height, int frame) {
  pixel_image image = photo_tile(width, height, 7, frame * 6);
  const int radius = std::max(std::min(width, height) / 8, 2);
  const int center_x = radius + (frame * 9) % std::max(width - 2 * radius, 1);
  const int center_y = height / 2 + (triangle_wave(frame * 8, 255) - 128) * (height / 2 - radius) / 128;
  for (int y = std::max(center_y - radius, 0); y < std::min(center_y + radius, height); ++y)
    for (int x = std::max(center_x - radius, 0); x < std::min(center_x + radius, width); ++x)
      if ((x - center_x) * (x - center_x) + (y - center_y) * (y - center_y) < radius * radius)
        image.at(x, y) = xrgb(255, 240, 120 + (x + y) % 64);
  return image;
}

std::vector<std::uint32_t> alpha_cursor_pixels() {
  std::vector<std::uint32_t> pixels(cursor_size * cursor_size, 0);
  for (int y = 0; y < cursor_size; ++y) {
    for (int x = 0; x < cursor_size; ++x) {
      std::uint32_t argb = 0;
      if (x == 5 || y == 7)
        argb = 0xffff0000u;
      else if ((x - 16) * (x - 16) + (y - 16) * (y - 16) < 14 * 14)
        argb = 0x800000ffu;
      pixels[y * cursor_size + x] = argb;
    }
  }
  return pixels;
}

std::vector<std::uint8_t> mono_cursor_masks() {
  constexpr int row_bytes = cursor_size / 8;
  std::vector<std::uint8_t> masks(2 * row_bytes * cursor_size, 0);
  std::uint8_t* and_mask = masks.data();
  std::uint8_t* xor_mask = masks.data() + row_bytes * cursor_size;
  for (int y = 0; y < cursor_size; ++y) {
    for (int x = 0; x < cursor_size; ++x) {
      const std::uint8_t bit = static_cast<std::uint8_t>(0x80 >> (x % 8));
      const int index = y * row_bytes + x / 8;
      const bool inside = x >= 4 && x < 28 && y >= 4 && y < 28;
      const bool frame = inside && (x < 6 || x >= 26 || y < 6 || y >= 26);
      if (!inside)
        and_mask[index] |= bit;  // AND 1, XOR 0: transparent
      else if (!frame)
        xor_mask[index] |= bit;  // AND 0, XOR 1: white; AND 0, XOR 0: black
    }
  }
  return masks;
}

}  // namespace vigil::test_server
