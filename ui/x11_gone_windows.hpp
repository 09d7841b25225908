// Our own Xlib connections next to SFML's. SFML destroys and re-creates
// windows on its connection (closing, full screen, a head window re-placed)
// while a request about the old window (an image put, a keyboard grab, an
// event selection) may still be queued on one of ours; the X server answers
// it with BadWindow or BadDrawable, and Xlib's default handler would end the
// process. A request about a window that is gone has nothing left to do:
// such errors on the connections named here are logged at debug and ignored,
// any other X error goes to the handler that was there before. The UI thread
// owns all of this.
#pragma once

// Xlib's own name for a connection (Display), declared here so that this
// header does not bring Xlib's macros in before SFML's headers.
struct _XDisplay;

namespace vigil {

// `who` (a string literal) names the connection in the log.
void ignore_gone_windows_on(_XDisplay* connection, const char* who);
// Before (or right after) the connection is closed.
void forget_connection(_XDisplay* connection);

}  // namespace vigil
