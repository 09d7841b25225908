#include "vigil_client_run.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <sstream>

#ifndef VIGIL_CLIENT_BINARY
#define VIGIL_CLIENT_BINARY ""
#endif

namespace vigil::integration {
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

void parse_snapshot(vigil_run& run) {
  const auto lines = non_empty_lines(run.process.stdout_text);
  if (lines.size() != 1) {
    run.snapshot_problem = "stdout should be exactly one JSON line, has " + std::to_string(lines.size());
    return;
  }
  try {
    run.snapshot = nlohmann::json::parse(lines.front());
  } catch (const nlohmann::json::exception& error) {
    run.snapshot_problem = std::string("stdout is not valid JSON: ") + error.what();
  }
}

}  // namespace

std::string vigil_run::context() const {
  std::ostringstream text;
  text << "\n  command: " << test_support::quote_command_line(command)
       << "\n  result: " << process.describe()
       << "\n  stdout: " << process.stdout_text;
  if (!snapshot_problem.empty()) text << "\n  (" << snapshot_problem << ")";
  text << "\n  stderr:\n" << last_lines(process.stderr_text, 60);
  return text.str();
}

std::string vigil_binary() {
  const char* from_environment = std::getenv("VIGIL_BINARY");
  if (from_environment && *from_environment) return from_environment;
  return VIGIL_CLIENT_BINARY;
}

vigil_run run_vigil(const std::vector<std::string>& arguments, std::chrono::seconds timeout) {
  const std::string binary = vigil_binary();
  BOOST_TEST_REQUIRE(!binary.empty(), "no client binary: configure with the vigil target or set VIGIL_BINARY");
  vigil_run run;
  run.command.push_back(binary);
  run.command.insert(run.command.end(), arguments.begin(), arguments.end());
  run.process = test_support::run_process(run.command, timeout);
  parse_snapshot(run);
  return run;
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

const nlohmann::json* find_channel(const nlohmann::json& snapshot, const std::string& name, int id) {
  if (!snapshot.contains("channels") || !snapshot["channels"].is_array()) return nullptr;
  for (const auto& channel : snapshot["channels"]) {
    if (channel.value("channel", "") == name && channel.value("id", -1) == id) return &channel;
  }
  return nullptr;
}

void check_snapshot_matches_exit(const vigil_run& run) {
  BOOST_TEST_REQUIRE(run.snapshot.has_value(), "no JSON health snapshot: " << run.snapshot_problem);
  const auto& exit = run.snapshot->at("exit");
  BOOST_TEST(exit.at("code").get<int>() == run.exit_code());
  BOOST_TEST(!exit.value("reason", "").empty(), "exit.reason should say why the client exited");
}

void check_session_stayed_up(const vigil_run& run, int duration_s, const std::vector<std::string>& channels) {
  // Past a wrong exit code the other checks only repeat the same failure.
  BOOST_TEST_REQUIRE(run.exit_code() == static_cast<int>(vigil_exit::session_stayed_up));
  check_snapshot_matches_exit(run);
  const auto& session = run.snapshot->at("session");
  BOOST_TEST(session.at("state").get<std::string>() == "up");
  const double uptime_s = session.at("uptime_s").get<double>();
  BOOST_TEST(uptime_s >= duration_s - 2.0, "uptime_s " << uptime_s << " for --duration " << duration_s);
  BOOST_TEST(run.process.elapsed_seconds < duration_s + 10.0, "exit took " << run.process.elapsed_seconds << " s");
  for (const auto& name : channels) {
    const nlohmann::json* channel = find_channel(*run.snapshot, name);
    BOOST_TEST_REQUIRE(channel != nullptr, "channel " << name << " missing from the snapshot");
    BOOST_TEST(channel->at("state").get<std::string>() == "up", "channel " << name);
    BOOST_TEST(channel->at("errors").empty(), "channel " << name << " errors: " << channel->at("errors").dump());
  }
}

void check_all_channels_tls(const vigil_run& run, bool expected) {
  BOOST_TEST_REQUIRE(run.snapshot.has_value(), "no JSON health snapshot: " << run.snapshot_problem);
  for (const auto& channel : run.snapshot->at("channels")) {
    BOOST_TEST(channel.at("tls").get<bool>() == expected, "channel " << channel.value("channel", "?"));
  }
}

void report_channel_figures(const vigil_run& run) {
  if (!run.snapshot) return;
  BOOST_TEST_MESSAGE("session " << run.snapshot->value("session", nlohmann::json::object()).dump()
                                << ", process " << run.process.describe());
  for (const auto& channel : run.snapshot->value("channels", nlohmann::json::array())) {
    BOOST_TEST_MESSAGE("  " << channel.dump());
  }
}

const std::vector<std::string>& qemu_default_channels() {
  static const std::vector<std::string> channels{"main", "display", "inputs", "cursor"};
  return channels;
}

}  // namespace vigil::integration
