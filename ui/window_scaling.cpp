#include "ui/window_scaling.hpp"

#include <algorithm>
#include <cmath>

namespace vigil {

int zoom_in(int percent) {
  return std::min(scaling_settings::maximum_zoom, percent + scaling_settings::zoom_step);
}

int zoom_out(int percent) {
  return std::max(scaling_settings::minimum_zoom, percent - scaling_settings::zoom_step);
}

namespace {

// The largest whole multiple (or whole fraction) of a pixel not above `scale`.
float whole_scale(float scale) {
  if (scale >= 1)
    return std::floor(scale);
  return 1.0f / std::ceil(1.0f / scale - 1e-4f);
}

}  // namespace

picture_placement place_picture(unsigned width, unsigned height, float window_width, float window_height,
                                const scaling_settings& scaling) {
  picture_placement placement;
  if (width == 0 || height == 0)
    return placement;
  float scale = scaling.fit ? std::min(window_width / width, window_height / height) : scaling.zoom_percent / 100.0f;
  if (scaling.integer)
    scale = whole_scale(scale);
  placement.scale = scale;
  placement.offset_x = (window_width - width * scale) / 2;
  placement.offset_y = (window_height - height * scale) / 2;
  if (scaling.integer) {  // whole window pixels too: every guest pixel covers the same number of them
    placement.offset_x = std::floor(placement.offset_x);
    placement.offset_y = std::floor(placement.offset_y);
  }
  return placement;
}

window_extent zoomed_window(unsigned width, unsigned height, int percent) {
  auto zoomed = [percent](unsigned extent) {
    return std::max(1u, static_cast<unsigned>(std::lround(extent * (percent / 100.0))));
  };
  return {zoomed(width), zoomed(height)};
}

window_extent unzoomed_guest(unsigned window_width, unsigned window_height, int percent) {
  auto unzoomed = [percent](unsigned extent) {
    return std::max(1u, static_cast<unsigned>(std::lround(extent * (100.0 / percent))));
  };
  return {unzoomed(window_width), unzoomed(window_height)};
}

}  // namespace vigil
