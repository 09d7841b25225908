// A window's title, as remote-viewer makes it (pure): "<title> (1) - Vigil",
// a %d in the title becoming the monitor's number instead; the title being
// -t, the connection file's or the VM's name. "(Press Shift+F12 to release
// pointer) " first while the pointer is grabbed, " - Reconnecting in ..."
// last while not connected. With no title: "Vigil", or "Vigil (N)" while the
// guest has several heads (one window each).
#pragma once

#include <string>

namespace vigil {

// `release_hint`: the release-cursor hotkey's label while grabbed, else
// empty; `status`: the session's state while it is not up, else empty.
std::string window_title(std::string base, int monitor, bool several_heads, const std::string& release_hint,
                         const std::string& status);

}  // namespace vigil
