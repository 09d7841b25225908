// What the window tests share until the suite-wide support (tests/support)
// offers it: an X server of the test's own (Xvfb), the test server, the vigil
// window running in the background, xdotool, and waiting on conditions
// rather than sleeping. Names follow tests/support's so the move is a rename.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "child_process.hpp"
#include "temp_directory.hpp"

namespace vigil::window_tests {

using test_support::temp_directory;

// Polls `condition` every 50 ms until it holds or `limit` passed; its last value.
template <class Condition>
bool wait_until(Condition condition, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline)
      return condition();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

// Xvfb on a free display number; sets DISPLAY for the test's children.
class virtual_display {
public:
  explicit virtual_display(const temp_directory& work, const std::string& geometry = "1024x768x24");
  const std::string& name() const { return name_; }
  std::string grab(const std::string& path) const;  // the root window as PNG

private:
  std::string name_;
  std::unique_ptr<test_support::background_process> server_;
};

std::string xdotool(std::vector<std::string> arguments);
// The first window whose name matches, waiting up to `limit`; "" if none.
std::string wait_for_window(const std::string& name, std::chrono::milliseconds limit);
long differing_pixels(const std::string& a, const std::string& b, const std::string& region = "");

// vigil-test-server on a free port with `options` (e.g. --scene photo).
class scene_server {
public:
  scene_server(const temp_directory& work, const std::vector<std::string>& options);
  std::uint16_t port() const { return port_; }
  std::string uri() const { return "spice://127.0.0.1:" + std::to_string(port_); }
  std::vector<std::string> lines(const std::string& prefix) const;
  // Waits until `count` lines start with `prefix`; the last one, or "".
  std::string wait_for_line(const std::string& prefix, std::chrono::milliseconds limit, std::size_t count = 1) const;
  void stop() { process_->stop(); }

private:
  std::string log_path_;
  std::uint16_t port_ = 0;
  std::unique_ptr<test_support::background_process> process_;
};

// vigil running while the test acts; its stderr (the log) readable meanwhile.
class background_client {
public:
  background_client(const temp_directory& work, const std::vector<std::string>& arguments);
  std::string log() const;
  std::string output() const;  // stdout (health snapshots)
  bool wait_for_log(const std::string& needle, std::chrono::milliseconds limit, std::size_t count = 1) const;
  bool is_running() { return process_->is_running(); }
  void stop() { process_->stop(); }
  std::string state() { return process_->describe_state(); }  // "exit code 4", "still running"

private:
  std::string log_path_, output_path_;
  std::unique_ptr<test_support::background_process> process_;
};

// The server's key lines for `keys` typed as a combination: each down in
// order, then each up in reverse ("0x1d", "0x38", "0xe053" -> 6 lines).
std::vector<std::string> combination_lines(const std::vector<std::string>& scancodes);
std::string joined(const std::vector<std::string>& lines);
// Whether `sequence` appears in `lines` as consecutive lines.
bool contains_run(const std::vector<std::string>& lines, const std::vector<std::string>& sequence);

}  // namespace vigil::window_tests
