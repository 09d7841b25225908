#include "ui/sfml_connection.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <mutex>
#include <vector>

#include <X11/Xlib.h>
#include <X11/Xlibint.h>  // a connection's resource ID range

#include "ui/x11_reading.hpp"

namespace {

std::mutex open_connections_mutex;
std::vector<Display*> open_connections;  // every Xlib connection of the process

template <class Function>
Function xlib(const char* name) {
  return reinterpret_cast<Function>(dlsym(RTLD_NEXT, name));
}

}  // namespace

extern "C" Display* XOpenDisplay(const char* name) {
  static const auto open_display = xlib<Display* (*)(const char*)>("XOpenDisplay");
  Display* display = open_display ? open_display(name) : nullptr;
  if (display) {
    std::lock_guard<std::mutex> lock(open_connections_mutex);
    open_connections.push_back(display);
  }
  return display;
}

extern "C" int XCloseDisplay(Display* display) {
  static const auto close_display = xlib<int (*)(Display*)>("XCloseDisplay");
  {
    std::lock_guard<std::mutex> lock(open_connections_mutex);
    open_connections.erase(std::remove(open_connections.begin(), open_connections.end(), display),
                           open_connections.end());
  }
  return close_display ? close_display(display) : 0;
}

namespace vigil {

bool sfml_connection::attach(unsigned long window) {
  display_ = nullptr;
  {
    std::lock_guard<std::mutex> lock(open_connections_mutex);
    for (Display* display : open_connections)
      if ((window & ~display->resource_mask) == display->resource_base)
        display_ = display;
  }
  queued_after_drain_ = 0;
  return display_ != nullptr;
}

int sfml_connection::fd() const { return display_ ? ConnectionNumber(static_cast<Display*>(display_)) : -1; }

void sfml_connection::drained() {
  if (display_)
    queued_after_drain_ = XEventsQueued(static_cast<Display*>(display_), QueuedAlready);
}

bool sfml_connection::events_waiting() const {
  if (!display_)
    return false;
  auto* display = static_cast<Display*>(display_);
  send_buffered_requests(display);
  return XEventsQueued(display, QueuedAlready) > queued_after_drain_;
}

}  // namespace vigil
