// Files dropped on the viewer window (the XDND protocol, version 5), on an
// Xlib connection of its own. SFML's window cannot take XDND messages, so
// the window is marked XdndAware with an XdndProxy naming a hidden window of
// ours: drag sources (GTK, Qt, any that honour XdndProxy) then talk to it.
// A drop of text/uri-list is accepted as a copy; pump() returns the local
// paths of the dropped file:// URIs. Nothing here blocks.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace vigil {

class x11_file_drop {
public:
  using clock = std::chrono::steady_clock;
  // `target`: the viewer window's X id. Without an X server it does nothing.
  explicit x11_file_drop(unsigned long target);
  ~x11_file_drop();
  x11_file_drop(const x11_file_drop&) = delete;
  x11_file_drop& operator=(const x11_file_drop&) = delete;

  int connection_fd() const;
  bool events_waiting() const;
  std::optional<clock::time_point> next_deadline() const { return drop_deadline_; }
  // Handles pending X events; the paths of a drop that completed. Reads the
  // connection only when `socket_readable` (poll(2) said so): otherwise it
  // handles what Xlib already queued. events_waiting() reads nothing.
  std::vector<std::string> pump(clock::time_point now, bool socket_readable);

  static constexpr std::chrono::milliseconds wait_limit{5000};
  static constexpr std::size_t max_uri_list_bytes = 1 << 20;

private:
  struct display;
  void on_client_message(void* event);
  std::vector<std::string> on_selection(void* event);
  void finish(bool accepted);

  display* display_ = nullptr;
  unsigned long source_ = 0;  // the drag source's window, between enter and finish
  bool offers_uri_list_ = false;
  std::optional<clock::time_point> drop_deadline_;  // a drop waiting for the data
};

}  // namespace vigil
