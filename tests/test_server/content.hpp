// Deterministic picture content for the scenes: integer arithmetic only, so
// the same arguments give the same pixels on every machine. Each generator
// aims at one kind of codec choice in spice-server: smooth "photo" content
// (high graduality: QUIC, JPEG, MJPEG streams) or sharp few-colour "text"
// content (low graduality: LZ, GLZ).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "pixels.hpp"

namespace vigil::test_server {

// Smooth overlapping colour waves plus +-3 of deterministic noise.
pixel_image photo_tile(int width, int height, std::uint32_t seed, int phase = 0);

enum class gradient_kind { horizontal, vertical, diagonal, radial };
pixel_image gradient_image(int width, int height, gradient_kind kind);

// 5x7 glyphs (A-Z, 0-9, space and . : - = / ,; lower case is drawn as upper
// case), each pixel scaled to scale x scale, 6*scale px advance per character.
void draw_text(pixel_image& image, int x, int y, std::string_view text, std::uint32_t color, int scale);
int text_width(std::string_view text, int scale);

// A page of pseudo-text: black words on white, a red heading, some blue words.
pixel_image document_block(int width, int height, std::uint32_t seed, int scale);

// One line of pseudo-text on white, as a scrolling terminal adds it.
pixel_image document_line(int width, int height, std::uint32_t seed, int scale);

// A video frame: drifting colour waves and a bright ball moving across.
pixel_image video_frame(int width, int height, int frame);

// 32x32 cursors for the cursor scene.
constexpr int cursor_size = 32;
// ARGB, not premultiplied: a translucent blue disc, an opaque red cross
// through the hot spot (5,7), transparent elsewhere.
std::vector<std::uint32_t> alpha_cursor_pixels();
// AND mask then XOR mask, 4 bytes per row each, most significant bit first:
// a black 2-pixel frame around a white square, transparent outside.
std::vector<std::uint8_t> mono_cursor_masks();

}  // namespace vigil::test_server
