// The X CLIPBOARD selection for the guest's agent, on an Xlib connection of
// its own with a hidden window (SFML 2.5's sf::Clipboard cannot say when
// another client takes the clipboard, nor answer requests without blocking).
//
// Guest -> local: when the guest grabs, own_for_guest() takes CLIPBOARD; the
// window asks the guest for its text at once (eagerly) and hands it to
// set_guest_text(). Requests from other X clients are answered from that
// text; ones that arrive before it are held (at most `max_waiting`, at most
// `wait_limit`) and answered when it comes, or refused.
// Local -> guest: XFixes tells when another client takes CLIPBOARD; pump()
// reports it as a grab for the guest. When the guest asks for the text,
// request_local_text() converts the selection and pump() reports the text
// when the owner answers (empty after `wait_limit` or on refusal).
//
// Nothing here blocks: every X round trip is an event that pump() handles.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace vigil {

class x11_clipboard {
public:
  using clock = std::chrono::steady_clock;
  struct action {
    enum class kind { grab, release, text } what;
    std::string text;  // kind::text
  };

  explicit x11_clipboard(std::size_t max_text_bytes);  // without an X server it does nothing
  ~x11_clipboard();
  x11_clipboard(const x11_clipboard&) = delete;
  x11_clipboard& operator=(const x11_clipboard&) = delete;

  bool available() const { return display_ != nullptr; }

  // Handles pending X events and deadlines; what the guest should hear.
  std::vector<action> pump(clock::time_point now);
  // For a loop that sleeps until pump() has work: the connection's file
  // descriptor (-1 without X), whether events are already read and waiting,
  // and the next deadline pump() has to keep.
  int connection_fd() const;
  bool events_waiting() const;
  std::optional<clock::time_point> next_deadline() const;

  void own_for_guest();
  void set_guest_text(std::string text);
  void guest_released();
  void request_local_text(clock::time_point now);

  static constexpr std::chrono::milliseconds wait_limit{2000};
  static constexpr std::size_t max_waiting = 8;

private:
  struct display;
  // A SelectionRequest held until the guest's text arrives (X ids as unsigned long).
  struct waiting_request {
    unsigned long requestor, selection, target, property, time;
    clock::time_point deadline;
  };
  void answer(const waiting_request& request, bool with_text);
  void on_event(void* event, std::vector<action>& out);
  std::string read_local_text(unsigned long property);

  display* display_ = nullptr;
  std::size_t max_text_bytes_;
  bool own_ = false;                       // we hold CLIPBOARD for the guest
  std::optional<std::string> guest_text_;  // what the guest copied, once fetched
  std::vector<waiting_request> waiting_;
  std::optional<clock::time_point> local_request_deadline_;
  bool local_owner_ = false;  // another X client owns CLIPBOARD (and the guest was told)
};

}  // namespace vigil
