// The SFML viewer window, on the main thread (SFML and OpenGL contexts are
// thread-bound). It shows the renderer's frames scaled to the window with the
// aspect kept, updating the texture only where a frame changed and drawing
// only when something changed, so an idle session costs almost no CPU. A
// banner shows the session's state ("Reconnecting in 4.1 s (attempt 3/8)",
// "Disconnected: ...") over the last good frame.
//
// Keyboard and mouse go to the guest (keys as set-1 scancodes, the pointer
// as absolute guest positions: client mouse mode, which vigil requests), except
// F11 (full screen) and F12 (health snapshot on stdout). Keys held when the
// window loses focus are released in the guest. Closing the window ends the
// session cleanly.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "ui/session_runner.hpp"

namespace vigil {

struct viewer_options {
  bool fullscreen = false;
  std::string screenshot_path;  // at exit, the window's content as an image (PNG by extension)
  std::string title;            // a connection file's title; empty: "<VM name> - Vigil"
};

std::unique_ptr<session_frontend> make_viewer_window(caf::actor_system& system, viewer_options options);

}  // namespace vigil
