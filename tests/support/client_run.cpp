#include "client_run.hpp"

#include <boost/test/unit_test.hpp>

#include <signal.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <sstream>

#include "waiting.hpp"

#ifndef VIGIL_CLIENT_BINARY
#define VIGIL_CLIENT_BINARY ""
#endif

namespace vigil::test_support {
namespace {

std::string to_lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::vector<std::string> non_empty_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) {
    if (line.find_first_not_of(" \t\r") != std::string::npos) lines.push_back(line);
  }
  return lines;
}

std::string last_lines(const std::string& text, std::size_t count) {
  std::size_t position = text.size();
  if (position > 0 && text.back() == '\n') --position;  // a trailing newline ends the last line
  for (std::size_t found = 0; found < count; ++found) {
    if (position == 0) return text;
    position = text.rfind('\n', position - 1);
    if (position == std::string::npos) return text;
  }
  return "[... earlier lines cut ...]\n" + text.substr(position + 1);
}

// The final snapshot: stdout's last line; before it only the snapshots the
// test asked for (SIGUSR1).
void parse_snapshot(client_run& run, std::size_t requested = 0) {
  const auto lines = non_empty_lines(run.process.stdout_text);
  if (lines.size() != requested + 1) {
    run.snapshot_problem = "stdout should be " + std::to_string(requested + 1) + " JSON line(s), has " +
                           std::to_string(lines.size());
    return;
  }
  try {
    run.snapshot = nlohmann::json::parse(lines.back());
  } catch (const nlohmann::json::exception& error) {
    run.snapshot_problem = std::string("stdout is not valid JSON: ") + error.what();
  }
}

std::vector<std::string> client_command(const std::vector<std::string>& arguments) {
  const std::string binary = vigil_binary();
  BOOST_TEST_REQUIRE(!binary.empty(), "no client binary: build with the vigil target or set VIGIL_BINARY");
  std::vector<std::string> command{binary};
  command.insert(command.end(), arguments.begin(), arguments.end());
  return command;
}

}  // namespace

std::string client_run::context() const {
  std::ostringstream text;
  text << "\n  command: " << quote_command_line(command) << "\n  result: " << process.describe()
       << "\n  stdout: " << process.stdout_text;
  if (!snapshot_problem.empty()) text << "\n  (" << snapshot_problem << ")";
  text << "\n  stderr:\n" << last_lines(process.stderr_text, 60);
  return text.str();
}

const nlohmann::json* client_run::channel(const std::string& name, int id) const {
  if (!snapshot || !snapshot->contains("channels") || !snapshot->at("channels").is_array()) return nullptr;
  for (const auto& entry : snapshot->at("channels")) {
    if (entry.value("channel", "") == name && entry.value("id", -1) == id) return &entry;
  }
  return nullptr;
}

std::string vigil_binary() {
  const char* from_environment = std::getenv("VIGIL_BINARY");
  if (from_environment && *from_environment) return from_environment;
  return VIGIL_CLIENT_BINARY;
}

client_run run_vigil(const std::vector<std::string>& arguments, std::chrono::seconds timeout,
                     const std::string& stdin_path) {
  client_run run;
  run.command = client_command(arguments);
  run.process = run_process(run.command, timeout, std::chrono::seconds(3), stdin_path);
  parse_snapshot(run);
  return run;
}

background_client::background_client(const std::vector<std::string>& arguments)
    : work_("vigil-client"), command_(client_command(arguments)), started_(std::chrono::steady_clock::now()),
      process_(std::make_unique<background_process>(command_, work_.file("stdout"), work_.file("stderr"))) {}

background_client::~background_client() {
  if (process_) process_->stop();
}

std::string background_client::log() const { return read_text_file(work_.file("stderr")); }

std::string background_client::mapped_files() const {
  return read_text_file("/proc/" + std::to_string(process_->pid()) + "/maps");
}

bool background_client::wait_for_log(const std::string& needle, std::chrono::milliseconds limit,
                                     std::size_t count) const {
  return wait_until([&] { return lines_with(log(), needle).size() >= count; }, limit);
}

client_run background_client::finish(std::chrono::milliseconds limit) {
  const bool timed_out = !process_->wait_for_exit(limit);
  auto run = results();
  run.process.timed_out = timed_out;
  return run;
}

client_run background_client::stop() { return results(); }

client_run background_client::results() {
  client_run run;
  run.command = command_;
  process_->stop();
  run.process.exit_code = process_->exit_code();
  run.process.term_signal = process_->term_signal();
  run.process.elapsed_seconds = seconds_since(started_);
  run.process.stdout_text = read_text_file(work_.file("stdout"));
  run.process.stderr_text = log();
  parse_snapshot(run, snapshots_requested_);
  return run;
}

std::optional<nlohmann::json> background_client::snapshot_now(std::chrono::milliseconds limit) {
  const auto lines_before = non_empty_lines(read_text_file(work_.file("stdout"))).size();
  if (!process_->is_running() || ::kill(process_->pid(), SIGUSR1) != 0)
    return std::nullopt;
  ++snapshots_requested_;
  std::vector<std::string> lines;
  const bool printed = wait_until(
    [&] {
      lines = non_empty_lines(read_text_file(work_.file("stdout")));
      return lines.size() > lines_before && !lines.back().empty() && lines.back().back() == '}';
    },
    limit, std::chrono::milliseconds(20));
  if (!printed)
    return std::nullopt;
  auto parsed = nlohmann::json::parse(lines.back(), nullptr, false);
  if (parsed.is_discarded())
    return std::nullopt;
  return parsed;
}

const nlohmann::json* snapshot_channel(const nlohmann::json& snapshot, const std::string& name) {
  const auto channels = snapshot.find("channels");  // by reference: the result points into it
  if (channels == snapshot.end() || !channels->is_array()) return nullptr;
  for (const auto& channel : *channels)
    if (channel.value("channel", "") == name && channel.value("id", -1) == 0) return &channel;
  return nullptr;
}

bool display_quiet(const nlohmann::json& snapshot, std::chrono::milliseconds quiet) {
  const nlohmann::json* display = snapshot_channel(snapshot, "display");
  return display && display->value("state", "") == "up" && display->value("messages_in", 0) > 0 &&
         display->value("last_activity_age_ms", 0) >= quiet.count();
}

void wait_until_display_quiet(background_client& client, std::chrono::milliseconds limit) {
  constexpr std::chrono::milliseconds two_heartbeats{2000};
  const auto last =
    client.wait_for_snapshot([&](const nlohmann::json& s) { return display_quiet(s, two_heartbeats); }, limit);
  const nlohmann::json* display = last ? snapshot_channel(*last, "display") : nullptr;
  BOOST_TEST_REQUIRE((last && display_quiet(*last, two_heartbeats)),
                     "the display channel never went quiet; last: " << (display ? display->dump() : "no snapshot")
                                                                    << "\nclient log:\n" << client.log());
}

std::string plain_uri(std::uint16_t port) { return "spice://127.0.0.1:" + std::to_string(port); }
std::string tls_uri(std::uint16_t tls_port) { return "spice+tls://127.0.0.1:" + std::to_string(tls_port); }
std::string tls_port_query_uri(std::uint16_t tls_port) {
  return "spice://127.0.0.1?tls-port=" + std::to_string(tls_port);
}

bool contains_ignoring_case(const std::string& text, const std::string& needle) {
  return to_lower(text).find(to_lower(needle)) != std::string::npos;
}

std::string line_containing(const std::string& text, const std::string& needle) {
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) {
    if (contains_ignoring_case(line, needle)) return line;
  }
  return "";
}

std::vector<std::string> lines_with(const std::string& text, const std::string& needle) {
  std::vector<std::string> found;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (line.find(needle) != std::string::npos) found.push_back(line);
  return found;
}

std::vector<std::string> lines_starting_with(const std::string& text, const std::string& prefix) {
  std::vector<std::string> found;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind(prefix, 0) == 0) found.push_back(line);
  return found;
}

std::optional<double> log_line_time(const std::string& line) {
  int hours = 0, minutes = 0;
  double seconds = 0;
  if (line.size() < 23 || std::sscanf(line.c_str() + 11, "%d:%d:%lf", &hours, &minutes, &seconds) != 3)
    return std::nullopt;
  return hours * 3600.0 + minutes * 60.0 + seconds;
}

double wall_time_of_day() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t whole = std::chrono::system_clock::to_time_t(now);
  std::tm local{};
  ::localtime_r(&whole, &local);
  const double fraction =
    std::chrono::duration<double>(now - std::chrono::system_clock::from_time_t(whole)).count();
  return local.tm_hour * 3600.0 + local.tm_min * 60.0 + local.tm_sec + fraction;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += line + "; ";
  return text;
}

std::string write_config(const temp_directory& directory, const std::string& text) {
  auto path = directory.file("vigil.toml");
  write_text_file(path, text);
  return path;
}

void check_snapshot_matches_exit(const client_run& run) {
  BOOST_TEST_REQUIRE(run.snapshot.has_value(), "no JSON health snapshot: " << run.snapshot_problem << run.context());
  const auto& exit = run.snapshot->at("exit");
  BOOST_TEST(exit.at("code").get<int>() == run.exit_code());
  BOOST_TEST(!exit.value("reason", "").empty(), "exit.reason should say why the client exited");
}

void check_session_stayed_up(const client_run& run, int duration_s, const std::vector<std::string>& channels) {
  // Past a wrong exit code the other checks only repeat the same failure.
  BOOST_TEST_REQUIRE(run.exit_code() == exit_codes::ok, run.context());
  check_snapshot_matches_exit(run);
  const auto& session = run.snapshot->at("session");
  BOOST_TEST(session.at("state").get<std::string>() == "up");
  // One session for the whole run: no reconnect, and up when it ended. (Not
  // "uptime close to --duration": the duration counts from the start, so a
  // slow connect on a loaded machine shortens the uptime without any fault.)
  const double uptime_s = session.at("uptime_s").get<double>();
  BOOST_TEST(session.at("reconnects").get<int>() == 0, "the session reconnected: " << session.dump());
  BOOST_TEST(uptime_s > 0.0, "uptime_s " << uptime_s << " for --duration " << duration_s);
  BOOST_TEST(uptime_s <= duration_s + 1.0, "uptime_s " << uptime_s << " for --duration " << duration_s);
  BOOST_TEST(run.process.elapsed_seconds < duration_s + 10.0, "exit took " << run.process.elapsed_seconds << " s");
  for (const auto& name : channels) {
    const nlohmann::json* channel = run.channel(name);
    BOOST_TEST_REQUIRE(channel != nullptr, "channel " << name << " missing from the snapshot");
    BOOST_TEST(channel->at("state").get<std::string>() == "up", "channel " << name);
    BOOST_TEST(channel->at("errors").empty(), "channel " << name << " errors: " << channel->at("errors").dump());
  }
}

void check_all_channels_tls(const client_run& run, bool expected) {
  BOOST_TEST_REQUIRE(run.snapshot.has_value(), "no JSON health snapshot: " << run.snapshot_problem);
  for (const auto& channel : run.snapshot->at("channels")) {
    BOOST_TEST(channel.at("tls").get<bool>() == expected, "channel " << channel.value("channel", "?"));
  }
}

void report_channel_figures(const client_run& run) {
  if (!run.snapshot) return;
  BOOST_TEST_MESSAGE("session " << run.snapshot->value("session", nlohmann::json::object()).dump() << ", process "
                                << run.process.describe());
  for (const auto& channel : run.snapshot->value("channels", nlohmann::json::array())) {
    BOOST_TEST_MESSAGE("  " << channel.dump());
  }
}

const std::vector<std::string>& qemu_default_channels() {
  static const std::vector<std::string> channels{"main", "display", "inputs", "cursor"};
  return channels;
}

}  // namespace vigil::test_support
