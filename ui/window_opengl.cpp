#include "ui/window_opengl.hpp"

#include <cstdlib>
#include <optional>
#include <streambuf>
#include <string>

#include <SFML/System/Err.hpp>

#include <X11/Xlib.h>
#include <X11/Xutil.h>

#include "common/log.hpp"

namespace vigil {

namespace {

std::optional<bool> decided;  // with OpenGL; set once, on the UI thread
int glx_opcode = -1;
XErrorHandler handler_before = nullptr;

bool has_extension(Display* display, const char* name, int* opcode = nullptr) {
  int major = 0, event = 0, error = 0;
  const bool has = XQueryExtension(display, name, &major, &event, &error) == True;
  if (has && opcode)
    *opcode = major;
  return has;
}

// What the X image presentation needs: a depth-24 TrueColor default visual.
bool takes_x_images(Display* display) {
  const int screen = DefaultScreen(display);
  const Visual* visual = DefaultVisual(display, screen);
  return DefaultDepth(display, screen) == 24 && visual->red_mask == 0xff0000 && visual->green_mask == 0xff00 &&
         visual->blue_mask == 0xff;
}

// The refused indirect contexts' errors; anything else as before.
int ignore_glx_errors(Display* display, XErrorEvent* error) {
  if (error->request_code == glx_opcode)
    return 0;
  return handler_before ? handler_before(display, error) : 0;
}

// SFML's complaints (no context, each time it tries to make one current),
// line by line into the log at debug level instead of stderr.
class sfml_complaints final : public std::streambuf {
protected:
  int overflow(int c) override {
    if (c == '\n' || c == traits_type::eof()) {
      if (!line_.empty())
        named_logger("sfml")->debug("{}", line_);
      line_.clear();
    } else {
      line_.push_back(static_cast<char>(c));
    }
    return c == traits_type::eof() ? 0 : c;
  }

private:
  std::string line_;
};

}  // namespace

bool windows_have_opengl(presentation_choice choice) {
  if (decided)
    return *decided;
  decided = true;
  if (choice == presentation_choice::gl)
    return true;
  // Kept open: were it the X server's only client, closing it would reset
  // the server (Xvfb, a bare Xorg) just as SFML connects.
  static Display* display = XOpenDisplay(nullptr);
  if (!display)
    return true;  // SFML will say why it cannot make a window
  const bool direct = has_extension(display, "DRI3") || has_extension(display, "DRI2");
  const bool x_images = takes_x_images(display);
  const bool glx = has_extension(display, "GLX", &glx_opcode);
  if (!x_images || !glx || (choice == presentation_choice::automatic && direct))
    return true;
  decided = false;
  setenv("LIBGL_ALWAYS_INDIRECT", "1", 0);
  // For the process's life: SFML tries a context for its hidden shared one
  // and for each window, and says so each time one cannot be made current.
  handler_before = XSetErrorHandler(ignore_glx_errors);
  static sfml_complaints complaints;
  sf::err().rdbuf(&complaints);
  named_logger("viewer")->info("windows without OpenGL: {}",
                               choice == presentation_choice::xshm
                                 ? "X images were asked for"
                                 : "the display has no direct rendering (no DRI3 or DRI2), so OpenGL would be "
                                   "software; X images need none");
  return false;
}

bool windows_without_opengl() { return decided == false; }

void prepare_window(sf::Window& window, bool make_current) {
  if (windows_without_opengl())
    return;
  window.setVerticalSyncEnabled(false);
  if (make_current)
    window.setActive(true);
}

}  // namespace vigil
