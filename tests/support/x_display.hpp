// A real X server of the test's own (Xvfb) and the X-side views a window test
// needs: screen grabs, xdotool, the window list, the pointer's cursor image
// (XFixes), pixel comparisons. DISPLAY is set for the test's children.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "temp_directory.hpp"

namespace vigil::test_support {

class virtual_display {
public:
  // Xvfb on a free display number it picks itself, `geometry` like "1024x768x24";
  // returns once an X client can connect (throws otherwise).
  explicit virtual_display(const temp_directory& work, const std::string& geometry = "1024x768x24");
  ~virtual_display();

  const std::string& name() const { return name_; }  // ":93"
  // A PNG of the whole root window at `path`; returns `path`.
  std::string grab(const std::string& path) const;

private:
  std::string name_;
  std::unique_ptr<background_process> server_;
};

// Runs xdotool with `arguments` on $DISPLAY; its stdout. Fails the test when
// xdotool fails.
std::string xdotool(std::vector<std::string> arguments);
// "X,Y WxH" of X window `window`, as xdotool reports it.
std::string window_geometry(const std::string& window);
// The first window whose name matches `name`, waiting up to `limit` for one to
// be mapped; "" if none came.
std::string wait_for_window(const std::string& name, std::chrono::milliseconds limit);

// What X shows as the pointer's cursor now (XFixesGetCursorImage).
struct x_cursor_image {
  int width = 0, height = 0;
  int hot_x = 0, hot_y = 0;
  unsigned long serial = 0;          // changes whenever the cursor changes
  std::vector<std::uint32_t> argb;   // width * height, premultiplied ARGB
  std::string describe() const;      // "32x32 hot spot (5,7), 412 opaque pixels"
  std::size_t opaque_pixels() const;
};
std::optional<x_cursor_image> current_x_cursor();

// X's cursor against the cursor a guest set (`expected`: width*height ARGB,
// not premultiplied): the shape (which pixels show at all) and the colours
// (premultiplied ARGB, as X keeps them), each with its first difference.
struct cursor_comparison {
  bool same_size = false;
  std::size_t shape_mismatches = 0, colour_mismatches = 0;
  std::string first_shape_mismatch, first_colour_mismatch;
  std::string describe() const;
};
cursor_comparison compare_cursor(const x_cursor_image& shown, const std::vector<std::uint32_t>& expected, int width,
                                 int height);

// Pixels that differ between two images (ImageMagick's compare, AE metric),
// optionally within a geometry like "1024x740+0+28".
long differing_pixels(const std::string& a, const std::string& b, const std::string& region = "");

}  // namespace vigil::test_support
