// The scheduler vigil runs its actors on: CAF 0.17's work stealing, with one
// change. When a message comes from outside the scheduler (the I/O
// multiplexer's socket reads, a wake_timer, the window's thread) to an
// actor that is not running, CAF queues the actor on a worker and, if that
// worker sleeps, signals its condition variable while still holding the
// worker's mutex. The woken worker then blocks on that mutex and has to be
// woken a second time once the sender lets go: two wake-ups and two thread
// switches for every such message (strace: FUTEX_WAKE twice, both waking a
// thread, for every frame the window shows and every socket read). Here the
// signal follows the unlock. The worker still checks its queue under the
// mutex before it sleeps, so a job queued before the signal is never missed.
#pragma once

#include <mutex>

#include <caf/actor_system_config.hpp>
#include <caf/policy/work_stealing.hpp>
#include <caf/resumable.hpp>
#include <caf/scheduler/coordinator.hpp>

namespace vigil {

class stealing_signalled_after_unlock : public caf::policy::work_stealing {
public:
  // Hides work_stealing::external_enqueue (the worker calls its policy's).
  template <class Worker>
  void external_enqueue(Worker* self, caf::resumable* job) {
    auto& worker = d(self);
    worker.queue.append(job);
    bool sleeping;
    {
      std::lock_guard<std::mutex> guard(worker.waitdata.lock);
      sleeping = worker.waitdata.sleeping;
    }
    if (sleeping)
      worker.waitdata.cv.notify_one();
  }
};

using vigil_scheduler = caf::scheduler::coordinator<stealing_signalled_after_unlock>;

// Makes `config`'s actor system run on vigil_scheduler (its work-stealing
// settings apply as to CAF's own).
inline void use_vigil_scheduler(caf::actor_system_config& config) { config.load<vigil_scheduler>(); }

}  // namespace vigil
