// Running the vigil binary under test and reading what it leaves: the process
// status, the one-line JSON health snapshot on stdout and the log on stderr.
// Either to completion (run_vigil) or in the background (background_client),
// with the log readable while it runs so a test can wait on a line instead of
// sleeping. Plus the checks many tests share. Exit codes are the product's own
// (ui/exit_codes.hpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "child_process.hpp"
#include "temp_directory.hpp"
#include "waiting.hpp"
#include "ui/exit_codes.hpp"

namespace vigil::test_support {

namespace exit_codes = vigil::exit_codes;

struct client_run {
  std::vector<std::string> command;
  process_result process;
  std::optional<nlohmann::json> snapshot;  // stdout's JSON line, when it parsed
  std::string snapshot_problem;            // why `snapshot` is empty

  // -1 when the process did not exit by itself.
  int exit_code() const { return process.exit_code.value_or(-1); }
  // The command, how it ended, stdout and the end of stderr: for failure output.
  std::string context() const;
  // The snapshot's channel entry `name` (e.g. "main") with `id`, or nullptr.
  const nlohmann::json* channel(const std::string& name, int id = 0) const;
};

// The client under test: $VIGIL_BINARY if set, else the path CMake compiled in.
std::string vigil_binary();

// Runs `vigil arguments...` to its end, its stdin from `stdin_path`; kills it
// (and records timed_out) after `timeout`.
client_run run_vigil(const std::vector<std::string>& arguments, std::chrono::seconds timeout,
                     const std::string& stdin_path = "/dev/null");

// The client running while the test acts (kills a server, types, grabs the
// screen); stopped (SIGTERM, then SIGKILL) when the object goes away.
class background_client {
public:
  explicit background_client(const std::vector<std::string>& arguments);
  ~background_client();

  std::string log() const;  // stderr so far
  // Waits until `count` log lines contain `needle`; true when they do.
  bool wait_for_log(const std::string& needle, std::chrono::milliseconds limit, std::size_t count = 1) const;
  bool is_running() { return process_->is_running(); }
  // The libraries and files the client has mapped now (/proc/PID/maps).
  std::string mapped_files() const;
  // The health snapshot as of now (SIGUSR1 makes the client print one), or
  // nullopt when none came within `limit`.
  std::optional<nlohmann::json> snapshot_now(std::chrono::milliseconds limit = std::chrono::seconds(30));
  // Polls snapshot_now() until `condition(snapshot)` holds; the last snapshot
  // seen (check the condition again for the failure message).
  template <class Condition>
  std::optional<nlohmann::json> wait_for_snapshot(Condition condition, std::chrono::milliseconds limit);
  // Waits up to `limit` for the client to exit by itself (then SIGTERM,
  // recorded as a timeout) and reads its results.
  client_run finish(std::chrono::milliseconds limit);
  // Ends the client now (SIGTERM: it writes its dumps and final snapshot and
  // exits 0, "interrupted by signal") and reads its results.
  client_run stop();

private:
  temp_directory work_;
  std::vector<std::string> command_;
  std::chrono::steady_clock::time_point started_;
  std::unique_ptr<background_process> process_;
  std::size_t snapshots_requested_ = 0;

  client_run results();
};

template <class Condition>
std::optional<nlohmann::json> background_client::wait_for_snapshot(Condition condition,
                                                                   std::chrono::milliseconds limit) {
  std::optional<nlohmann::json> last;
  wait_until(
    [&] {
      last = snapshot_now();
      return (last && condition(*last)) || !is_running();
    },
    limit, std::chrono::milliseconds(200));
  return last;
}

// The snapshot's channel entry `name` (id 0), or nullptr.
const nlohmann::json* snapshot_channel(const nlohmann::json& snapshot, const std::string& name);
// The display channel is up and has had no message from the server for
// `quiet` when the snapshot's health was taken: what the server drew has
// arrived. (A snapshot reports health as of the last heartbeat.)
bool display_quiet(const nlohmann::json& snapshot, std::chrono::milliseconds quiet);
// Waits until the client's display channel is quiet for two heartbeat
// periods (2 s); fails the test with the last snapshot otherwise.
void wait_until_display_quiet(background_client& client, std::chrono::milliseconds limit);

std::string plain_uri(std::uint16_t port);               // spice://127.0.0.1:P
std::string tls_uri(std::uint16_t tls_port);             // spice+tls://127.0.0.1:T
std::string tls_port_query_uri(std::uint16_t tls_port);  // spice://127.0.0.1?tls-port=T

bool contains_ignoring_case(const std::string& text, const std::string& needle);
// The first line of `text` that contains `needle` (ignoring case), or "".
std::string line_containing(const std::string& text, const std::string& needle);
// Every line of `text` containing `needle` (case matters), in order.
std::vector<std::string> lines_with(const std::string& text, const std::string& needle);
// Every line of `text` starting with `prefix`, in order.
std::vector<std::string> lines_starting_with(const std::string& text, const std::string& prefix);
// Seconds since midnight of a log line's "YYYY-MM-DD HH:MM:SS.mmm" prefix.
std::optional<double> log_line_time(const std::string& line);
// Now, in log_line_time's terms (local seconds since midnight), to measure
// from an event the test caused to a line the client logged.
double wall_time_of_day();
// "a; b; c; " for failure messages.
std::string joined(const std::vector<std::string>& lines);

// A vigil.toml in `directory` with `text`; returns its path.
std::string write_config(const temp_directory& directory, const std::string& text);

// Boost.Test checks shared by the tests:
// the snapshot exists and its exit.code is the process's exit code.
void check_snapshot_matches_exit(const client_run& run);
// exit 0, one session "up" to the end (no reconnect), and each named channel "up"
// with no errors.
void check_session_stayed_up(const client_run& run, int duration_s, const std::vector<std::string>& channels);
// Every channel in the snapshot has "tls": expected.
void check_all_channels_tls(const client_run& run, bool expected);
// Logs the per-channel figures (state, tls, messages, pings) as test messages.
void report_channel_figures(const client_run& run);

// The four channels QEMU with a QXL card and no audio or agent offers.
const std::vector<std::string>& qemu_default_channels();

}  // namespace vigil::test_support
