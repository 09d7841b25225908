// Ternary raster operations (DRAW_ROP3, as in GDI's BitBlt): the 8-bit code is
// a truth table over pattern (brush), source and destination, bit
// (P << 2 | S << 1 | D) of the code giving each result bit. 0xCC is the
// source, 0xF0 the pattern, 0x55 the inverted destination, 0x66 S xor D.
// Pure and header-only: the canvas applies it per pixel.
#pragma once

#include <cstdint>

namespace vigil::protocol {

inline std::uint32_t ternary_rop(std::uint8_t code, std::uint32_t pattern, std::uint32_t source, std::uint32_t dest) {
  std::uint32_t out = 0;
  for (unsigned index = 0; index < 8; ++index) {
    if (!((code >> index) & 1u))
      continue;
    const std::uint32_t p = (index & 4u) ? pattern : ~pattern;
    const std::uint32_t s = (index & 2u) ? source : ~source;
    const std::uint32_t d = (index & 1u) ? dest : ~dest;
    out |= p & s & d;
  }
  return out;
}

}  // namespace vigil::protocol
