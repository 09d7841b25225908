#include "ui/banner_text.hpp"

#include <algorithm>
#include <cmath>

#include <SFML/Graphics/Image.hpp>
#include <SFML/Graphics/Texture.hpp>
#include <SFML/System/String.hpp>

namespace vigil {

text_coverage rasterize_text(sf::Font& font, const std::string& text, unsigned size) {
  const sf::String codepoints = sf::String::fromUtf8(text.begin(), text.end());
  // Every glyph first: adding glyphs may grow the font's texture.
  for (std::size_t i = 0; i < codepoints.getSize(); ++i)
    font.getGlyph(codepoints[i], size, false);
  const sf::Image atlas = font.getTexture(size).copyToImage();

  struct placed {
    sf::IntRect source;
    int x, y;  // top left, relative to the pen's start on the baseline
  };
  std::vector<placed> glyphs;
  float pen = 0;
  int right = 0, descent = 0;
  std::uint32_t previous = 0;
  for (std::size_t i = 0; i < codepoints.getSize(); ++i) {
    const std::uint32_t codepoint = codepoints[i];
    pen += font.getKerning(previous, codepoint, size);
    previous = codepoint;
    const sf::Glyph& glyph = font.getGlyph(codepoint, size, false);
    const int x = static_cast<int>(std::lround(pen + glyph.bounds.left));
    const int y = static_cast<int>(std::lround(glyph.bounds.top));
    glyphs.push_back({glyph.textureRect, x, y});
    right = std::max(right, x + glyph.textureRect.width);
    descent = std::max(descent, y + glyph.textureRect.height);
    pen += glyph.advance;
  }
  text_coverage out;
  out.width = std::max(right, 0);
  out.height = static_cast<int>(size);
  out.descent = std::max(descent, 0);
  const int rows = out.height + out.descent;
  out.alpha.assign(static_cast<std::size_t>(out.width) * static_cast<std::size_t>(rows), 0);
  for (const auto& glyph : glyphs)
    for (int gy = 0; gy < glyph.source.height; ++gy)
      for (int gx = 0; gx < glyph.source.width; ++gx) {
        const int x = glyph.x + gx, y = out.height + glyph.y + gy;
        if (x < 0 || y < 0 || x >= out.width || y >= rows)
          continue;
        const auto ink = atlas.getPixel(static_cast<unsigned>(glyph.source.left + gx),
                                        static_cast<unsigned>(glyph.source.top + gy)).a;
        auto& cell = out.alpha[static_cast<std::size_t>(y) * static_cast<std::size_t>(out.width) +
                               static_cast<std::size_t>(x)];
        cell = std::max(cell, ink);
      }
  return out;
}

}  // namespace vigil
