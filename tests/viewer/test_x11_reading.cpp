// ui/x11_reading.hpp against a real X server (Xvfb): the window's main loop
// reads an X connection only when poll(2) says its socket is readable, so
// the two ways an event can wait must both be found -- on the socket (poll
// sees it; it is read once when said readable, never otherwise) and in
// Xlib's queue, read there during a round trip (poll does not see it) --
// and requests Xlib buffered must reach the X server before the loop sleeps.
#include <boost/test/unit_test.hpp>

#include <poll.h>

#include <X11/Xatom.h>
#include <X11/Xlib.h>

#include "temp_directory.hpp"
#include "waiting.hpp"
#include "ui/x11_reading.hpp"
#include "x_display.hpp"

using namespace std::chrono_literals;
using namespace vigil::test_support;

namespace {

bool socket_readable_within(Display* display, int timeout_ms) {
  pollfd polled{ConnectionNumber(display), POLLIN, 0};
  return ::poll(&polled, 1, timeout_ms) == 1;
}

void set_property(Display* display, Window window, Atom name) {
  static const unsigned char value[] = "x";
  XChangeProperty(display, window, name, XA_STRING, 8, PropModeReplace, value, 1);
}

}  // namespace

BOOST_AUTO_TEST_CASE(x_events_are_found_on_the_socket_or_in_xlibs_queue_and_requests_are_sent_before_sleeping) {
  temp_directory work("x11-reading");
  virtual_display screen(work);
  Display* ours = XOpenDisplay(screen.name().c_str());
  Display* other = XOpenDisplay(screen.name().c_str());
  BOOST_REQUIRE(ours && other);
  const Window window = XCreateSimpleWindow(ours, DefaultRootWindow(ours), 0, 0, 10, 10, 0, 0, 0);
  XSelectInput(ours, window, PropertyChangeMask);
  const Atom first = XInternAtom(ours, "VIGIL_FIRST", False);
  const Atom second = XInternAtom(ours, "VIGIL_SECOND", False);
  XSync(ours, False);
  XEvent event;
  bool readable = false;
  BOOST_CHECK(!vigil::events_queued(ours));
  BOOST_CHECK(!vigil::next_event_without_waiting(ours, readable, event));

  // Another client's change: the event waits on our socket.
  set_property(other, window, first);
  XSync(other, False);
  BOOST_REQUIRE(socket_readable_within(ours, 5000));
  BOOST_CHECK(!vigil::events_queued(ours));
  BOOST_CHECK(!vigil::next_event_without_waiting(ours, readable, event));  // not said readable: not read
  BOOST_CHECK(socket_readable_within(ours, 0));
  readable = true;
  BOOST_REQUIRE(vigil::next_event_without_waiting(ours, readable, event));
  BOOST_CHECK_EQUAL(event.type, PropertyNotify);
  BOOST_CHECK_EQUAL(event.xproperty.atom, first);
  BOOST_CHECK(!readable);  // one read a drain
  BOOST_CHECK(!vigil::next_event_without_waiting(ours, readable, event));

  // Our own change then a round trip: Xlib reads the event while it waits
  // for the reply, so poll(2) sees nothing, yet the event is there.
  set_property(ours, window, second);
  XSync(ours, False);
  BOOST_CHECK(!socket_readable_within(ours, 200));
  BOOST_CHECK(vigil::events_queued(ours));
  BOOST_REQUIRE(vigil::next_event_without_waiting(ours, readable, event));
  BOOST_CHECK_EQUAL(event.xproperty.atom, second);
  BOOST_CHECK(!vigil::events_queued(ours));

  // A buffered request reaches the X server when the loop asks before it
  // sleeps: the other client sees the property go (once the server got to
  // our connection: it serves its clients in its own order).
  XDeleteProperty(ours, window, first);
  vigil::events_queued(ours);
  const auto property_gone = [&] {
    Atom type = None;
    int format = 0;
    unsigned long items = 0, after = 0;
    unsigned char* data = nullptr;
    XGetWindowProperty(other, window, first, 0, 1, False, AnyPropertyType, &type, &format, &items, &after, &data);
    if (data)
      XFree(data);
    return type == None;
  };
  BOOST_CHECK(wait_until(property_gone, 5s));

  XDestroyWindow(ours, window);
  XCloseDisplay(other);
  XCloseDisplay(ours);
}
