// SFML's own X connection, for a main loop that sleeps until the window has
// events. SFML 2.5 does not give its Display away; its OpenGL context runs on
// it, so glXGetCurrentDisplay() finds it while the window's context is active.
#pragma once

namespace vigil {

class sfml_connection {
public:
  // The connection of the OpenGL context current on this thread (the
  // window's, right after it was created or activated). False without one.
  bool attach_current();
  int fd() const;  // -1 when not attached
  // After SFML's pollEvent() returned false: what is queued now is not ours
  // (events for SFML's other windows stay queued).
  void drained();
  // Events were read into the queue since drained() (during a round trip):
  // poll(2) on fd() would not see them.
  bool events_waiting() const;

private:
  void* display_ = nullptr;  // Display*
  int queued_after_drain_ = 0;
};

}  // namespace vigil
