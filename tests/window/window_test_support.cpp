#include "window_test_support.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <boost/test/unit_test.hpp>

#include "loopback_ports.hpp"

namespace vigil::window_tests {

using namespace std::chrono_literals;
using test_support::background_process;
using test_support::run_process;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> lines_starting_with(const std::string& text, const std::string& prefix) {
  std::vector<std::string> found;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind(prefix, 0) == 0)
      found.push_back(line);
  return found;
}

}  // namespace

// Xvfb picks a free display number itself and writes it once it accepts
// clients (-displayfd), so two tests (or engineers) never race for one.
virtual_display::virtual_display(const temp_directory& work, const std::string& geometry) {
  auto log = work.file("xvfb.log");
  server_ = std::make_unique<background_process>(
    std::vector<std::string>{"sh", "-c", "exec Xvfb -displayfd 3 -screen 0 " + geometry + " -nolisten tcp 3>'" +
                                           work.file("xvfb.display") + "'"},
    log);
  std::string number;
  wait_until(
    [&] {
      std::ifstream in(work.file("xvfb.display"));
      std::getline(in, number);
      return !number.empty() || !server_->is_running();
    },
    20s);
  if (number.empty())
    throw std::runtime_error("Xvfb did not start: " + read_file(log));
  name_ = ":" + number;
  setenv("DISPLAY", name_.c_str(), 1);
}

std::string virtual_display::grab(const std::string& path) const {
  auto result = run_process({"import", "-display", name_, "-window", "root", path}, 20s);
  BOOST_REQUIRE_MESSAGE(result.exit_code == 0, "import failed: " << result.stderr_text);
  return path;
}

std::string xdotool(std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), "xdotool");
  auto result = run_process(arguments, 20s);
  BOOST_REQUIRE_MESSAGE(result.exit_code == 0, "xdotool failed: " << result.stderr_text);
  return result.stdout_text;
}

std::string wait_for_window(const std::string& name, std::chrono::milliseconds limit) {
  std::string id;
  wait_until(
    [&] {
      auto found = run_process({"xdotool", "search", "--onlyvisible", "--name", name}, 5s);
      id = found.stdout_text.substr(0, found.stdout_text.find('\n'));
      return !id.empty();
    },
    limit);
  return id;
}

long differing_pixels(const std::string& a, const std::string& b, const std::string& region) {
  std::vector<std::string> argv = {"compare", "-metric", "AE"};
  if (!region.empty())
    argv.insert(argv.end(), {"-extract", region});
  argv.insert(argv.end(), {a, b, "null:"});
  auto result = run_process(argv, 30s);
  return std::stol(result.stderr_text);  // compare prints the count on stderr
}

scene_server::scene_server(const temp_directory& work, const std::vector<std::string>& options) {
  port_ = test_support::find_free_loopback_port();
  log_path_ = work.file("server-" + std::to_string(port_) + ".log");
  std::vector<std::string> argv{VIGIL_TEST_SERVER_BINARY, "--port", std::to_string(port_)};
  argv.insert(argv.end(), options.begin(), options.end());
  process_ = std::make_unique<background_process>(argv, log_path_);
  BOOST_REQUIRE_MESSAGE(!wait_for_line("listening", 10s).empty(), "the test server did not start: " << read_file(log_path_));
}

std::vector<std::string> scene_server::lines(const std::string& prefix) const {
  return lines_starting_with(read_file(log_path_), prefix);
}

std::string scene_server::wait_for_line(const std::string& prefix, std::chrono::milliseconds limit,
                                        std::size_t count) const {
  std::string last;
  wait_until(
    [&] {
      auto found = lines(prefix);
      last = found.size() >= count ? found.back() : "";
      return !last.empty();
    },
    limit);
  return last;
}

background_client::background_client(const temp_directory& work, const std::vector<std::string>& arguments) {
  static int clients = 0;
  ++clients;
  log_path_ = work.file("client-" + std::to_string(clients) + ".log");
  output_path_ = work.file("client-" + std::to_string(clients) + ".out");
  std::vector<std::string> argv{VIGIL_CLIENT_BINARY};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  // stdout (snapshots) and stderr (log) apart: a shell splits them.
  std::string command = test_support::quote_command_line(argv) + " 2>'" + log_path_ + "'";
  process_ = std::make_unique<background_process>(std::vector<std::string>{"sh", "-c", "exec " + command},
                                                  output_path_);
}

std::string background_client::log() const { return read_file(log_path_); }
std::string background_client::output() const { return read_file(output_path_); }

bool background_client::wait_for_log(const std::string& needle, std::chrono::milliseconds limit,
                                     std::size_t count) const {
  return wait_until(
    [&] {
      auto text = log();
      std::size_t found = 0;
      for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size()))
        ++found;
      return found >= count;
    },
    limit);
}

std::vector<std::string> combination_lines(const std::vector<std::string>& scancodes) {
  std::vector<std::string> lines;
  for (const auto& code : scancodes)
    lines.push_back("input key-down scancode=" + code);
  for (auto code = scancodes.rbegin(); code != scancodes.rend(); ++code)
    lines.push_back("input key-up scancode=" + *code);
  return lines;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines)
    text += line + "; ";
  return text;
}

bool contains_run(const std::vector<std::string>& lines, const std::vector<std::string>& sequence) {
  if (sequence.empty())
    return true;
  for (std::size_t start = 0; start + sequence.size() <= lines.size(); ++start)
    if (std::equal(sequence.begin(), sequence.end(), lines.begin() + static_cast<long>(start)))
      return true;
  return false;
}

}  // namespace vigil::window_tests
