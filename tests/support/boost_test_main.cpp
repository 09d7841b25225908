// The Boost.Test entry point of every test executable (vigil_test() in
// tests/cmake/vigil_test.cmake adds it).
//
// It also carries the hang reporter: ctest kills a test at its TIMEOUT and
// shows only what the test printed, which for a test process blocked in a
// system call is nothing. vigil_test() passes the timeout in
// VIGIL_TEST_TIMEOUT; 15 s before it runs out, this prints which test case is
// running, every thread's stack (gdb -batch on this process) and the process's
// children, so a hang names the call it is stuck in.
#define BOOST_TEST_MODULE vigil
#include <boost/test/unit_test.hpp>

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>

namespace {

constexpr int report_margin_s = 15;

void report_hang(int timeout_s) {
  const std::string pid = std::to_string(::getpid());
  std::string running = "(none)";
  try {
    running = boost::unit_test::framework::current_test_case().p_name;
  } catch (...) {
  }
  std::fprintf(stderr,
               "\n=== hang report: test case '%s' still running %d s after it started, %d s before "
               "ctest's %d s timeout; stacks of every thread follow ===\n",
               running.c_str(), timeout_s - report_margin_s, report_margin_s, timeout_s);
  std::fflush(stderr);
  const std::string children = "ps -o pid,stat,etime,args --ppid " + pid + " 1>&2";
  const std::string stacks = "timeout 10 gdb -batch -nx -p " + pid +
                             " -ex 'set pagination off' -ex 'thread apply all bt' 1>&2 2>/dev/null";
  [[maybe_unused]] int ignored = std::system(children.c_str());
  ignored = std::system(stacks.c_str());
  std::fprintf(stderr, "=== end of hang report ===\n");
  std::fflush(stderr);
}

// Waits for the margin before the test's timeout; the process normally ends
// first and the destructor stops it.
class hang_reporter {
public:
  hang_reporter() {
    std::cout.setf(std::ios::unitbuf);  // what a test printed is seen even when it is killed
    const char* timeout_text = std::getenv("VIGIL_TEST_TIMEOUT");
    const int timeout_s = timeout_text ? std::atoi(timeout_text) : 0;
    if (timeout_s <= 2 * report_margin_s) return;
    ::prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);  // lets gdb attach without root
    watcher_ = std::thread([this, timeout_s] {
      std::unique_lock<std::mutex> lock(mutex_);
      if (!stop_wanted_.wait_for(lock, std::chrono::seconds(timeout_s - report_margin_s), [this] { return done_; }))
        report_hang(timeout_s);
    });
  }
  ~hang_reporter() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      done_ = true;
    }
    stop_wanted_.notify_all();
    if (watcher_.joinable()) watcher_.join();
  }
  hang_reporter(const hang_reporter&) = delete;
  hang_reporter& operator=(const hang_reporter&) = delete;

private:
  std::mutex mutex_;
  std::condition_variable stop_wanted_;
  bool done_ = false;
  std::thread watcher_;
};

}  // namespace

BOOST_TEST_GLOBAL_FIXTURE(hang_reporter);
