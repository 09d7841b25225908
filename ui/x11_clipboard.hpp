// The X CLIPBOARD and PRIMARY selections for the guest's agent, on an Xlib
// connection of its own with a hidden window (SFML 2.5's sf::Clipboard
// cannot say when another client takes a selection, nor answer requests
// without blocking). Selections and types are vdagent's numbers
// (VD_AGENT_CLIPBOARD_SELECTION_*, VD_AGENT_CLIPBOARD_*): text is offered to
// X clients as UTF8_STRING/STRING/TEXT/text/plain;charset=utf-8, images as
// their MIME type (image/png, image/bmp, image/tiff, image/jpeg).
//
// Guest -> local: when the guest grabs, own_for_guest() takes the selection
// for one type; the window asks the guest for that data at once (eagerly)
// and hands it to set_guest_data(). Requests from other X clients are
// answered from it; ones that arrive before it are held (at most
// `max_waiting`, at most `wait_limit`) and answered when it comes, or
// refused. Data over `incr_chunk` bytes goes by the INCR protocol, a chunk
// each time the requestor deletes the property.
// Local -> guest: XFixes tells when another client takes a selection; the
// owner's TARGETS say which types it has, and pump() reports them as a grab
// for the guest. When the guest asks for a type, request_local() converts
// the selection and pump() reports the data when the owner answers (INCR
// included), empty after `wait_limit`, on refusal, or past `max_bytes`.
//
// Nothing here blocks: every X round trip is an event that pump() handles.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace vigil {

class x11_clipboard {
public:
  using clock = std::chrono::steady_clock;
  struct action {
    enum class kind { grab, release, data } what;
    std::uint8_t selection = 0;
    std::vector<std::uint32_t> types;  // kind::grab
    std::uint32_t type = 0;            // kind::data
    std::string data;                  // kind::data
  };

  // Without an X server it does nothing. `primary`: watch PRIMARY too.
  x11_clipboard(std::size_t max_bytes, bool primary);
  ~x11_clipboard();
  x11_clipboard(const x11_clipboard&) = delete;
  x11_clipboard& operator=(const x11_clipboard&) = delete;

  bool available() const { return display_ != nullptr; }

  // Handles pending X events and deadlines; what the guest should hear.
  // Reads the connection only when `socket_readable` (poll(2) said so):
  // otherwise it handles what Xlib already queued.
  std::vector<action> pump(clock::time_point now, bool socket_readable);
  // For a loop that sleeps until pump() has work: the connection's file
  // descriptor (-1 without X), whether events are already read and waiting
  // (sends the buffered requests first; reads nothing), and the next
  // deadline pump() has to keep.
  int connection_fd() const;
  bool events_waiting() const;
  std::optional<clock::time_point> next_deadline() const;

  void own_for_guest(std::uint8_t selection, std::uint32_t type);
  void set_guest_data(std::uint8_t selection, std::uint32_t type, std::string data);
  void guest_released(std::uint8_t selection);
  void request_local(std::uint8_t selection, std::uint32_t type, clock::time_point now);

  static constexpr std::chrono::milliseconds wait_limit{2000};
  static constexpr std::size_t max_waiting = 8;
  static constexpr std::size_t incr_chunk = 64 * 1024;  // under X's 256 KiB request limit
  static constexpr std::size_t max_incr_out = 8;  // INCR answers in flight

private:
  struct display;
  // A SelectionRequest held until the guest's data arrives (X ids as unsigned long).
  struct waiting_request {
    unsigned long requestor, selection, target, property, time;
    clock::time_point deadline;
  };
  // An INCR answer in progress: the next chunk goes when the requestor
  // deletes the property.
  struct incr_out {
    unsigned long requestor, property, type;
    std::shared_ptr<const std::string> data;
    std::size_t offset = 0;
    clock::time_point deadline;
  };
  struct selection_state {
    unsigned long atom = 0, property = 0;
    bool own = false;  // we hold it for the guest
    std::uint32_t guest_type = 0;
    std::shared_ptr<const std::string> guest_data;  // once fetched
    std::vector<waiting_request> waiting;
    bool local_owner = false;  // another X client owns it (and the guest was told)
    enum class step { none, targets, data } local_step = step::none;
    std::uint32_t local_type = 0;
    std::optional<clock::time_point> local_deadline;
    bool incr_in = false;  // the owner answers by INCR: chunks go to `incoming`
    std::string incoming;
  };

  selection_state* state_of(unsigned long atom);
  void answer(const selection_state* state, const waiting_request& request, bool with_data);
  void on_event(void* event, std::vector<action>& out);
  void on_local_answer(selection_state& state, unsigned long property, std::vector<action>& out);
  void on_incr_chunk(selection_state& state, std::vector<action>& out);
  void finish_local(selection_state& state, std::string data, std::vector<action>& out);
  void send_incr_chunk(incr_out& transfer);
  bool read_property(unsigned long window, unsigned long property, std::string& out, unsigned long& type,
                     std::size_t limit);
  std::uint8_t number_of(const selection_state& state) const;

  display* display_ = nullptr;
  std::size_t max_bytes_;
  std::vector<selection_state> selections_;  // [0] CLIPBOARD, [1] PRIMARY (if watched)
  std::vector<incr_out> incr_out_;
};

}  // namespace vigil
