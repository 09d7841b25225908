#include "event_loop.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

// The opaque types of spice-core.h, defined here.
struct SpiceTimer {
  std::function<void()> callback;
  bool armed = false;
  bool removed = false;
  vigil::test_server::event_loop::clock::time_point due{};
};

struct SpiceWatch {
  int fd = -1;
  int event_mask = 0;
  std::function<void(int fd, int events)> callback;
  bool removed = false;
};

namespace vigil::test_server {
namespace {

event_loop* the_loop = nullptr;  // the core interface's callbacks carry no context

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

short poll_events_for(int spice_mask) {
  short events = 0;
  if (spice_mask & SPICE_WATCH_EVENT_READ)
    events |= POLLIN;
  if (spice_mask & SPICE_WATCH_EVENT_WRITE)
    events |= POLLOUT;
  return events;
}

// Errors and hang-ups are reported as whatever the watch asked for, so
// spice-server's own read or write sees the failure and cleans up.
int spice_events_for(short revents, int spice_mask) {
  int events = 0;
  if (revents & (POLLIN | POLLERR | POLLHUP))
    events |= SPICE_WATCH_EVENT_READ;
  if (revents & (POLLOUT | POLLERR | POLLHUP))
    events |= SPICE_WATCH_EVENT_WRITE;
  return events & spice_mask;
}

SpiceTimer* core_timer_add(SpiceTimerFunc func, void* opaque) {
  the_loop->require_loop_thread("timer_add");
  return the_loop->add_timer([func, opaque] { func(opaque); });
}

void core_timer_start(SpiceTimer* timer, uint32_t ms) {
  the_loop->require_loop_thread("timer_start");
  the_loop->start_timer(timer, std::chrono::milliseconds(ms));
}

void core_timer_cancel(SpiceTimer* timer) {
  the_loop->require_loop_thread("timer_cancel");
  the_loop->cancel_timer(timer);
}

void core_timer_remove(SpiceTimer* timer) {
  the_loop->require_loop_thread("timer_remove");
  the_loop->remove_timer(timer);
}

SpiceWatch* core_watch_add(int fd, int event_mask, SpiceWatchFunc func, void* opaque) {
  the_loop->require_loop_thread("watch_add");
  return the_loop->add_watch(fd, event_mask, [func, opaque](int ready_fd, int events) { func(ready_fd, events, opaque); });
}

void core_watch_update_mask(SpiceWatch* watch, int event_mask) {
  the_loop->require_loop_thread("watch_update_mask");
  the_loop->update_watch(watch, event_mask);
}

void core_watch_remove(SpiceWatch* watch) {
  the_loop->require_loop_thread("watch_remove");
  the_loop->remove_watch(watch);
}

// Posted rather than called: QEMU notes that older spice-servers raised
// display disconnects from the worker thread.
void core_channel_event(int event, SpiceChannelEventInfo* info) {
  const SpiceChannelEventInfo copy = *info;
  the_loop->post([event, copy] {
    if (the_loop->on_channel_event)
      the_loop->on_channel_event(event, copy);
  });
}

SpiceCoreInterface make_core_interface() {
  SpiceCoreInterface core{};
  core.base.type = SPICE_INTERFACE_CORE;
  core.base.description = "vigil test server poll loop";
  core.base.major_version = SPICE_INTERFACE_CORE_MAJOR;
  core.base.minor_version = SPICE_INTERFACE_CORE_MINOR;
  core.timer_add = core_timer_add;
  core.timer_start = core_timer_start;
  core.timer_cancel = core_timer_cancel;
  core.timer_remove = core_timer_remove;
  core.watch_add = core_watch_add;
  core.watch_update_mask = core_watch_update_mask;
  core.watch_remove = core_watch_remove;
  core.channel_event = core_channel_event;
  return core;
}

SpiceCoreInterface core_interface = make_core_interface();

}  // namespace

event_loop::event_loop() : loop_thread_(std::this_thread::get_id()) {
  if (the_loop != nullptr)
    throw std::logic_error("event_loop: only one instance may exist");
  const sigset_t signals = stop_signals();
  if (::pthread_sigmask(SIG_BLOCK, &signals, nullptr) != 0)
    throw std::runtime_error("event_loop: cannot block SIGTERM/SIGINT");
  ::signal(SIGPIPE, SIG_IGN);
  signal_fd_ = ::signalfd(-1, &signals, SFD_CLOEXEC | SFD_NONBLOCK);
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (signal_fd_ < 0 || wake_fd_ < 0)
    throw std::runtime_error(std::string("event_loop: ") + std::strerror(errno));
  on_signal = [this](int) { stop(); };
  the_loop = this;
}

event_loop::~event_loop() {
  ::close(signal_fd_);
  ::close(wake_fd_);
  the_loop = nullptr;
}

SpiceCoreInterface* event_loop::spice_core() { return &core_interface; }

void event_loop::require_loop_thread(const char* what) const {
  if (std::this_thread::get_id() == loop_thread_)
    return;
  // The loop has no locks: a call from elsewhere would be a silent data race.
  std::fprintf(stderr, "vigil-test-server: spice-server called core %s from a foreign thread\n", what);
  std::abort();
}

SpiceTimer* event_loop::add_timer(std::function<void()> callback) {
  timers_.emplace_back();
  timers_.back().callback = std::move(callback);
  return &timers_.back();
}

void event_loop::start_timer(SpiceTimer* timer, std::chrono::milliseconds delay) {
  start_timer_at(timer, clock::now() + delay);
}

void event_loop::start_timer_at(SpiceTimer* timer, clock::time_point due) {
  timer->due = due;
  timer->armed = true;
}

void event_loop::cancel_timer(SpiceTimer* timer) { timer->armed = false; }

void event_loop::remove_timer(SpiceTimer* timer) {
  timer->armed = false;
  timer->removed = true;
}

SpiceWatch* event_loop::add_watch(int fd, int event_mask, std::function<void(int, int)> callback) {
  watches_.emplace_back();
  SpiceWatch& watch = watches_.back();
  watch.fd = fd;
  watch.event_mask = event_mask;
  watch.callback = std::move(callback);
  return &watch;
}

void event_loop::update_watch(SpiceWatch* watch, int event_mask) { watch->event_mask = event_mask; }

void event_loop::remove_watch(SpiceWatch* watch) {
  watch->event_mask = 0;
  watch->removed = true;
}

void event_loop::post(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(posted_mutex_);
    posted_.push_back(std::move(task));
  }
  const std::uint64_t one = 1;
  [[maybe_unused]] const ssize_t written = ::write(wake_fd_, &one, sizeof(one));
}

int event_loop::run() {
  running_ = true;
  stop_signal_ = 0;
  while (running_) {
    sweep_removed();
    std::vector<pollfd> polled{{wake_fd_, POLLIN, 0}, {signal_fd_, POLLIN, 0}};
    std::vector<SpiceWatch*> watched;
    for (SpiceWatch& watch : watches_) {
      if (watch.removed || watch.event_mask == 0)
        continue;
      polled.push_back(pollfd{watch.fd, poll_events_for(watch.event_mask), 0});
      watched.push_back(&watch);
    }
    const int ready = ::poll(polled.data(), polled.size(), poll_timeout_ms());
    if (ready < 0 && errno != EINTR)
      throw std::runtime_error(std::string("event_loop: poll failed: ") + std::strerror(errno));
    if (polled[1].revents & POLLIN)
      read_signals();
    if (polled[0].revents & POLLIN)
      run_posted_tasks();
    if (ready > 0)
      dispatch_ready_watches(polled, watched);
    dispatch_due_timers();
  }
  return stop_signal_;
}

int event_loop::poll_timeout_ms() const {
  const SpiceTimer* next = nullptr;
  for (const SpiceTimer& timer : timers_)
    if (timer.armed && (next == nullptr || timer.due < next->due))
      next = &timer;
  if (next == nullptr)
    return -1;
  const auto remaining = next->due - clock::now();
  if (remaining <= clock::duration::zero())
    return 0;
  // Round up: waking a little early would spin until the timer is due.
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(remaining).count();
  return static_cast<int>(std::min<std::int64_t>(ms, 60 * 60 * 1000));
}

void event_loop::dispatch_due_timers() {
  const auto now = clock::now();
  std::vector<SpiceTimer*> due;
  for (SpiceTimer& timer : timers_)
    if (timer.armed && timer.due <= now)
      due.push_back(&timer);
  // A callback may cancel, re-arm or remove any timer, itself included.
  for (SpiceTimer* timer : due) {
    if (!timer->armed || timer->removed || timer->due > now)
      continue;
    timer->armed = false;
    timer->callback();
  }
}

void event_loop::dispatch_ready_watches(const std::vector<pollfd>& polled, const std::vector<SpiceWatch*>& watched) {
  for (std::size_t i = 0; i < watched.size(); ++i) {
    SpiceWatch* watch = watched[i];
    if (watch->removed)  // removed by an earlier callback in this round
      continue;
    const int events = spice_events_for(polled[i + 2].revents, watch->event_mask);
    if (events != 0)
      watch->callback(watch->fd, events);
  }
}

void event_loop::run_posted_tasks() {
  std::uint64_t count = 0;
  [[maybe_unused]] const ssize_t drained = ::read(wake_fd_, &count, sizeof(count));
  std::vector<std::function<void()>> tasks;
  {
    std::lock_guard<std::mutex> lock(posted_mutex_);
    tasks.swap(posted_);
  }
  for (auto& task : tasks)
    task();
}

void event_loop::read_signals() {
  signalfd_siginfo info{};
  while (::read(signal_fd_, &info, sizeof(info)) == static_cast<ssize_t>(sizeof(info))) {
    stop_signal_ = static_cast<int>(info.ssi_signo);
    on_signal(stop_signal_);
  }
}

void event_loop::sweep_removed() {
  timers_.remove_if([](const SpiceTimer& timer) { return timer.removed; });
  watches_.remove_if([](const SpiceWatch& watch) { return watch.removed; });
}

}  // namespace vigil::test_server
