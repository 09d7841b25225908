// The cursor the real Linux test guest sets (guest_cursor.cpp) and the
// guest-cursor test expects on the X side: 64x64 ARGB (not premultiplied),
// transparent except an opaque red 16x16 square at the top left and opaque
// green lines through the hot spot (column 3 and row 5, 32 pixels long).
#pragma once

#include <cstdint>

namespace vigil::guest_cursor {

constexpr int size = 64;
constexpr int hot_x = 3;
constexpr int hot_y = 5;
constexpr std::uint32_t red = 0xffff0000u;
constexpr std::uint32_t green = 0xff00ff00u;

constexpr std::uint32_t pixel(int x, int y) {
  if ((x == hot_x && y < 32) || (y == hot_y && x < 32))
    return green;
  if (x < 16 && y < 16)
    return red;
  return 0;
}

}  // namespace vigil::guest_cursor
