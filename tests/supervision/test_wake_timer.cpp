// actors/wake_timer.hpp: a wake-up calls once its time is reached and never
// before; wake-ups stated anew replace the pending ones (withdrawn ones never
// call, an earlier one is not held up by the later one the thread sleeps
// for); several reached at once call once; destruction stops the calls.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "actors/wake_timer.hpp"

using namespace vigil;
using namespace std::chrono_literals;

namespace {

using clock_type = wake_timer::clock;

// What the timer's thread reports: when each call came.
class wake_log {
public:
  void called() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      calls_.push_back(clock_type::now());
    }
    changed_.notify_all();
  }
  // Waits (at most `limit`, a bound for a stuck test only) for `count` calls.
  bool wait_for_calls(std::size_t count, std::chrono::milliseconds limit = 10s) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, limit, [&] { return calls_.size() >= count; });
  }
  std::vector<clock_type::time_point> calls() {
    std::lock_guard<std::mutex> lock(mutex_);
    return calls_;
  }

private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<clock_type::time_point> calls_;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(wake_timer_cases)

BOOST_AUTO_TEST_CASE(a_wake_up_calls_once_when_its_time_is_reached_never_before) {
  wake_log log;
  wake_timer timer("test.wake", [&] { log.called(); });
  const auto due = clock_type::now() + 50ms;
  timer.wake_at({due});
  BOOST_REQUIRE(log.wait_for_calls(1));
  std::this_thread::sleep_for(100ms);  // sleep-ok: time for a second call that must not come
  const auto calls = log.calls();
  BOOST_REQUIRE(calls.size() == 1u);
  BOOST_TEST((calls[0] >= due));
}

BOOST_AUTO_TEST_CASE(wake_ups_stated_anew_replace_the_pending_ones_and_withdrawn_ones_never_call) {
  wake_log log;
  wake_timer timer("test.wake", [&] { log.called(); });
  const auto start = clock_type::now();
  timer.wake_at({start + 100ms});
  timer.wake_at({start + 300ms});  // later: the 100 ms one is withdrawn and never calls
  std::this_thread::sleep_until(start + 200ms);  // sleep-ok: past the withdrawn 100 ms, before 300 ms
  BOOST_TEST(log.calls().empty());
  BOOST_REQUIRE(log.wait_for_calls(1));
  BOOST_TEST((log.calls()[0] >= start + 300ms));
  timer.wake_at({clock_type::now() + 50ms});
  timer.wake_at({});  // withdrawn
  std::this_thread::sleep_for(150ms);  // sleep-ok: past the withdrawn wake-up, which must not call
  BOOST_TEST(log.calls().size() == 1u);
}

BOOST_AUTO_TEST_CASE(an_earlier_wake_up_is_not_held_up_by_the_later_one_the_thread_sleeps_for) {
  wake_log log;
  wake_timer timer("test.wake", [&] { log.called(); });
  const auto start = clock_type::now();
  timer.wake_at({start + 1h});
  std::this_thread::sleep_for(20ms);  // sleep-ok: the thread sleeps for the hour now
  timer.wake_at({start + 40ms});
  BOOST_REQUIRE(log.wait_for_calls(1));
  BOOST_TEST((log.calls()[0] >= start + 40ms));
}

BOOST_AUTO_TEST_CASE(several_wake_ups_reached_at_once_call_once_each_later_one_calls_again) {
  wake_log log;
  wake_timer timer("test.wake", [&] { log.called(); });
  const auto start = clock_type::now();
  timer.wake_at({start + 150ms, start - 5ms, start - 10ms});  // two already reached: one call at once
  BOOST_REQUIRE(log.wait_for_calls(2));
  std::this_thread::sleep_for(50ms);  // sleep-ok: time for a third call that must not come
  const auto calls = log.calls();
  BOOST_REQUIRE(calls.size() == 2u);
  BOOST_TEST((calls[1] >= start + 150ms));
}

BOOST_AUTO_TEST_CASE(destruction_stops_the_thread_with_wake_ups_pending) {
  wake_log log;
  {
    wake_timer timer("test.wake", [&] { log.called(); });
    timer.wake_at({clock_type::now() + 100ms, clock_type::now() + 1h});
  }
  std::this_thread::sleep_for(200ms);  // sleep-ok: past the 100 ms wake-up, which must not call
  BOOST_TEST(log.calls().empty());
}

BOOST_AUTO_TEST_SUITE_END()
