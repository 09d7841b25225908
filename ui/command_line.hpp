// The command line: `vigil [options] URI`, `vigil [options] FILE.vv` or
// `vigil --file FILE.vv [options] [URI]`, turned into session options. What
// the command line gives explicitly overrides the connection file.
#pragma once

#include <optional>
#include <ostream>
#include <string>

#include "actors/session.hpp"
#include "ui/hotkeys.hpp"
#include "ui/settings.hpp"

namespace vigil {

struct run_request {
  session_options session;
  spdlog::level::level_enum log_level = spdlog::level::info;
  bool headless = false;
  std::optional<double> duration_s;  // exit after this long
  std::string dump_primary_path;     // write the primary surface here at exit
  bool fullscreen = false;
  std::string screenshot_path;       // window mode: the window's content at exit
  std::string window_title;          // -t, else a connection file's title; empty: the default
  hotkey_map hotkeys;                // defaults, config, connection file, --hotkeys, kiosk: in that order
  viewer_settings viewer;            // [keyboard], [hotkeys], [send_keys]
  bool kiosk = false;
  bool kiosk_quit_on_disconnect = false;
  std::string window_presentation = "auto";  // window.presentation (VIGIL_PRESENTATION overrides it)
};

struct command_line_result {
  std::optional<run_request> request;
  std::optional<int> exit_now;  // --help / --version, or a usage error (message already printed)
};

command_line_result parse_command_line(int argc, char** argv);

// vigil(1), generated from the same option table as --help.
void write_man_page(std::ostream& out);

}  // namespace vigil
