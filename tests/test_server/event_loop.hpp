// A single-threaded poll(2) loop that is also spice-server's SpiceCoreInterface
// (timers, fd watches, channel events). spice-server calls the core interface
// only from the thread that runs the loop; its display worker thread has its
// own loop and reaches ours through post().
//
// SIGTERM and SIGINT are blocked in every thread (the constructor runs before
// spice-server starts any) and read through a signalfd, so a signal is an
// ordinary event here rather than an interruption somewhere inside the library.
#pragma once

#include <poll.h>
#include <spice.h>

#include <chrono>
#include <functional>
#include <list>
#include <mutex>
#include <thread>
#include <vector>

namespace vigil::test_server {

class event_loop {
public:
  using clock = std::chrono::steady_clock;

  event_loop();
  ~event_loop();
  event_loop(const event_loop&) = delete;
  event_loop& operator=(const event_loop&) = delete;

  // The interface handed to spice_server_init. Only one event_loop may exist.
  SpiceCoreInterface* spice_core();

  // Runs until stop(); returns the signal number that stopped it, or 0.
  int run();
  void stop() { running_ = false; }

  // Queues `task` to run on the loop thread; callable from any thread.
  void post(std::function<void()> task);

  std::function<void(int signal_number)> on_signal;           // default: stop()
  std::function<void(int event, const SpiceChannelEventInfo&)> on_channel_event;

  // Timers for the harness itself (the same ones spice-server gets).
  SpiceTimer* add_timer(std::function<void()> callback);
  void start_timer(SpiceTimer* timer, std::chrono::milliseconds delay);
  void start_timer_at(SpiceTimer* timer, clock::time_point due);
  void cancel_timer(SpiceTimer* timer);
  void remove_timer(SpiceTimer* timer);

  SpiceWatch* add_watch(int fd, int event_mask, std::function<void(int fd, int events)> callback);
  void update_watch(SpiceWatch* watch, int event_mask);
  void remove_watch(SpiceWatch* watch);

  void require_loop_thread(const char* what) const;

private:
  void dispatch_due_timers();
  void dispatch_ready_watches(const std::vector<pollfd>& polled, const std::vector<SpiceWatch*>& watched);
  void run_posted_tasks();
  void read_signals();
  int poll_timeout_ms() const;
  void sweep_removed();

  std::list<SpiceTimer> timers_;  // std::list: spice-server holds pointers into it
  std::list<SpiceWatch> watches_;
  std::mutex posted_mutex_;
  std::vector<std::function<void()>> posted_;
  int wake_fd_ = -1;    // eventfd: post() from another thread interrupts poll()
  int signal_fd_ = -1;
  bool running_ = false;
  int stop_signal_ = 0;
  std::thread::id loop_thread_;
};

}  // namespace vigil::test_server
