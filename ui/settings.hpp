// Vigil's settings: built-in defaults (documented, key by key, in
// config/vigil.toml, which states exactly these values) overridden by an
// optional TOML file. Unknown keys and out-of-range values are errors that
// name the file, the key and what was expected.
#pragma once

#include <optional>
#include <map>
#include <string>

#include <spdlog/common.h>

#include "actors/session.hpp"
#include "ui/hotkeys.hpp"
#include "ui/key_names.hpp"
#include "ui/window_scaling.hpp"

namespace vigil {

// What the window does with the keyboard: [keyboard], [hotkeys], [send_keys].
struct viewer_settings {
  bool grab_keyboard = true;
  // [hotkeys] in file order, each already checked (ui/hotkeys.hpp applies them).
  std::vector<std::pair<hotkey_action, std::string>> hotkeys;
  // The menu's "Send key" items: remote-viewer's, and Alt+SysRq.
  std::vector<key_combination> send_keys = default_send_keys();
  // The menu's corner button: shown when the pointer is near it, always, or never.
  enum class menu_button { near, always, never };
  menu_button corner_button = menu_button::near;
  // Where the menu's Screenshot goes; "": ~/Pictures if it exists, else ~.
  std::string screenshot_directory;
  // window.zoom, window.scale_to_fit, window.integer_scaling (-z overrides the zoom).
  scaling_settings scaling;
  // --monitor-mapping: in full screen, guest monitor -> client monitor (ui/monitor_mapping.hpp).
  std::map<int, int> monitor_mapping;

  static std::vector<key_combination> default_send_keys();
};

struct settings {
  connection_settings connection;  // host, ports, TLS and password come from the command line
  protocol::display_init_request display_init{1, 20 * 1024 * 1024, 0, 1024 * 1024};
  video_settings video;
  supervision_settings supervision;
  std::size_t main_status_edge_capacity = 4;
  bool client_mouse_mode = true;
  agent_settings agent;
  bool audio_enabled = true;
  record_options record;  // make_capture is set by main, not by the file
  playback_options playback;
  protocol::jitter_settings audio_buffer;
  protocol::memory_limits memory;
  std::chrono::milliseconds health_deadline{1000};
  spdlog::level::level_enum log_level = spdlog::level::info;
  viewer_settings viewer;
  std::string window_presentation = "auto";  // window.presentation: "auto", "xshm" or "gl"
};

struct settings_result {
  std::optional<settings> value;
  std::string error;
};

// Reads `path` on top of the defaults.
settings_result load_settings_file(const std::string& path);

}  // namespace vigil
