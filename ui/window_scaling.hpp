// How big the guest's picture is drawn, as remote-viewer does it: a zoom
// level (-z PERCENT, the zoom hotkeys and the menu's Zoom entries, 10 % to
// 400 % in steps of 10) gives the window its size, the picture's size times
// the zoom; with scale-to-fit on (the default) the picture then follows the
// window when it is resized or full screen, aspect kept, centred. With it
// off the picture stays at the zoom level whatever the window's size,
// centred (cut off at the edges when the window is smaller). Integer scaling
// keeps only whole multiples (2x, 3x) or whole fractions (1/2, 1/3), so
// every guest pixel is the same number of screen pixels.
//
// Pure: the numbers here are unit-tested; the window applies them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace vigil {

struct scaling_settings {
  int zoom_percent = 100;  // -z, window.zoom
  bool fit = true;         // window.scale_to_fit
  bool integer = false;    // window.integer_scaling

  static constexpr int minimum_zoom = 10;
  static constexpr int maximum_zoom = 400;
  static constexpr int zoom_step = 10;
};

// The next zoom level in or out (remote-viewer's steps), within the limits.
int zoom_in(int percent);
int zoom_out(int percent);

// Where a picture of `width` x `height` goes in a window of this size: its
// scale and the window position of its top-left corner (whole pixels).
struct picture_placement {
  float scale = 1;
  float offset_x = 0;
  float offset_y = 0;
};
picture_placement place_picture(unsigned width, unsigned height, float window_width, float window_height,
                                const scaling_settings& scaling);

// The window's size for a picture of this size at this zoom (at least 1x1).
struct window_extent {
  unsigned width = 0;
  unsigned height = 0;
};
window_extent zoomed_window(unsigned width, unsigned height, int percent);
// The guest resolution a window of this size stands for at this zoom (what
// the agent is asked for when the window is resized).
window_extent unzoomed_guest(unsigned window_width, unsigned window_height, int percent);

}  // namespace vigil
