// Shared pieces of the supervision scenarios: a QEMU that can be killed and
// started again on the same port, running the client in the background, and
// reading its log and health snapshot.
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

namespace vigil::test_support {

// QEMU (SeaBIOS, QXL) on one fixed loopback port, so the client can reconnect
// to "the same server" after it is killed and started again.
class restartable_qemu {
public:
  explicit restartable_qemu(std::uint16_t port);
  void start();  // returns once the port accepts connections; throws otherwise
  void kill();   // SIGKILL: the server vanishes without a goodbye
  std::uint16_t port() const { return port_; }

private:
  std::uint16_t port_;
  temp_directory work_;
  std::unique_ptr<background_process> process_;
};

// The client's results: exit status, log (stderr) and final JSON line.
struct client_run {
  process_result process;
  nlohmann::json snapshot;  // the last JSON line on stdout
  const nlohmann::json* channel(const std::string& name) const;
};

client_run run_client(const std::vector<std::string>& arguments, std::chrono::seconds timeout);

// The same, on its own thread, so the test can inject faults meanwhile.
class client_in_background {
public:
  client_in_background(std::vector<std::string> arguments, std::chrono::seconds timeout);
  client_run wait();

private:
  std::optional<client_run> result_;
  std::thread thread_;
};

// Seconds since midnight of a log line's "YYYY-MM-DD HH:MM:SS.mmm" prefix.
std::optional<double> log_line_time(const std::string& line);
// Every log line containing `needle`, in order.
std::vector<std::string> log_lines_with(const std::string& log, const std::string& needle);

// A TOML config in `directory` with `text`; returns its path.
std::string write_config(const temp_directory& directory, const std::string& text);

}  // namespace vigil::test_support
