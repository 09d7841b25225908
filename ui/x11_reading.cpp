#include "ui/x11_reading.hpp"

#include <X11/Xlibint.h>  // the request buffer, to know whether it holds anything

namespace vigil {

void send_buffered_requests(Display* display) {
  if (display->bufptr != display->buffer)
    XFlush(display);  // also tries a read, which the sends that matter (a frame's put) can afford
}

bool events_queued(Display* display) {
  send_buffered_requests(display);
  return XEventsQueued(display, QueuedAlready) > 0;
}

bool next_event_without_waiting(Display* display, bool& socket_readable, XEvent& event) {
  if (XEventsQueued(display, QueuedAlready) == 0) {
    if (!socket_readable)
      return false;
    socket_readable = false;
    if (XEventsQueued(display, QueuedAfterReading) == 0)
      return false;
  }
  XNextEvent(display, &event);
  return true;
}

}  // namespace vigil
