#include "actors/wake_timer.hpp"

#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <system_error>

namespace vigil {

namespace {

int checked(int fd, const char* what) {
  if (fd < 0)
    throw std::system_error(errno, std::generic_category(), what);
  return fd;
}

}  // namespace

wake_timer::wake_timer(std::string thread_name, std::function<void()> wake)
    : timer_fd_(checked(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC), "timerfd for a wake_timer")),
      stop_fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)),
      wake_(std::move(wake)) {
  if (stop_fd_ < 0) {
    const int error = errno;
    ::close(timer_fd_);
    throw std::system_error(error, std::generic_category(), "eventfd for a wake_timer");
  }
  thread_ = std::thread([this, name = std::move(thread_name)] { run(name); });
}

wake_timer::~wake_timer() {
  const std::uint64_t one = 1;
  ssize_t written = ::write(stop_fd_, &one, sizeof one);
  (void)written;  // an eventfd write of 1 fails only at a counter near overflow
  thread_.join();
  ::close(timer_fd_);
  ::close(stop_fd_);
}

void wake_timer::arm_for_earliest() {
  const clock::time_point earliest = deadlines_.empty() ? clock::time_point::max() : deadlines_.front();
  if (earliest == armed_for_)
    return;
  armed_for_ = earliest;
  itimerspec when{};  // all zero: disarmed
  if (!deadlines_.empty()) {
    const auto since_boot = std::chrono::duration_cast<std::chrono::nanoseconds>(earliest.time_since_epoch()).count();
    // Zero would disarm: a time already passed is the smallest one instead.
    const auto nanoseconds = std::max<std::int64_t>(since_boot, 1);
    when.it_value.tv_sec = static_cast<time_t>(nanoseconds / 1000000000);
    when.it_value.tv_nsec = static_cast<long>(nanoseconds % 1000000000);
  }
  ::timerfd_settime(timer_fd_, TFD_TIMER_ABSTIME, &when, nullptr);
}

void wake_timer::wake_at(std::vector<clock::time_point> deadlines) {
  std::sort(deadlines.begin(), deadlines.end());
  std::lock_guard<std::mutex> lock(mutex_);
  deadlines_ = std::move(deadlines);
  arm_for_earliest();
}

void wake_timer::run(const std::string& thread_name) {
  pthread_setname_np(pthread_self(), thread_name.substr(0, 15).c_str());
  pollfd watched[2] = {{timer_fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
  for (;;) {
    if (::poll(watched, 2, -1) < 0 && errno != EINTR)
      return;  // only for bad descriptors, which these are not
    if (watched[1].revents != 0)
      return;
    std::uint64_t expirations = 0;
    ssize_t got = ::read(timer_fd_, &expirations, sizeof expirations);  // EAGAIN: set again since it fired
    (void)got;
    bool reached = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      const clock::time_point now = clock::now();
      const auto passed = std::upper_bound(deadlines_.begin(), deadlines_.end(), now);
      reached = passed != deadlines_.begin();
      deadlines_.erase(deadlines_.begin(), passed);
      armed_for_ = clock::time_point::min();  // it fired: disarmed, whatever it was set to
      arm_for_earliest();
    }
    if (reached)
      wake_();
  }
}

}  // namespace vigil
