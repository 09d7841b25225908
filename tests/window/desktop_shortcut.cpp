// desktop-shortcut: plays a window manager's Alt+Tab. It grabs Alt+Tab on the
// root window as window managers do (a passive XGrabKey, every lock-key
// variant) and prints "shortcut alt+tab" for each press it gets, so a test
// can tell whether Alt+Tab went to the desktop or to the window that holds
// the keyboard grab. Runs until killed.
#include <cstdio>
#include <initializer_list>

#include <X11/Xlib.h>
#include <X11/keysym.h>

int main() {
  Display* display = XOpenDisplay(nullptr);
  if (!display) {
    std::fprintf(stderr, "desktop-shortcut: cannot open the X display\n");
    return 1;
  }
  Window root = DefaultRootWindow(display);
  KeyCode tab = XKeysymToKeycode(display, XK_Tab);
  for (unsigned locks : {0u, unsigned{LockMask}, unsigned{Mod2Mask}, unsigned{LockMask | Mod2Mask}})
    XGrabKey(display, tab, Mod1Mask | locks, root, False, GrabModeAsync, GrabModeAsync);
  XSync(display, False);
  std::printf("shortcut ready\n");
  std::fflush(stdout);
  for (;;) {
    XEvent event;
    XNextEvent(display, &event);
    if (event.type == KeyPress) {
      std::printf("shortcut alt+tab\n");
      std::fflush(stdout);
    }
  }
}
