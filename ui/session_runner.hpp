// Runs one supervised session to its end, with or without a window: waits for
// the session to give up, for --duration to pass, for SIGINT/SIGTERM, or for
// the frontend (the window) to be closed; prints the health snapshot as one
// JSON line on stdout on SIGUSR1 (or the frontend's request) and at exit;
// shuts the session down and returns the exit status.
//
// The main thread sleeps in poll(2) until an actor message arrives
// (ui/ui_inbox.hpp), an X connection has events, a signal comes, or a
// deadline (the duration, the frontend's next_pump()) passes: an idle client
// costs nothing.
#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/agent_events.hpp"
#include "actors/renderer.hpp"
#include "actors/session.hpp"
#include "supervisors/health_snapshot.hpp"
#include "supervisors/session_supervisor.hpp"
#include "ui/credential_form.hpp"
#include "ui/guest_link.hpp"
#include "ui/readable_fds.hpp"

namespace vigil {

struct run_signals {
  std::atomic<bool> stop_requested{false};
  std::atomic<bool> snapshot_requested{false};
  // While a session runs: written by a signal handler (signal_wake_fd) so the
  // main thread wakes to look at the flags above.
  std::atomic<int> wake_fd{-1};
};

struct session_run {
  session_options session;
  std::optional<double> duration_s;
  std::string dump_primary_path;
};

// What shows the session to a person. The runner owns the loop; a frontend
// only reacts. Headless runs have none.
class session_frontend {
public:
  virtual ~session_frontend() = default;
  // Before the session starts: e.g. spawn a renderer and subscribe to it.
  // `mailbox` is where actors send to the main thread (ui/ui_inbox.hpp);
  // `self` sends from it.
  virtual void attach(caf::scoped_actor& self, const caf::actor& mailbox, session_options& options) = 0;
  // Where input and agent commands go: straight to the current inputs and
  // main channels (ui/guest_link.hpp). The runner owns the link; it outlives
  // the frontend's use of it. `supervisor` takes what the person asks of the
  // session (health, reconnect now).
  virtual void connect(guest_link& link, const session_supervisor_actor& supervisor) = 0;
  // The file descriptors whose input is for pump() (the X connections): the
  // loop sleeps until one is readable, a message arrives, or next_pump().
  virtual std::vector<int> event_fds() const = 0;
  // When pump() must run even if nothing arrives: now when events already
  // wait in a connection's queue, or a deadline (a debounced resize). Called
  // just before the sleep: it sends what each connection has buffered.
  virtual std::optional<std::chrono::steady_clock::time_point> next_pump() = 0;
  // Handles the user's input and draws; returns an exit status when the user
  // ended it. `readable`: which event_fds() poll(2) found readable before
  // this pump (none before the first sleep): only those need a read, the
  // others have what next_pump() found already queued.
  virtual std::optional<exit_status> pump(caf::scoped_actor& self, bool& snapshot_requested,
                                          const readable_fds& readable) = 0;
  // What changed on screen (actors/renderer.hpp); answered with
  // (frame_shown_atom) to the renderer once it is shown.
  virtual void show_update(caf::scoped_actor& self, const screen_update& update) = 0;
  virtual void show_status(session_phase phase, const std::string& text) = 0;
  virtual void show_vm_name(const std::string& name) = 0;
  virtual void set_mouse_mode(std::uint16_t mode) = 0;  // SPICE_MOUSE_MODE_*
  // What the guest's agent said (actors/agent_events.hpp); answers and the
  // window's own clipboard grabs and monitor configs go back through the
  // guest link.
  virtual void on_agent_event(caf::scoped_actor& self, const agent_event& event) = 0;
  // The answer to a (health_atom) the frontend sent the session supervisor
  // on the mailbox's behalf (caf::send_as): it never waits for it.
  virtual void show_health(const session_health&) {}
  // The server refused the credentials: ask the person for them (a masked
  // password field over the last frame; also a user name for SASL). Nothing
  // when they cancelled or nobody can be asked. Called after run_session
  // returned, before finish().
  virtual std::optional<credentials_answer> ask_credentials(const std::string& why, bool ask_username,
                                                            const std::string& username) {
    (void)why, (void)ask_username, (void)username;
    return std::nullopt;
  }
  // At exit, after the snapshot: e.g. write a screenshot. The caller of
  // run_session calls it once, after the last run (a refused password may be
  // asked for and the session run again in the same window).
  virtual void finish() = 0;
};

// What a session's end means for vigil's exit: the code, and for a refused
// password whether asking again wants a SASL user name or a new ticket.
exit_status status_of(const session_end& end);

exit_status run_session(caf::actor_system& system, session_run run, run_signals& signals,
                        session_frontend* frontend);

}  // namespace vigil
