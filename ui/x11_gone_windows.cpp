#include "ui/x11_gone_windows.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include <X11/Xlib.h>

#include "common/log.hpp"

namespace vigil {

namespace {

std::vector<std::pair<Display*, const char*>> tolerant_connections;
XErrorHandler handler_before = nullptr;

int on_x_error(Display* display, XErrorEvent* error) {
  auto found = std::find_if(tolerant_connections.begin(), tolerant_connections.end(),
                            [display](const auto& known) { return known.first == display; });
  if (found != tolerant_connections.end() && (error->error_code == BadDrawable || error->error_code == BadWindow)) {
    named_logger("viewer")->debug("{}: X error {} (request {}.{}) for a window that is gone: ignored", found->second,
                                  error->error_code, error->request_code, error->minor_code);
    return 0;
  }
  return handler_before ? handler_before(display, error) : 0;
}

}  // namespace

void ignore_gone_windows_on(Display* connection, const char* who) {
  static const bool installed = [] {
    handler_before = XSetErrorHandler(on_x_error);
    return true;
  }();
  (void)installed;
  tolerant_connections.emplace_back(connection, who);
}

void forget_connection(Display* connection) {
  tolerant_connections.erase(std::remove_if(tolerant_connections.begin(), tolerant_connections.end(),
                                            [connection](const auto& known) { return known.first == connection; }),
                             tolerant_connections.end());
}

}  // namespace vigil
