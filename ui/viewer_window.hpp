// The SFML viewer window, on the main thread (SFML and OpenGL contexts are
// thread-bound): the session's picture, cursor and state, and the user's
// keyboard, mouse and clipboard for the guest. Its parts, one concern each:
// a presentation (frames, drawing, the status banner), window_input (keys and
// pointer), window_cursor (the guest's cursor), window_agent (clipboard and
// guest resize). Closing the window ends the session cleanly.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "actors/audio_capture.hpp"
#include "ui/hotkeys.hpp"
#include "ui/presentation.hpp"
#include "ui/session_runner.hpp"
#include "ui/settings.hpp"

namespace vigil {

struct viewer_options {
  bool fullscreen = false;
  std::string screenshot_path;  // at exit, the window's content as an image (PNG by extension)
  std::string title;            // -t or a connection file's title ("%d": the monitor); empty: the VM's name
  hotkey_map hotkeys = hotkey_map::defaults();
  viewer_settings settings;
  bool kiosk = false;
  bool kiosk_quit_on_disconnect = false;
  presentation_choice presentation = presentation_choice::automatic;  // window.presentation
  // The record channel's mute switch (the menu's Mute microphone); null
  // when the record channel is off.
  std::shared_ptr<microphone_switch> microphone;
};

std::unique_ptr<session_frontend> make_viewer_window(caf::actor_system& system, viewer_options options);

}  // namespace vigil
