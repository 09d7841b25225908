// Runs the vigil binary under test and reads its exit: the process status, the
// one-line JSON health snapshot on stdout, and the log on stderr. Also the
// checks that several integration tests share.
#pragma once

#include "child_process.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vigil::integration {

// Exit codes of the client's command-line contract.
enum class vigil_exit : int {
  session_stayed_up = 0,
  usage_error = 1,
  could_not_connect = 2,
  authentication_failed = 3,
  session_lost = 4,
  protocol_error = 5,
};

struct vigil_run {
  std::vector<std::string> command;
  test_support::process_result process;
  std::optional<nlohmann::json> snapshot;  // stdout's JSON line, when it parsed
  std::string snapshot_problem;            // why `snapshot` is empty

  // -1 when the process did not exit by itself.
  int exit_code() const { return process.exit_code.value_or(-1); }
  // The command, how it ended, stdout and the end of stderr: for failure output.
  std::string context() const;
};

// The client under test: $VIGIL_BINARY if set, else the path CMake compiled in.
std::string vigil_binary();

// Runs `vigil arguments...`; kills it (and records timed_out) after `timeout`.
vigil_run run_vigil(const std::vector<std::string>& arguments, std::chrono::seconds timeout);

std::string plain_uri(std::uint16_t port);                 // spice://127.0.0.1:P
std::string tls_uri(std::uint16_t tls_port);               // spice+tls://127.0.0.1:T
std::string tls_port_query_uri(std::uint16_t tls_port);    // spice://127.0.0.1?tls-port=T

bool contains_ignoring_case(const std::string& text, const std::string& needle);
// The first line of `text` that contains `needle` (ignoring case), or "".
std::string line_containing(const std::string& text, const std::string& needle);

// The channel entry named `name` (e.g. "main") with `id`, or nullptr.
const nlohmann::json* find_channel(const nlohmann::json& snapshot, const std::string& name, int id = 0);

// Boost.Test checks shared by the tests:
// the snapshot exists and its exit.code is the process's exit code.
void check_snapshot_matches_exit(const vigil_run& run);
// exit 0, session "up", uptime close to `duration_s`, and each named channel "up"
// with no errors.
void check_session_stayed_up(const vigil_run& run, int duration_s, const std::vector<std::string>& channels);
// Every channel in the snapshot has "tls": expected.
void check_all_channels_tls(const vigil_run& run, bool expected);
// Logs the per-channel figures (state, tls, messages, pings) as test messages.
void report_channel_figures(const vigil_run& run);

// The four channels QEMU with a QXL card and no audio or agent offers.
const std::vector<std::string>& qemu_default_channels();

}  // namespace vigil::integration
