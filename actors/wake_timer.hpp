// wake_timer: the pending wake-ups of one actor, from a thread of its own,
// for an actor that states all its upcoming wake-ups again whenever they
// change (the display channel: when each waiting video picture is due).
//
// Why not CAF's delayed_send: every delayed_send wakes CAF's clock thread
// (it takes the timer in, then sleeps again), and a timer cannot be
// withdrawn, so one that is no longer needed still fires, waking the clock
// thread and then a scheduler worker for a message that finds nothing to do.
// On a video stream that cost four thread switches a picture (perf sched,
// mjpeg-video headless). Here stating the wake-ups only stores them: the
// thread is woken only when the earliest is earlier than the time it sleeps
// until, and when it wakes at a time that was withdrawn meanwhile it goes back
// to sleep without calling anyone.
//
// `wake` runs on the timer's thread, once for each time a wake-up is reached
// (several reached at once: once): it should only send a message
// (caf::anon_send). Destruction stops and joins the thread; `wake` is not
// called after the destructor returns.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace vigil {

class wake_timer {
public:
  using clock = std::chrono::steady_clock;

  // `thread_name` names the thread (at most 15 characters show).
  wake_timer(std::string thread_name, std::function<void()> wake);
  ~wake_timer();
  wake_timer(const wake_timer&) = delete;
  wake_timer& operator=(const wake_timer&) = delete;

  // The wake-ups from now on (ones already reached: at once); they replace
  // the pending ones. Empty: none.
  void wake_at(std::vector<clock::time_point> deadlines);

private:
  void run(const std::string& thread_name);

  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<clock::time_point> deadlines_;  // ascending
  // Until when the thread sleeps: it wakes by itself no later than this.
  // time_point::min() while it is awake (it reads deadlines_ before sleeping).
  clock::time_point sleeping_until_ = clock::time_point::min();
  bool stopping_ = false;
  std::function<void()> wake_;
  std::thread thread_;  // last: started once the rest is set
};

}  // namespace vigil
