// The scheduler vigil runs its actors on: CAF 0.17's work stealing, with its
// sleeping workers woken through a semaphore instead of a mutex and a
// condition variable.
//
// When a message comes from outside the scheduler (the I/O multiplexer's
// socket reads, a wake_timer, the window's thread) to an actor that is not
// running, CAF queues the actor on a worker and wakes that worker if it
// sleeps. CAF signalled its condition variable while holding the worker's
// mutex, so the woken worker blocked on that mutex and was woken twice. Even
// signalled after the unlock, a worker woken from a condition variable takes
// the mutex back marked as contended, so releasing it costs one more system
// call (strace: a FUTEX_WAKE that wakes nobody after every wake-up). A frame
// of a small video stream comes from outside once or twice, so that was one
// system call in seven headless. Here a worker about to sleep says so in an
// atomic flag, checks its queue once more and waits on its semaphore; whoever
// queues a job and finds the flag set clears it and posts. Either the worker
// sees the job or the sender sees the flag (both sides fence between their
// write and their read), so a job is never left waiting for the next timeout.
#pragma once

#include <semaphore.h>
#include <time.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <thread>

#include <caf/actor_system_config.hpp>
#include <caf/policy/work_stealing.hpp>
#include <caf/resumable.hpp>
#include <caf/scheduler/coordinator.hpp>

namespace vigil {

class stealing_woken_by_semaphore : public caf::policy::work_stealing {
public:
  // Hides work_stealing::worker_data (caf::scheduler::worker uses its
  // policy's); the rest of work_stealing reaches only the members inherited.
  struct worker_data : caf::policy::work_stealing::worker_data {
    explicit worker_data(caf::scheduler::abstract_coordinator* parent)
        : caf::policy::work_stealing::worker_data(parent) {
      sem_init(&wake_up, 0, 0);
    }
    // The coordinator copies one prototype into every worker: each gets a
    // semaphore of its own.
    worker_data(const worker_data& other) : caf::policy::work_stealing::worker_data(other) {
      sem_init(&wake_up, 0, 0);
    }
    worker_data& operator=(const worker_data&) = delete;
    ~worker_data() { sem_destroy(&wake_up); }

    std::atomic<bool> asleep{false};
    sem_t wake_up;
  };

  // Hides work_stealing::external_enqueue (the worker calls its policy's).
  template <class Worker>
  void external_enqueue(Worker* self, caf::resumable* job) {
    auto& data = d(self);
    data.queue.append(job);
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (data.asleep.load(std::memory_order_relaxed) && data.asleep.exchange(false))
      sem_post(&data.wake_up);
  }

  // Hides work_stealing::dequeue: the same spinning and polling (the first
  // two strategies), then sleeps on the semaphore for at most the relaxed
  // strategy's sleep duration, and steals every steal interval of those.
  template <class Worker>
  caf::resumable* dequeue(Worker* self) {
    auto& data = d(self);
    for (size_t k = 0; k < 2; ++k) {
      auto& strategy = data.strategies[k];
      for (size_t i = 0; i < strategy.attempts; i += strategy.step_size) {
        if (auto job = data.queue.take_head())
          return job;
        if (i % strategy.steal_interval == 0)
          if (auto job = try_steal(self))
            return job;
        if (strategy.sleep_duration.count() > 0)
          std::this_thread::sleep_for(strategy.sleep_duration);
      }
    }
    auto& relaxed = data.strategies[2];
    for (size_t round = 1;; ++round) {
      data.asleep.store(true, std::memory_order_relaxed);
      std::atomic_thread_fence(std::memory_order_seq_cst);
      if (auto job = data.queue.take_head()) {
        data.asleep.store(false, std::memory_order_relaxed);
        return job;
      }
      const bool woken = sleep_until_posted(data.wake_up, relaxed.sleep_duration);
      data.asleep.store(false, std::memory_order_relaxed);
      if (auto job = data.queue.take_head())
        return job;
      if (!woken && round % relaxed.steal_interval == 0)
        if (auto job = try_steal(self))
          return job;
    }
  }

private:
  // True when posted (or interrupted), false when `timeout` passed first.
  static bool sleep_until_posted(sem_t& semaphore, caf::timespan timeout) {
    timespec deadline{};
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    const auto nanoseconds = std::chrono::duration_cast<std::chrono::nanoseconds>(timeout).count();
    deadline.tv_sec += static_cast<time_t>(nanoseconds / 1'000'000'000);
    deadline.tv_nsec += static_cast<long>(nanoseconds % 1'000'000'000);
    if (deadline.tv_nsec >= 1'000'000'000) {
      deadline.tv_sec += 1;
      deadline.tv_nsec -= 1'000'000'000;
    }
    return sem_clockwait(&semaphore, CLOCK_MONOTONIC, &deadline) == 0 || errno != ETIMEDOUT;
  }
};

using vigil_scheduler = caf::scheduler::coordinator<stealing_woken_by_semaphore>;

// Makes `config`'s actor system run on vigil_scheduler (its work-stealing
// settings apply as to CAF's own).
inline void use_vigil_scheduler(caf::actor_system_config& config) { config.load<vigil_scheduler>(); }

}  // namespace vigil
