// The main thread's mailbox, as something poll(2) can wait on.
//
// Actors address the UI through an actor of this inbox (on a CAF worker): it
// queues every message it gets and signals an eventfd. The main thread sleeps
// in poll() on that eventfd and on the X connections (no fixed-interval
// polling: an idle client sleeps) and takes the queued messages when it
// wakes. The queue needs no bound of its own: every stream into the UI is
// bounded by its sender (the renderer's one update in flight, the agent
// events' fault edge; status changes are few).
#pragma once

#include <deque>
#include <memory>
#include <mutex>

#include <caf/actor.hpp>
#include <caf/actor_control_block.hpp>
#include <caf/actor_system.hpp>
#include <caf/message.hpp>

namespace vigil {

class ui_inbox {
public:
  explicit ui_inbox(caf::actor_system& system);
  ~ui_inbox();  // the inbox actor quits; messages still on their way are dropped
  ui_inbox(const ui_inbox&) = delete;
  ui_inbox& operator=(const ui_inbox&) = delete;

  // Where actors send what the UI should see.
  const caf::actor& address() const { return actor_; }
  // Readable when messages wait (or wake() was called).
  int wake_fd() const;
  // A message and who sent it (acknowledgements go back to the sender).
  struct delivery {
    caf::strong_actor_ptr sender;
    caf::message content;
  };
  // Every message queued so far, oldest first.
  std::deque<delivery> take();
  // Makes wake_fd() readable; async-signal-safe through wake_fd_for_signals.
  void wake() const;

  // The shared queue between the inbox actor and the main thread.
  struct queue;

private:
  std::shared_ptr<queue> queue_;
  caf::actor actor_;
};

// Makes `fd` (an eventfd) readable; safe in a signal handler.
void signal_wake_fd(int fd);

}  // namespace vigil
