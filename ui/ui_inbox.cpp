#include "ui/ui_inbox.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <stdexcept>
#include <system_error>

#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>

namespace vigil {

namespace {

using inbox_never_sent_atom = caf::atom_constant<caf::atom("inboxnone")>;

}  // namespace

struct ui_inbox::queue {
  std::mutex mutex;
  std::deque<ui_inbox::delivery> messages;
  int event_fd = -1;
  ~queue() {
    if (event_fd >= 0)
      ::close(event_fd);
  }
};

void signal_wake_fd(int fd) {
  if (fd < 0)
    return;
  const std::uint64_t one = 1;
  ssize_t written = ::write(fd, &one, sizeof(one));
  (void)written;  // EAGAIN: the counter is already far from zero, which is as good
}

namespace {

// Everything it receives goes to the queue: the inbox has no interface of its
// own, it is the UI's mailbox.
caf::behavior inbox_actor(caf::event_based_actor* self, std::shared_ptr<ui_inbox::queue> shared) {
  self->set_default_handler([shared](caf::scheduled_actor* self, caf::message_view& received) -> caf::result<caf::message> {
    {
      std::lock_guard<std::mutex> lock(shared->mutex);
      shared->messages.push_back({self->current_sender(), received.move_content_to_message()});
    }
    signal_wake_fd(shared->event_fd);
    return caf::message{};
  });
  return {[](inbox_never_sent_atom) {}};
}

}  // namespace

ui_inbox::ui_inbox(caf::actor_system& system) : queue_(std::make_shared<queue>()) {
  queue_->event_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (queue_->event_fd < 0)
    throw std::system_error(errno, std::generic_category(), "eventfd for the UI's mailbox");
  actor_ = system.spawn(inbox_actor, queue_);
}

ui_inbox::~ui_inbox() { caf::anon_send_exit(actor_, caf::exit_reason::user_shutdown); }

int ui_inbox::wake_fd() const { return queue_->event_fd; }

std::deque<ui_inbox::delivery> ui_inbox::take() {
  std::uint64_t count = 0;
  ssize_t got = ::read(queue_->event_fd, &count, sizeof(count));  // reset first: a later push wakes again
  (void)got;
  std::deque<delivery> taken;
  std::lock_guard<std::mutex> lock(queue_->mutex);
  taken.swap(queue_->messages);
  return taken;
}

void ui_inbox::wake() const { signal_wake_fd(queue_->event_fd); }

}  // namespace vigil
