// Running other programs from tests: the client under test (run to completion,
// output captured) and servers that run in the background for a whole test.
//
// Every child is started with PR_SET_PDEATHSIG=SIGKILL, so even a test process
// that crashes or is killed by CTest's timeout leaves no child behind.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace vigil::test_support {

struct process_result {
  std::optional<int> exit_code;    // set when the child exited by itself
  std::optional<int> term_signal;  // set when a signal ended it
  bool timed_out = false;          // it outlived its wall-clock limit and was killed
  double elapsed_seconds = 0;      // from fork to reaping
  std::string stdout_text;
  std::string stderr_text;

  // e.g. "exit code 2 after 0.41 s" or "killed by signal 15 after timeout (30.0 s)"
  std::string describe() const;
};

// Runs argv[0] (looked up in PATH) with stdin from `stdin_path`, capturing
// stdout and stderr. When `timeout` passes, sends SIGTERM, then SIGKILL if the
// child is still there after `kill_grace`. Throws std::runtime_error if it
// cannot start.
process_result run_process(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                           std::chrono::milliseconds kill_grace = std::chrono::seconds(3),
                           const std::string& stdin_path = "/dev/null");

// A child that runs until stop() or destruction, its stdout and stderr going to
// a log file so a chatty child never blocks on a full pipe.
class background_process {
public:
  // Throws std::runtime_error if the program cannot be executed.
  background_process(const std::vector<std::string>& argv, const std::string& output_log_path);
  // The same with stdout and stderr in files of their own (a client's JSON
  // snapshot on stdout stays apart from its log).
  background_process(const std::vector<std::string>& argv, const std::string& stdout_path,
                     const std::string& stderr_path);
  ~background_process();  // stop()

  background_process(const background_process&) = delete;
  background_process& operator=(const background_process&) = delete;

  pid_t pid() const { return pid_; }
  bool is_running();
  // SIGTERM, wait up to `grace`, then SIGKILL and reap. Safe to call twice.
  void stop(std::chrono::milliseconds grace = std::chrono::seconds(5));
  // Waits up to `limit` for the child to end by itself; true once it has.
  bool wait_for_exit(std::chrono::milliseconds limit);
  // Its exit code once it exited by itself; nullopt while it runs or after a signal.
  std::optional<int> exit_code();
  // The signal that ended it, once a signal did.
  std::optional<int> term_signal();
  // "still running", "exit code 1", "killed by signal 9"
  std::string describe_state();

private:
  pid_t pid_ = -1;
  std::optional<int> wait_status_;  // set once reaped
};

// "a b 'c d'": argv as a shell would need it, for failure messages.
std::string quote_command_line(const std::vector<std::string>& argv);

}  // namespace vigil::test_support
