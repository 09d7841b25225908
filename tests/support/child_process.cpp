#include "child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "waiting.hpp"

namespace vigil::test_support {
namespace {

using clock_type = std::chrono::steady_clock;

class pipe_pair {
public:
  pipe_pair() {
    if (::pipe2(fds_.data(), O_CLOEXEC) != 0) {
      throw std::runtime_error(std::string("pipe2() failed: ") + std::strerror(errno));
    }
  }
  ~pipe_pair() {
    close_read();
    close_write();
  }
  pipe_pair(const pipe_pair&) = delete;
  pipe_pair& operator=(const pipe_pair&) = delete;
  int read_end() const { return fds_[0]; }
  int write_end() const { return fds_[1]; }
  void close_read() { close_end(0); }
  void close_write() { close_end(1); }

private:
  void close_end(int which) {
    if (fds_[which] >= 0) ::close(fds_[which]);
    fds_[which] = -1;
  }
  std::array<int, 2> fds_{-1, -1};
};

// fork + exec with the given descriptors as stdout/stderr. exec failures come
// back through a close-on-exec pipe so the caller gets a clear exception rather
// than a mysterious exit code 127.
pid_t spawn_child(const std::vector<std::string>& argv, int stdout_fd, int stderr_fd,
                  const std::string& stdin_path = "/dev/null") {
  if (argv.empty()) throw std::runtime_error("spawn_child: empty argv");
  std::vector<char*> c_argv;
  for (const auto& argument : argv) c_argv.push_back(const_cast<char*>(argument.c_str()));
  c_argv.push_back(nullptr);

  pipe_pair exec_error;
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork() failed: ") + std::strerror(errno));
  if (pid == 0) {
    // Only async-signal-safe calls from here to exec.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the parent died before prctl
    const int input = ::open(stdin_path.c_str(), O_RDONLY);
    if (input < 0) ::_exit(126);
    ::dup2(input, STDIN_FILENO);
    ::dup2(stdout_fd, STDOUT_FILENO);
    ::dup2(stderr_fd, STDERR_FILENO);
    ::execvp(c_argv[0], c_argv.data());
    const int error = errno;
    [[maybe_unused]] auto written = ::write(exec_error.write_end(), &error, sizeof error);
    ::_exit(127);
  }
  exec_error.close_write();
  int child_errno = 0;
  ssize_t got;
  do {
    got = ::read(exec_error.read_end(), &child_errno, sizeof child_errno);
  } while (got < 0 && errno == EINTR);
  if (got == static_cast<ssize_t>(sizeof child_errno)) {
    ::waitpid(pid, nullptr, 0);
    throw std::runtime_error("cannot execute " + argv[0] + ": " + std::strerror(child_errno));
  }
  return pid;
}

void describe_wait_status(int status, process_result& result) {
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.term_signal = WTERMSIG(status);
}

std::string format_seconds(double seconds) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2f s", seconds);
  return buffer;
}

// Reads what is available without blocking; returns false at end of file.
bool drain_available(int fd, std::string& into) {
  char buffer[65536];
  for (;;) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got > 0) {
      into.append(buffer, static_cast<std::size_t>(got));
      continue;
    }
    if (got == 0) return false;
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK;
  }
}

}  // namespace

std::string process_result::describe() const {
  std::string text;
  if (exit_code) text = "exit code " + std::to_string(*exit_code);
  else if (term_signal) text = "killed by signal " + std::to_string(*term_signal);
  else text = "no exit status";
  if (timed_out) text += " after timeout";
  return text + " (" + format_seconds(elapsed_seconds) + ")";
}

process_result run_process(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                           std::chrono::milliseconds kill_grace, const std::string& stdin_path) {
  pipe_pair stdout_pipe;
  pipe_pair stderr_pipe;
  const auto started = clock_type::now();
  const pid_t pid = spawn_child(argv, stdout_pipe.write_end(), stderr_pipe.write_end(), stdin_path);
  stdout_pipe.close_write();
  stderr_pipe.close_write();
  ::fcntl(stdout_pipe.read_end(), F_SETFL, O_NONBLOCK);
  ::fcntl(stderr_pipe.read_end(), F_SETFL, O_NONBLOCK);

  process_result result;
  bool stdout_open = true;
  bool stderr_open = true;
  bool term_sent = false;
  bool kill_sent = false;
  const auto deadline = started + timeout;
  int status = 0;

  for (;;) {
    std::array<pollfd, 2> fds{{{stdout_open ? stdout_pipe.read_end() : -1, POLLIN, 0},
                               {stderr_open ? stderr_pipe.read_end() : -1, POLLIN, 0}}};
    ::poll(fds.data(), fds.size(), 50);
    if (stdout_open) stdout_open = drain_available(stdout_pipe.read_end(), result.stdout_text);
    if (stderr_open) stderr_open = drain_available(stderr_pipe.read_end(), result.stderr_text);

    const pid_t reaped = ::waitpid(pid, &status, WNOHANG);
    if (reaped == pid) break;

    const auto now = clock_type::now();
    if (!term_sent && now >= deadline) {
      result.timed_out = true;
      ::kill(pid, SIGTERM);
      term_sent = true;
    } else if (term_sent && !kill_sent && now >= deadline + kill_grace) {
      ::kill(pid, SIGKILL);
      kill_sent = true;
    }
  }
  result.elapsed_seconds = std::chrono::duration<double>(clock_type::now() - started).count();
  describe_wait_status(status, result);

  // Output written just before exit is still in the pipes. A grandchild that
  // inherited them could keep them open for ever, so bound the wait.
  const auto drain_deadline = clock_type::now() + std::chrono::seconds(1);
  while ((stdout_open || stderr_open) && clock_type::now() < drain_deadline) {
    std::array<pollfd, 2> fds{{{stdout_open ? stdout_pipe.read_end() : -1, POLLIN, 0},
                               {stderr_open ? stderr_pipe.read_end() : -1, POLLIN, 0}}};
    ::poll(fds.data(), fds.size(), 50);
    if (stdout_open) stdout_open = drain_available(stdout_pipe.read_end(), result.stdout_text);
    if (stderr_open) stderr_open = drain_available(stderr_pipe.read_end(), result.stderr_text);
  }
  return result;
}

namespace {

int open_log(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));
  return fd;
}

}  // namespace

background_process::background_process(const std::vector<std::string>& argv,
                                       const std::string& output_log_path) {
  const int log_fd = open_log(output_log_path);
  try {
    pid_ = spawn_child(argv, log_fd, log_fd);
  } catch (...) {
    ::close(log_fd);
    throw;
  }
  ::close(log_fd);
}

background_process::background_process(const std::vector<std::string>& argv, const std::string& stdout_path,
                                       const std::string& stderr_path) {
  const int out_fd = open_log(stdout_path);
  int err_fd = -1;
  try {
    err_fd = open_log(stderr_path);
    pid_ = spawn_child(argv, out_fd, err_fd);
  } catch (...) {
    ::close(out_fd);
    if (err_fd >= 0) ::close(err_fd);
    throw;
  }
  ::close(out_fd);
  ::close(err_fd);
}

background_process::~background_process() { stop(); }

bool background_process::is_running() {
  if (wait_status_) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    wait_status_ = status;
    return false;
  }
  return true;
}

void background_process::stop(std::chrono::milliseconds grace) {
  if (!is_running()) return;
  ::kill(pid_, SIGTERM);
  if (wait_until([&] { return !is_running(); }, grace, std::chrono::milliseconds(20))) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  wait_status_ = status;
}

bool background_process::wait_for_exit(std::chrono::milliseconds limit) {
  return wait_until([&] { return !is_running(); }, limit, std::chrono::milliseconds(20));
}

std::optional<int> background_process::exit_code() {
  if (is_running()) return std::nullopt;
  process_result described;
  describe_wait_status(*wait_status_, described);
  return described.exit_code;
}

std::optional<int> background_process::term_signal() {
  if (is_running()) return std::nullopt;
  process_result described;
  describe_wait_status(*wait_status_, described);
  return described.term_signal;
}

std::string background_process::describe_state() {
  if (is_running()) return "still running";
  process_result described;
  describe_wait_status(*wait_status_, described);
  if (described.exit_code) return "exit code " + std::to_string(*described.exit_code);
  if (described.term_signal) return "killed by signal " + std::to_string(*described.term_signal);
  return "ended (status " + std::to_string(*wait_status_) + ")";
}

std::string quote_command_line(const std::vector<std::string>& argv) {
  std::string line;
  for (const auto& argument : argv) {
    if (!line.empty()) line += ' ';
    if (argument.find_first_of(" \t'\"$&?;|<>()*") == std::string::npos && !argument.empty()) {
      line += argument;
      continue;
    }
    line += '\'';
    for (char c : argument) line += (c == '\'') ? std::string("'\\''") : std::string(1, c);
    line += '\'';
  }
  return line;
}

}  // namespace vigil::test_support
