#include "actors/wake_timer.hpp"

#include <algorithm>

#include <pthread.h>

namespace vigil {

wake_timer::wake_timer(std::string thread_name, std::function<void()> wake)
    : wake_(std::move(wake)), thread_([this, name = std::move(thread_name)] { run(name); }) {}

wake_timer::~wake_timer() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_one();
  thread_.join();
}

void wake_timer::wake_at(std::vector<clock::time_point> deadlines) {
  std::sort(deadlines.begin(), deadlines.end());
  bool earlier;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    deadlines_ = std::move(deadlines);
    earlier = !deadlines_.empty() && deadlines_.front() < sleeping_until_;
  }
  // Notified after unlocking: a thread woken while the lock is still held
  // would only sleep again on the mutex.
  if (earlier)
    changed_.notify_one();
}

void wake_timer::run(const std::string& thread_name) {
  pthread_setname_np(pthread_self(), thread_name.substr(0, 15).c_str());
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    if (deadlines_.empty()) {
      sleeping_until_ = clock::time_point::max();
      changed_.wait(lock);
      sleeping_until_ = clock::time_point::min();
      continue;
    }
    const clock::time_point now = clock::now();
    if (deadlines_.front() <= now) {
      deadlines_.erase(deadlines_.begin(), std::upper_bound(deadlines_.begin(), deadlines_.end(), now));
      lock.unlock();
      wake_();
      lock.lock();
      continue;
    }
    sleeping_until_ = deadlines_.front();
    changed_.wait_until(lock, sleeping_until_);
    sleeping_until_ = clock::time_point::min();
  }
}

}  // namespace vigil
