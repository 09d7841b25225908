// SFML's own X connection, for a main loop that sleeps until the window has
// events. SFML 2.5 does not give its Display away, and a window with no
// OpenGL context (ui/window_opengl.hpp) cannot be asked through GLX either.
// So Vigil's XOpenDisplay and XCloseDisplay wrap Xlib's (the executable's
// definitions come first for every library) and keep the list of open
// connections; SFML's is the one whose resource IDs include its window's.
#pragma once

namespace vigil {

class sfml_connection {
public:
  // The connection that made `window` (SFML's window handle). False when
  // none of the process's connections did.
  bool attach(unsigned long window);
  int fd() const;  // -1 when not attached
  // After SFML's pollEvent() returned false: what is queued now is not ours
  // (events for SFML's other windows stay queued).
  void drained();
  // Events were read into the queue since drained() (during a round trip):
  // poll(2) on fd() would not see them. Sends the buffered requests first
  // (ui/x11_reading.hpp); reads nothing.
  bool events_waiting() const;

private:
  void* display_ = nullptr;  // Display*
  int queued_after_drain_ = 0;
};

}  // namespace vigil
