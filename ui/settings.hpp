// Vigil's settings: built-in defaults (documented, key by key, in
// config/vigil.toml, which states exactly these values) overridden by an
// optional TOML file. Unknown keys and out-of-range values are errors that
// name the file, the key and what was expected.
#pragma once

#include <optional>
#include <string>

#include <spdlog/common.h>

#include "actors/session.hpp"

namespace vigil {

struct settings {
  connection_settings connection;  // host, ports, TLS and password come from the command line
  protocol::display_init_request display_init{1, 20 * 1024 * 1024, 0, 4 * 1024 * 1024};
  supervision_settings supervision;
  std::size_t main_status_edge_capacity = 4;
  bool client_mouse_mode = true;
  agent_settings agent;
  bool audio_enabled = true;
  playback_options playback;
  protocol::jitter_settings audio_buffer;
  std::chrono::milliseconds health_deadline{1000};
  spdlog::level::level_enum log_level = spdlog::level::info;
};

struct settings_result {
  std::optional<settings> value;
  std::string error;
};

// Reads `path` on top of the defaults.
settings_result load_settings_file(const std::string& path);

}  // namespace vigil
