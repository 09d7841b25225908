#include "x_display.hpp"

#include <X11/Xlib.h>
#include <X11/extensions/Xfixes.h>

#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "waiting.hpp"

namespace vigil::test_support {
namespace {

using namespace std::chrono_literals;

bool x_server_answers(const std::string& name) {
  Display* display = XOpenDisplay(name.c_str());
  if (!display)
    return false;
  XCloseDisplay(display);
  return true;
}

}  // namespace

// Xvfb chooses a free display number itself and writes it (-displayfd) once
// it accepts clients. Picking a number here instead races with every other
// test run on the machine: two Xvfbs started for one number, the loser's
// check answered by the winner's server, which then goes away with the
// winner's test.
// -noreset: by default an X server resets when its last client disconnects,
// and a client that connects during the reset fails ("Failed to open X11
// display") or hangs before its first request. Every window test has such
// moments (xdotool polls that come and go, one client ending before the
// next starts), and under load the reset takes long enough to be hit: one
// window test in ~40 failed that way on the loaded 2-core machine.
virtual_display::virtual_display(const temp_directory& work, const std::string& geometry) {
  const auto number_file = work.file("xvfb.display");
  server_ = std::make_unique<background_process>(
    std::vector<std::string>{"sh", "-c",
                             "exec Xvfb -displayfd 3 -screen 0 '" + geometry + "' -nolisten tcp -noreset 3>'" + number_file + "'"},
    work.file("xvfb.log"));
  std::string number;
  wait_until(
    [&] {
      std::ifstream in(number_file);
      std::getline(in, number);
      return !number.empty() || !server_->is_running();
    },
    30s, 20ms);
  if (number.empty())
    throw std::runtime_error("Xvfb did not start: " + read_text_file(work.file("xvfb.log")));
  name_ = ":" + number;
  if (!x_server_answers(name_))
    throw std::runtime_error("Xvfb " + name_ + " does not answer: " + read_text_file(work.file("xvfb.log")));
  setenv("DISPLAY", name_.c_str(), 1);
}

virtual_display::~virtual_display() = default;

std::string virtual_display::grab(const std::string& path) const {
  auto result = run_process({"import", "-display", name_, "-window", "root", path}, 60s);
  BOOST_REQUIRE_MESSAGE(result.exit_code == 0, "import failed: " << result.describe() << " " << result.stderr_text);
  return path;
}

std::string xdotool(std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), "xdotool");
  auto result = run_process(arguments, 30s);
  BOOST_REQUIRE_MESSAGE(result.exit_code == 0,
                        quote_command_line(arguments) << " failed: " << result.describe() << " " << result.stderr_text);
  return result.stdout_text;
}

std::string window_geometry(const std::string& window) {
  auto shell = xdotool({"getwindowgeometry", "--shell", window});
  auto value = [&](const std::string& key) {
    auto at = shell.find(key + "=");
    return at == std::string::npos ? std::string("?") : shell.substr(at + key.size() + 1, shell.find('\n', at) - at - key.size() - 1);
  };
  return value("X") + "," + value("Y") + " " + value("WIDTH") + "x" + value("HEIGHT");
}

std::string wait_for_window(const std::string& name, std::chrono::milliseconds limit) {
  std::string found;
  wait_until(
    [&] {
      auto result = run_process({"xdotool", "search", "--onlyvisible", "--name", name}, 30s);
      found = result.exit_code == 0 ? result.stdout_text.substr(0, result.stdout_text.find('\n')) : "";
      return !found.empty();
    },
    limit, 100ms);
  return found;
}

std::string x_cursor_image::describe() const {
  std::ostringstream text;
  text << width << "x" << height << " hot spot (" << hot_x << "," << hot_y << "), " << opaque_pixels()
       << " opaque pixels, serial " << serial;
  return text.str();
}

std::size_t x_cursor_image::opaque_pixels() const {
  std::size_t count = 0;
  for (auto pixel : argb)
    count += (pixel >> 24) != 0;
  return count;
}

std::optional<x_cursor_image> current_x_cursor() {
  const char* name = std::getenv("DISPLAY");
  Display* display = XOpenDisplay(name);
  if (!display)
    return std::nullopt;
  std::optional<x_cursor_image> image;
  int event_base = 0, error_base = 0;
  if (XFixesQueryExtension(display, &event_base, &error_base)) {
    if (XFixesCursorImage* cursor = XFixesGetCursorImage(display)) {
      image.emplace();
      image->width = cursor->width;
      image->height = cursor->height;
      image->hot_x = cursor->xhot;
      image->hot_y = cursor->yhot;
      image->serial = cursor->cursor_serial;
      for (int i = 0; i < cursor->width * cursor->height; ++i)
        image->argb.push_back(static_cast<std::uint32_t>(cursor->pixels[i]));  // unsigned long per pixel
      XFree(cursor);
    }
  }
  XCloseDisplay(display);
  return image;
}

namespace {

std::uint32_t premultiplied(std::uint32_t argb) {
  const std::uint32_t alpha = argb >> 24;
  auto channel = [&](int shift) { return (((argb >> shift) & 0xffu) * alpha + 127) / 255 << shift; };
  return (alpha << 24) | channel(16) | channel(8) | channel(0);
}

std::string pixel_difference(int x, int y, std::uint32_t expected, std::uint32_t shown) {
  std::ostringstream text;
  text << "(" << x << "," << y << "): expected 0x" << std::hex << expected << ", X shows 0x" << shown;
  return text.str();
}

}  // namespace

std::string cursor_comparison::describe() const {
  std::ostringstream text;
  if (!same_size)
    return "different sizes";
  text << shape_mismatches << " pixels differ in shape";
  if (shape_mismatches)
    text << ", first at " << first_shape_mismatch;
  text << "; " << colour_mismatches << " in colour";
  if (colour_mismatches)
    text << ", first at " << first_colour_mismatch;
  return text.str();
}

cursor_comparison compare_cursor(const x_cursor_image& shown, const std::vector<std::uint32_t>& expected, int width,
                                 int height) {
  cursor_comparison result;
  result.same_size = shown.width == width && shown.height == height &&
                     expected.size() == static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
  if (!result.same_size)
    return result;
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      const auto at = static_cast<std::size_t>(y * width + x);
      const std::uint32_t want = premultiplied(expected[at]), got = shown.argb[at];
      if (((want >> 24) != 0) != ((got >> 24) != 0) && result.shape_mismatches++ == 0)
        result.first_shape_mismatch = pixel_difference(x, y, want, got);
      if (want != got && result.colour_mismatches++ == 0)
        result.first_colour_mismatch = pixel_difference(x, y, want, got);
    }
  return result;
}

long differing_pixels(const std::string& a, const std::string& b, const std::string& region) {
  std::vector<std::string> argv = {"compare", "-metric", "AE"};
  if (!region.empty())
    argv.insert(argv.end(), {"-extract", region});
  argv.insert(argv.end(), {a, b, "null:"});
  auto result = run_process(argv, 60s);
  try {
    return std::stol(result.stderr_text);  // compare prints the count on stderr
  } catch (const std::exception&) {
    BOOST_FAIL("compare printed no pixel count: " << result.describe() << " " << result.stderr_text);
    return -1;
  }
}

}  // namespace vigil::test_support
