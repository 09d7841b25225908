// Text drawn by the CPU, with no OpenGL: FreeType renders each glyph as a
// coverage map (anti-aliased, autohinted as SFML's text is), laid out on a
// baseline with the font's kerning and advances. The X image presentation
// draws its banner with it, and the menu and the credential form are drawn
// with it on both presentation paths (they end up as images either way), so
// a window with no OpenGL context at all shows them the same.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <SFML/Graphics/Color.hpp>
#include <SFML/Graphics/Image.hpp>
#include <SFML/Graphics/Rect.hpp>

namespace vigil {

struct text_coverage {
  int width = 0;                      // to the right edge of the last ink
  int height = 0;                     // the character size: the baseline is at `height`
  int descent = 0;                    // rows below the baseline
  std::vector<std::uint8_t> alpha;    // width x (height + descent), 0 = no ink
};

class text_face {
public:
  // A TrueType/OpenType file; a face that cannot be loaded draws nothing
  // (loaded() says so: the caller warns).
  explicit text_face(const std::string& path);
  ~text_face();
  text_face(const text_face&) = delete;
  text_face& operator=(const text_face&) = delete;

  bool loaded() const { return face_ != nullptr; }
  // `text` (UTF-8) at `size` pixels; `bold` thickens the outlines.
  text_coverage rasterize(const std::string& text, unsigned size, bool bold = false) const;
  int width(const std::string& text, unsigned size, bool bold = false) const { return rasterize(text, size, bold).width; }

private:
  struct library;
  std::shared_ptr<library> library_;
  void* face_ = nullptr;  // FT_Face
};

// An RGBA picture (straight alpha) painted by the CPU, made into an
// sf::Image when done.
struct rgba_picture {
  unsigned width = 0, height = 0;
  std::vector<std::uint8_t> pixels;  // width x height x RGBA
  // `width` x `height`, every pixel transparent.
  void reset(unsigned new_width, unsigned new_height);
  void copy_to(sf::Image& image) const { image.create(width, height, pixels.data()); }
};

// `colour` "over" the picture in `area`, clipped to it.
void fill_rect(rgba_picture& picture, sf::IntRect area, sf::Color colour);
// `text` with its top left (the character box, baseline `text.height` below) at (x, y).
void draw_text(rgba_picture& picture, const text_coverage& text, int x, int y, sf::Color colour);

}  // namespace vigil
