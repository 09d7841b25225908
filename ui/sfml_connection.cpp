#include "ui/sfml_connection.hpp"

#include <GL/glx.h>
#include <X11/Xlib.h>

namespace vigil {

bool sfml_connection::attach_current() {
  display_ = glXGetCurrentDisplay();
  queued_after_drain_ = 0;
  return display_ != nullptr;
}

int sfml_connection::fd() const { return display_ ? ConnectionNumber(static_cast<Display*>(display_)) : -1; }

void sfml_connection::drained() {
  if (display_)
    queued_after_drain_ = XEventsQueued(static_cast<Display*>(display_), QueuedAlready);
}

bool sfml_connection::events_waiting() const {
  // Flushes our requests too, so the X server can answer them while we sleep.
  return display_ && XEventsQueued(static_cast<Display*>(display_), QueuedAfterFlush) > queued_after_drain_;
}

}  // namespace vigil
