#include "ui/x11_monitors.hpp"

#include <X11/Xlib.h>
#include <X11/extensions/Xrandr.h>

namespace vigil {

std::vector<screen_area> client_monitors() {
  std::vector<screen_area> out;
  Display* display = XOpenDisplay(nullptr);
  if (!display)
    return out;
  int event_base = 0, error_base = 0, count = 0;
  if (XRRQueryExtension(display, &event_base, &error_base)) {
    if (XRRMonitorInfo* monitors = XRRGetMonitors(display, DefaultRootWindow(display), True, &count)) {
      for (int i = 0; i < count; ++i)
        out.push_back({monitors[i].x, monitors[i].y, monitors[i].width, monitors[i].height});
      XRRFreeMonitors(monitors);
    }
  }
  XCloseDisplay(display);
  return out;
}

}  // namespace vigil
