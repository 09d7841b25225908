// Text as an alpha map, for drawing the status banner without OpenGL (the
// X image presentation): the glyphs come from SFML's font rasterizer, laid
// out as sf::Text lays them out (pen at the baseline, kerning, advance).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <SFML/Graphics/Font.hpp>

namespace vigil {

struct text_coverage {
  int width = 0;
  int height = 0;                     // the character size: the baseline is at `height`
  int descent = 0;                    // rows below the baseline
  std::vector<std::uint8_t> alpha;    // width x (height + descent), 0 = no ink
};

// `text` (UTF-8) at `size` pixels. Uses the font's texture, so an OpenGL
// context must be active.
text_coverage rasterize_text(sf::Font& font, const std::string& text, unsigned size);

}  // namespace vigil
