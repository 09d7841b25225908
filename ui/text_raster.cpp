#include "ui/text_raster.hpp"

#include <algorithm>
#include <cmath>

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_OUTLINE_H

#include <SFML/System/String.hpp>

namespace vigil {

struct text_face::library {
  FT_Library handle = nullptr;
  library() {
    if (FT_Init_FreeType(&handle) != 0)
      handle = nullptr;
  }
  ~library() {
    if (handle)
      FT_Done_FreeType(handle);
  }
};

text_face::text_face(const std::string& path) {
  static std::weak_ptr<library> shared;  // one FreeType instance for every face (UI thread only)
  library_ = shared.lock();
  if (!library_) {
    library_ = std::make_shared<library>();
    shared = library_;
  }
  FT_Face face = nullptr;
  if (library_->handle && FT_New_Face(library_->handle, path.c_str(), 0, &face) == 0)
    face_ = face;
}

text_face::~text_face() {
  if (face_)
    FT_Done_Face(static_cast<FT_Face>(face_));
}

text_coverage text_face::rasterize(const std::string& text, unsigned size, bool bold) const {
  text_coverage out;
  out.height = static_cast<int>(size);
  auto* face = static_cast<FT_Face>(face_);
  if (!face || size == 0 || FT_Set_Pixel_Sizes(face, 0, size) != 0)
    return out;
  struct placed {
    int x, y;  // top left, relative to the pen's start on the baseline
    int width, rows;
    std::vector<std::uint8_t> ink;
  };
  std::vector<placed> glyphs;
  const sf::String codepoints = sf::String::fromUtf8(text.begin(), text.end());
  FT_Pos pen = 0;  // 26.6
  FT_UInt previous = 0;
  int right = 0;
  for (std::size_t i = 0; i < codepoints.getSize(); ++i) {
    const FT_UInt index = FT_Get_Char_Index(face, codepoints[i]);
    if (previous != 0 && FT_HAS_KERNING(face)) {
      FT_Vector kerning;
      if (FT_Get_Kerning(face, previous, index, FT_KERNING_DEFAULT, &kerning) == 0)
        pen += kerning.x;
    }
    previous = index;
    if (FT_Load_Glyph(face, index, FT_LOAD_TARGET_NORMAL | FT_LOAD_FORCE_AUTOHINT) != 0)
      continue;
    FT_GlyphSlot slot = face->glyph;
    FT_Pos advance = slot->advance.x;
    if (bold && slot->format == FT_GLYPH_FORMAT_OUTLINE) {
      FT_Outline_Embolden(&slot->outline, 1 << 6);  // one pixel thicker
      advance += 1 << 6;
    }
    if (FT_Render_Glyph(slot, FT_RENDER_MODE_NORMAL) == 0 && slot->bitmap.width > 0 && slot->bitmap.rows > 0 &&
        slot->bitmap.pixel_mode == FT_PIXEL_MODE_GRAY) {
      placed glyph{static_cast<int>(std::lround(pen / 64.0)) + slot->bitmap_left, -slot->bitmap_top,
                   static_cast<int>(slot->bitmap.width), static_cast<int>(slot->bitmap.rows), {}};
      glyph.ink.resize(static_cast<std::size_t>(glyph.width) * static_cast<std::size_t>(glyph.rows));
      for (int row = 0; row < glyph.rows; ++row)
        std::copy_n(slot->bitmap.buffer + static_cast<std::ptrdiff_t>(row) * slot->bitmap.pitch, glyph.width,
                    glyph.ink.begin() + static_cast<std::ptrdiff_t>(row) * glyph.width);
      right = std::max(right, glyph.x + glyph.width);
      out.descent = std::max(out.descent, glyph.y + glyph.rows);
      glyphs.push_back(std::move(glyph));
    }
    pen += advance;
  }
  out.width = std::max(right, 0);
  const int rows = out.height + out.descent;
  out.alpha.assign(static_cast<std::size_t>(out.width) * static_cast<std::size_t>(rows), 0);
  for (const auto& glyph : glyphs)
    for (int gy = 0; gy < glyph.rows; ++gy)
      for (int gx = 0; gx < glyph.width; ++gx) {
        const int x = glyph.x + gx, y = out.height + glyph.y + gy;
        if (x < 0 || y < 0 || x >= out.width || y >= rows)
          continue;
        auto& cell = out.alpha[static_cast<std::size_t>(y) * static_cast<std::size_t>(out.width) +
                               static_cast<std::size_t>(x)];
        cell = std::max(cell, glyph.ink[static_cast<std::size_t>(gy) * static_cast<std::size_t>(glyph.width) +
                                        static_cast<std::size_t>(gx)]);
      }
  return out;
}

namespace {

// `colour` at coverage `alpha` (0-255) over the pixel at `p` (RGBA, straight alpha).
void blend_over(sf::Uint8* p, sf::Color colour, unsigned alpha) {
  const unsigned source = colour.a * alpha / 255;
  if (source == 0)
    return;
  const unsigned below = p[3] * (255 - source) / 255;
  const unsigned result = source + below;
  const auto mix = [&](sf::Uint8 over, sf::Uint8 under) {
    return static_cast<sf::Uint8>((over * source + under * below + result / 2) / result);
  };
  p[0] = mix(colour.r, p[0]);
  p[1] = mix(colour.g, p[1]);
  p[2] = mix(colour.b, p[2]);
  p[3] = static_cast<sf::Uint8>(result);
}

sf::Uint8* pixel_at(rgba_picture& picture, int x, int y) {
  return picture.pixels.data() + (static_cast<std::size_t>(y) * picture.width + static_cast<std::size_t>(x)) * 4;
}

}  // namespace

void rgba_picture::reset(unsigned new_width, unsigned new_height) {
  width = new_width;
  height = new_height;
  pixels.assign(std::size_t{width} * height * 4, 0);
}

void fill_rect(rgba_picture& picture, sf::IntRect area, sf::Color colour) {
  const int left = std::max(area.left, 0), top = std::max(area.top, 0);
  const int right = std::min(area.left + area.width, static_cast<int>(picture.width));
  const int bottom = std::min(area.top + area.height, static_cast<int>(picture.height));
  for (int y = top; y < bottom; ++y)
    for (int x = left; x < right; ++x)
      blend_over(pixel_at(picture, x, y), colour, 255);
}

void draw_text(rgba_picture& picture, const text_coverage& text, int x, int y, sf::Color colour) {
  const int rows = text.height + text.descent;
  for (int ty = std::max(0, -y); ty < rows && y + ty < static_cast<int>(picture.height); ++ty)
    for (int tx = std::max(0, -x); tx < text.width && x + tx < static_cast<int>(picture.width); ++tx) {
      const std::uint8_t ink = text.alpha[static_cast<std::size_t>(ty) * static_cast<std::size_t>(text.width) +
                                          static_cast<std::size_t>(tx)];
      if (ink != 0)
        blend_over(pixel_at(picture, x + tx, y + ty), colour, ink);
    }
}

}  // namespace vigil
