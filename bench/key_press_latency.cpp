// Presses a key in the focused X window, as xdotool does (XTest), and prints
// when each press left: one line per press, "press N t=SECONDS" on the
// CLOCK_MONOTONIC clock. bench/compare-remote-viewer pairs each with the
// test server's `input key-down ... t=SECONDS` line (vigil-test-server
// --timestamps on): the difference is key press to scancode at the server.
//
//   key_press_latency [--presses N] [--keycode K] [--gap-ms MS]
//   defaults: 200 presses of keycode 38 ('a' on an evdev X server), 30 ms apart
#include <X11/Xlib.h>
#include <X11/extensions/XTest.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

double monotonic_seconds() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

}  // namespace

int main(int argc, char** argv) {
  int presses = 200, keycode = 38, gap_ms = 30;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i];
    const int value = std::atoi(argv[i + 1]);
    if (name == "--presses")
      presses = value;
    else if (name == "--keycode")
      keycode = value;
    else if (name == "--gap-ms")
      gap_ms = value;
    else {
      std::fprintf(stderr, "key_press_latency: unknown option %s\n", name.c_str());
      return 64;
    }
  }
  Display* display = XOpenDisplay(nullptr);
  if (!display) {
    std::fprintf(stderr, "key_press_latency: cannot open the X display\n");
    return 1;
  }
  int event_base = 0, error_base = 0, major = 0, minor = 0;
  if (!XTestQueryExtension(display, &event_base, &error_base, &major, &minor)) {
    std::fprintf(stderr, "key_press_latency: the X server has no XTEST\n");
    return 1;
  }
  for (int press = 0; press < presses; ++press) {
    XSync(display, False);
    const double sent = monotonic_seconds();
    XTestFakeKeyEvent(display, static_cast<unsigned>(keycode), True, CurrentTime);
    XFlush(display);
    std::printf("press %d t=%.6f\n", press, sent);
    usleep(static_cast<useconds_t>(gap_ms) * 500);
    XTestFakeKeyEvent(display, static_cast<unsigned>(keycode), False, CurrentTime);
    XFlush(display);
    usleep(static_cast<useconds_t>(gap_ms) * 500);
  }
  XSync(display, False);
  XCloseDisplay(display);
  return 0;
}
