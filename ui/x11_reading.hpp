// Reading an Xlib connection only when there is something to read. Xlib
// tries a read of the socket in more calls than it seems: XPending, XFlush
// and XEventsQueued(QueuedAfterFlush or QueuedAfterReading) each do one when
// nothing is queued, even when nothing came (a recvmsg failing with EAGAIN).
// The main loop wakes a few times a frame and has five connections, so such
// reads were most of its system calls. With these a connection is read when
// poll(2) said its socket is readable, and what Xlib read into its queue
// during other calls (round trips) is found without a read.
#pragma once

#include <X11/Xlib.h>

namespace vigil {

// Writes the requests Xlib buffered for `display` (no system call when there
// are none), so the X server works on them while the loop sleeps.
void send_buffered_requests(Display* display);

// Sends what is buffered, then says whether events are already in Xlib's
// queue: poll(2) on the socket would not see those.
bool events_queued(Display* display);

// The next event of `display` to be had without waiting: one Xlib already
// queued or, while `socket_readable` (poll(2) said so), one a read of the
// socket brings. That read clears `socket_readable`: a drain reads once;
// whatever comes later makes the socket readable for the next poll(2).
bool next_event_without_waiting(Display* display, bool& socket_readable, XEvent& event);

}  // namespace vigil
