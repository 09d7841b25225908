#include "supervision_scenarios.hpp"

#include <sstream>
#include <stdexcept>

#include "loopback_ports.hpp"

namespace vigil::test_support {

restartable_qemu::restartable_qemu(std::uint16_t port) : port_(port), work_("vigil-restartable-qemu") {}

void restartable_qemu::start() {
  std::vector<std::string> argv = {
    "qemu-system-x86_64", "-accel", "tcg", "-machine", "pc", "-m", "128", "-nodefaults", "-vga", "qxl",
    "-display", "none", "-monitor", "none", "-serial", "none",
    "-spice", "port=" + std::to_string(port_) + ",addr=127.0.0.1,disable-ticketing=on"};
  process_ = std::make_unique<background_process>(argv, work_.file("qemu.log"));
  for (int i = 0; i < 200; ++i) {
    if (loopback_port_accepts_connections(port_))
      return;
    if (!process_->is_running())
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw std::runtime_error("QEMU did not listen on port " + std::to_string(port_) + ": " +
                           read_text_file(work_.file("qemu.log")));
}

void restartable_qemu::kill() {
  if (process_)
    process_->stop(std::chrono::milliseconds(0));  // no grace: SIGKILL at once
  process_.reset();
}

const nlohmann::json* client_run::channel(const std::string& name) const {
  if (!snapshot.contains("channels"))
    return nullptr;
  for (const auto& entry : snapshot["channels"])
    if (entry.value("channel", "") == name)
      return &entry;
  return nullptr;
}

client_run run_client(const std::vector<std::string>& arguments, std::chrono::seconds timeout) {
  std::vector<std::string> argv = {VIGIL_CLIENT_BINARY};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  client_run run;
  run.process = run_process(argv, timeout);
  std::istringstream lines(run.process.stdout_text);
  for (std::string line; std::getline(lines, line);)
    if (!line.empty() && line.front() == '{')
      run.snapshot = nlohmann::json::parse(line, nullptr, false);
  return run;
}

client_in_background::client_in_background(std::vector<std::string> arguments, std::chrono::seconds timeout)
    : thread_([this, arguments, timeout] { result_ = run_client(arguments, timeout); }) {}

client_run client_in_background::wait() {
  thread_.join();
  return *result_;
}

std::optional<double> log_line_time(const std::string& line) {
  int hours = 0, minutes = 0;
  double seconds = 0;
  if (line.size() < 23 || std::sscanf(line.c_str() + 11, "%d:%d:%lf", &hours, &minutes, &seconds) != 3)
    return std::nullopt;
  return hours * 3600.0 + minutes * 60.0 + seconds;
}

std::vector<std::string> log_lines_with(const std::string& log, const std::string& needle) {
  std::vector<std::string> found;
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);)
    if (line.find(needle) != std::string::npos)
      found.push_back(line);
  return found;
}

std::string write_config(const temp_directory& directory, const std::string& text) {
  auto path = directory.file("vigil.toml");
  write_text_file(path, text);
  return path;
}

}  // namespace vigil::test_support
