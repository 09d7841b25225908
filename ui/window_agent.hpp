// The viewer window's side of the guest's vdagent: the X CLIPBOARD and
// PRIMARY selections both ways (x11_clipboard.hpp), files dropped on the
// window sent to the guest (x11_file_drop.hpp), and the guest's screen size
// following the window's.
//
// Guest -> local: on a guest grab the window takes the selection and asks
// for the guest's data at once (eagerly, so a local paste never waits on a
// guest round trip; the cost is one transfer per guest copy), in one type:
// text if the guest has it, else PNG, else BMP (converted to PNG for local
// clients, ui/clipboard_image.hpp), else the first image type. Local ->
// guest: a local copy becomes a grab in the guest with the types the local
// owner has; the guest's request is answered when the owner gives the data.
// A drop of files sends each to the guest (FILE_XFER); their progress and
// outcome are kept for the window to show and logged. A window resize asks
// the guest for a screen of that size once the size has settled
// (`agent_settings::resize_debounce`), never for the size the window only
// took from the guest.
//
// Every message for the guest goes to `send`, as one of actors/agent_events.hpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <SFML/System/Vector2.hpp>

#include "actors/agent_events.hpp"
#include "protocol/display_messages.hpp"
#include "actors/session.hpp"
#include "ui/readable_fds.hpp"
#include "ui/x11_clipboard.hpp"
#include "ui/x11_file_drop.hpp"

namespace vigil {

class window_agent {
public:
  using send_function = std::function<void(agent_command)>;
  // `window`: the viewer window's X id, for drops (0: no drops).
  window_agent(const agent_settings& settings, unsigned long window, send_function send);

  // What the guest's agent said.
  void on_agent_event(const agent_event& event);
  // The guest's heads, as the display's last MONITORS_CONFIG placed them.
  void set_heads(const std::vector<protocol::monitor_head>& heads);
  // The window's size changed to `size`; `guest_size` is the picture's (0x0: none yet).
  void window_resized(sf::Vector2u size, sf::Vector2u guest_size);
  // One window per head (ui/head_windows.hpp): a window's size changed, the
  // windows ask for `wanted`; nothing is asked while it is `current`.
  void heads_resized(std::vector<monitor_placement> wanted, const std::vector<monitor_placement>& current);
  // The local clipboard's news, drops and a settled resize, due by now;
  // `readable` says which connections have something to read.
  void pump(std::chrono::steady_clock::time_point now, sf::Vector2u guest_size, const readable_fds& readable);
  // Sends a file to the guest (a drop, the menu).
  void send_file(const std::string& path);
  void cancel_file(std::uint32_t id);
  // The X connections (clipboard, drops; -1: none), whether they have events
  // already queued (sending what they buffered), and when pump() must run
  // next even if no event comes.
  std::vector<int> connection_fds() const;
  bool events_waiting() const;
  std::optional<std::chrono::steady_clock::time_point> next_deadline() const;

  // File transfers for the window to show: running ones, and the last ended.
  using file_transfer = file_progress;
  const std::map<std::uint32_t, file_transfer>& file_transfers() const { return transfers_; }
  const std::optional<file_transfer>& last_finished_transfer() const { return last_finished_; }
  // A line for the window's notice since the last call: a transfer started,
  // passed another tenth of its size, or ended (and how).
  std::optional<std::string> take_file_notice() { return std::exchange(file_notice_, std::nullopt); }

private:
  agent_settings settings_;
  send_function send_;
  std::unique_ptr<x11_clipboard> clipboard_;
  std::unique_ptr<x11_file_drop> drop_;
  bool monitors_config_ = false;  // the agent takes MONITORS_CONFIG
  std::vector<monitor_placement> heads_;
  std::optional<sf::Vector2u> pending_guest_size_;
  std::optional<std::vector<monitor_placement>> pending_layout_;  // due with guest_size_due_ too
  std::chrono::steady_clock::time_point guest_size_due_;
  std::map<std::uint32_t, file_transfer> transfers_;
  std::optional<file_transfer> last_finished_;
  std::optional<std::string> file_notice_;
};

}  // namespace vigil
