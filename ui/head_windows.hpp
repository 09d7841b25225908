// Several monitors: one SFML window per guest head, as remote-viewer shows
// one window per monitor. The viewer window shows the first head (display
// 0's first); this part shows every other head in a window of its own, each
// with its own presentation (ui/presentation.hpp), and says which heads
// there are and what size each window asks the guest for.
//
// Every display's frames come through route(): a display's primary is kept
// (ui/head_frames.hpp) and each head's frame is cut from it, so one channel
// with two heads and two channels of one head each look the same here. The
// main loop stays asleep while idle: SFML's X connection is shared by all of
// its windows (the viewer window's sfml_connection wakes the loop for these
// too), and an X-image presentation's own connection is in event_fds().
//
// The pointer over a head window reaches the guest at that head's pixels
// (`hooks::pointer`); keys typed there are the guest's as in the viewer
// window (x11_keyboard watches these windows too, see windows(); where keys
// come from SFML, `hooks::key`). Closing a head's
// window disables that head in the guest, as remote-viewer does; the
// Monitors menu (toggle) enables it again.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <SFML/Graphics/Rect.hpp>
#include <SFML/Graphics/RenderWindow.hpp>

#include "actors/agent_events.hpp"
#include "actors/frame_patch.hpp"
#include "ui/head_frames.hpp"
#include "ui/menu_entries.hpp"
#include "ui/presentation.hpp"
#include "ui/readable_fds.hpp"
#include "ui/window_scaling.hpp"

namespace vigil {

class head_windows {
public:
  struct hooks {
    std::function<std::string(std::size_t)> title;  // of the n-th head's window (1: the viewer window's)
    std::function<void()> resized;                 // a head window's size changed (the guest may be asked)
    std::function<sf::IntRect()> first_window;     // where the viewer window is: head windows go to its right
    // A pointer event (motion, button, wheel) in a head's window, with where that window's picture comes from.
    std::function<void(const sf::Event&, const pointer_target&)> pointer;
    std::function<void(sf::Keyboard::Key, bool pressed)> key;  // SFML's key event in a head's window
  };
  head_windows(presentation_choice choice, hooks hooks);
  ~head_windows();
  head_windows(const head_windows&) = delete;
  head_windows& operator=(const head_windows&) = delete;

  // A display's frame. What the viewer window shows: display 0's frame as it
  // came while it is the only head, else its first head cut out; null for
  // the other displays (their heads are shown here).
  frame_patch_ptr route(std::uint32_t display, const frame_patch_ptr& frame);
  // route() could not cut the display's heads (no copy of its picture):
  // true once, and the display's renderer should be asked for a whole frame.
  bool take_whole_request(std::uint32_t display) { return whole_wanted_.erase(display) != 0; }
  // More than one head is shown (each in its window).
  bool several() const { return !windows_.empty(); }
  // The monitors config the windows ask for: every head at its window's size
  // (`first`: the viewer window's, in guest pixels), side by side left to
  // right in agent-id order. current(): the same for the guest's heads as
  // they are (nothing to ask when both are equal).
  std::vector<monitor_placement> layout(sf::Vector2u first) const;
  std::vector<monitor_placement> current() const;
  // The heads but the first, for the menu: "Monitor N (WxH)", enabled or
  // not; toggle(i) disables the i-th in layout() (the guest then drops it
  // and its window goes) or enables it again at its last size.
  std::vector<monitor_entry> monitors() const;
  void toggle(std::size_t index);

  // The head windows' X window ids (SFML's system handles), for the keyboard.
  std::vector<unsigned long> windows() const;

  std::vector<int> event_fds() const;
  bool events_waiting();
  // Handles the head windows' events and draws what changed; `readable`
  // says which presentations' connections have something to read.
  void pump(const readable_fds& readable);
  // A presentation still reads the last frame (the next one must wait).
  bool presenting() const;
  // The titles changed (the VM's name, the session's state).
  void retitle();
  // The viewer window moved or changed size: the head windows go to its right again.
  void arrange();
  // Full screen on or off: with a --monitor-mapping, each head's window
  // fills its client monitor (an unmapped head's is hidden); without one,
  // they stay windows.
  void set_fullscreen(bool on, const std::map<int, int>& mapping);

private:
  struct head_window;
  std::vector<monitor_placement> placements(const std::function<sf::Vector2u(const guest_head&)>& size_of) const;

  presentation_choice choice_;
  hooks hooks_;
  std::map<std::uint32_t, std::vector<guest_head>> heads_;  // by display
  std::map<std::uint32_t, display_mirror> mirrors_;
  std::set<std::uint32_t> whole_wanted_;  // displays whose mirror waits for a whole frame
  protocol::rect first_area_;  // what the viewer window shows of display 0
  std::vector<std::unique_ptr<head_window>> windows_;  // by (display, monitor)
  std::map<std::uint32_t, sf::Vector2u> disabled_;      // by agent id: heads the person turned off, their size
  std::map<std::uint32_t, sf::Vector2u> enabling_;      // turned on again, until the guest shows them
  bool fullscreen_ = false;
  std::map<int, int> mapping_;  // --monitor-mapping
  void place(head_window& shown);
};

}  // namespace vigil
