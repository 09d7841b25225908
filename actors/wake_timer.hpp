// wake_timer: the pending wake-ups of one actor, from a thread of its own,
// for an actor that states all its upcoming wake-ups again whenever they
// change (the display channel: when each waiting video picture is due).
//
// Why not CAF's delayed_send: every delayed_send wakes CAF's clock thread
// (it takes the timer in, then sleeps again), and a timer cannot be
// withdrawn, so one that is no longer needed still fires, waking the clock
// thread and then a scheduler worker for a message that finds nothing to do.
// On a video stream that cost four thread switches a picture (perf sched,
// mjpeg-video headless).
//
// Here the thread sleeps on a timerfd set to the earliest wake-up. Stating
// the wake-ups sets that timer from the caller's thread (one system call,
// none when the earliest is unchanged) and wakes nobody: a wake-up withdrawn
// or moved later before its time costs the timer's thread nothing. On a
// steady stream, where each frame's arrival shows the picture due then, the
// thread sleeps throughout (a condition variable's thread had to wake at the
// withdrawn time, a switch a picture, to learn it was withdrawn).
//
// `wake` runs on the timer's thread, once for each time a wake-up is reached
// (several reached at once: once): it should only send a message
// (caf::anon_send). Destruction stops and joins the thread; `wake` is not
// called after the destructor returns.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace vigil {

class wake_timer {
public:
  using clock = std::chrono::steady_clock;

  // `thread_name` names the thread (at most 15 characters show). Throws
  // std::system_error when the timer's descriptors cannot be made.
  wake_timer(std::string thread_name, std::function<void()> wake);
  ~wake_timer();
  wake_timer(const wake_timer&) = delete;
  wake_timer& operator=(const wake_timer&) = delete;

  // The wake-ups from now on (ones already reached: at once); they replace
  // the pending ones. Empty: none.
  void wake_at(std::vector<clock::time_point> deadlines);

private:
  void run(const std::string& thread_name);
  // Sets the timerfd to the earliest wake-up (disarmed: none). Under mutex_.
  void arm_for_earliest();

  std::mutex mutex_;
  std::vector<clock::time_point> deadlines_;  // ascending
  // What the timerfd is set to; max(): disarmed.
  clock::time_point armed_for_ = clock::time_point::max();
  int timer_fd_ = -1;  // CLOCK_MONOTONIC, steady_clock's clock
  int stop_fd_ = -1;   // an eventfd: readable once the destructor runs
  std::function<void()> wake_;
  std::thread thread_;  // last: started once the rest is set
};

}  // namespace vigil
