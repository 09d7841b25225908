// QXL_DRAW_COMPOSITE for the test server: what a composite command holds,
// and the reference picture of it (pixman, as spice-common's canvas calls it:
// each image in the pixel format that canvas gives it).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>

#include "pixels.hpp"

namespace vigil::test_server {

// A composite's source or mask.
struct composite_input {
  std::optional<std::uint32_t> surface;  // a SURFACE image of this surface, or
  pixel_image image;                     // a bitmap: RGBA (premultiplied) if has_alpha, else 32BIT,
  bool has_alpha = false;
  bool alpha_only = false;               // or 8BIT_A: each pixel's value in its top byte
  std::optional<std::array<std::int32_t, 6>> transform;  // 16.16: t00 t01 t02 t10 t11 t12
  std::uint32_t filter = 3;  // pixman's: 3 nearest, 4 bilinear
  std::uint32_t repeat = 0;  // pixman's: 0 none, 1 normal, 2 pad, 3 reflect
};

struct composite_spec {
  std::uint32_t op = 3;  // pixman's operator (3: OVER)
  composite_input source;
  std::optional<composite_input> mask;
  bool component_alpha = false;
  // SOURCE_OPAQUE, MASK_OPAQUE, DEST_OPAQUE (the X driver's hints that a
  // picture's format has no alpha).
  bool source_opaque = false, mask_opaque = false, dest_opaque = false;
  int source_x = 0, source_y = 0;
  int mask_x = 0, mask_y = 0;
};

// The flags word of QXLComposite for `spec`.
std::uint32_t composite_flags(const composite_spec& spec);

// A surface as the reference keeps it: its pixels (32-bit surfaces as
// xRGB/ARGB values, 16-bit ones as xRGB widened from 5/6 bits as pixman
// widens them, 8_A and 1_A ones with the value in the top byte) and its
// SPICE_SURFACE_FMT_*.
struct reference_surface {
  pixel_image* pixels = nullptr;
  std::uint32_t format = 0;
};

// Draws `spec` within `box` of `target`; `surfaces` resolves SURFACE inputs.
// Throws std::logic_error for what spice-common's canvas cannot draw (it
// aborts or misbehaves): SOURCE_OPAQUE on an 8_A or 1_A surface,
// DEST_OPAQUE on an 8_A destination, any 1_A destination.
void composite_reference(const reference_surface& target, const rect& box, const composite_spec& spec,
                         const std::map<std::uint32_t, reference_surface>& surfaces);

}  // namespace vigil::test_server
