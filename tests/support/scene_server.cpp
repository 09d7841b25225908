#include "scene_server.hpp"

#include <signal.h>

#include <cstdlib>
#include <stdexcept>

#include "client_run.hpp"
#include "loopback_ports.hpp"
#include "waiting.hpp"

#ifndef VIGIL_TEST_SERVER_BINARY
#define VIGIL_TEST_SERVER_BINARY ""
#endif

namespace vigil::test_support {
namespace {

using namespace std::chrono_literals;

constexpr int start_attempts = 3;
constexpr auto listen_timeout = 30s;

}  // namespace

std::string test_server_binary() {
  const char* override_path = std::getenv("VIGIL_TEST_SERVER");
  return override_path && *override_path ? override_path : VIGIL_TEST_SERVER_BINARY;
}

scene_server::scene_server(const std::vector<std::string>& options, bool tls_port)
    : work_directory_("scene-server") {
  for (int attempt = 1; attempt <= start_attempts; ++attempt) {
    const auto ports = find_free_loopback_ports(2);
    port_ = ports[0];
    tls_port_ = tls_port ? ports[1] : 0;
    if (start(options))
      return;
  }
  throw std::runtime_error("vigil-test-server did not start listening; output:\n" + output());
}

scene_server::~scene_server() { stop(); }

std::uint16_t scene_server::tls_port() const {
  if (!tls_port_)
    throw std::logic_error("scene_server: this server has no TLS port");
  return tls_port_;
}

bool scene_server::start(const std::vector<std::string>& options) {
  if (test_server_binary().empty())
    throw std::runtime_error("no vigil-test-server: build it or set VIGIL_TEST_SERVER");
  std::vector<std::string> command{test_server_binary(), "--port", std::to_string(port_)};
  if (tls_port_)
    command.insert(command.end(), {"--tls-port", std::to_string(tls_port_)});
  command.insert(command.end(), options.begin(), options.end());
  ++runs_;
  process_ = std::make_unique<background_process>(command, work_directory_.file("output-" + std::to_string(runs_)));
  if (wait_for_output("listening port=", listen_timeout))
    return true;
  process_->stop();  // most likely a port was taken in between
  return false;
}

void scene_server::pause() {
  if (process_ && process_->is_running())
    ::kill(process_->pid(), SIGSTOP);
}

void scene_server::resume() {
  if (process_ && process_->is_running())
    ::kill(process_->pid(), SIGCONT);
}

void scene_server::stop() {
  resume();  // a stopped process would not see SIGTERM
  if (process_)
    process_->stop();
}

void scene_server::start_again(const std::vector<std::string>& options) {
  stop();
  if (!start(options))
    throw std::runtime_error("vigil-test-server did not start again on port " + std::to_string(port_) +
                             "; output:\n" + output());
}

std::string scene_server::output() const {
  return read_text_file(work_directory_.file("output-" + std::to_string(runs_)));
}

bool scene_server::wait_for_output(const std::string& text, std::chrono::milliseconds limit) const {
  return wait_until(
    [&] { return output().find(text) != std::string::npos || !process_ || !process_->is_running(); }, limit) &&
         output().find(text) != std::string::npos;
}

std::vector<std::string> scene_server::lines(const std::string& prefix) const {
  return lines_starting_with(output(), prefix);
}

std::string scene_server::wait_for_line(const std::string& prefix, std::chrono::milliseconds limit,
                                        std::size_t count) const {
  wait_until([&] { return lines(prefix).size() >= count; }, limit);
  const auto found = lines(prefix);
  return found.size() >= count ? found.back() : std::string();
}

}  // namespace vigil::test_support
