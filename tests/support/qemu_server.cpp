#include "qemu_server.hpp"

#include "loopback_ports.hpp"
#include "qmp_client.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <thread>

namespace vigil::test_support {
namespace {

using namespace std::chrono_literals;

constexpr auto listen_timeout = 30s;
constexpr int start_attempts = 3;

// QEMU's option parser treats ',' as a separator; a literal comma is doubled.
std::string escape_option_value(const std::string& value) {
  std::string escaped;
  for (char c : value) {
    escaped += c;
    if (c == ',') escaped += ',';
  }
  return escaped;
}

bool unix_socket_accepts_connections(const std::string& path) {
  const int fd = connect_unix_socket(path);
  if (fd >= 0) close(fd);
  return fd >= 0;
}

bool answers_qmp(const std::string& socket) {
  try {
    qmp_client qmp(socket, 0ms);
    qmp.execute("query-status", nlohmann::json::object(), 5s);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

std::string qemu_binary() {
  const char* override_path = std::getenv("VIGIL_QEMU");
  return override_path && *override_path ? override_path : "qemu-system-x86_64";
}

}  // namespace

spice_listen_config plain_spice() { return {}; }

spice_listen_config tls_only_spice(const std::string& x509_dir) {
  spice_listen_config config;
  config.plain_port = false;
  config.tls_port = true;
  config.x509_dir = x509_dir;
  return config;
}

spice_listen_config plain_and_tls_spice(const std::string& x509_dir, const std::string& secure_channel) {
  spice_listen_config config;
  config.tls_port = true;
  config.x509_dir = x509_dir;
  config.tls_channel = secure_channel;
  return config;
}

spice_listen_config password_spice(const std::string& password) {
  spice_listen_config config;
  config.password = password;
  return config;
}

spice_listen_config unix_socket_spice(const std::string& path) {
  spice_listen_config config;
  config.plain_port = false;
  config.unix_path = path;
  return config;
}

qemu_server::qemu_server(const spice_listen_config& config)
    : config_(config), work_directory_("qemu"),
      log_path_(work_directory_.file("qemu-output.log")), serial_path_(work_directory_.file("serial.log")) {
  if (!config.plain_port && !config.tls_port && config.unix_path.empty())
    throw std::logic_error("qemu_server: no SPICE port requested");
  if (config.tls_port && config.x509_dir.empty()) throw std::logic_error("qemu_server: TLS needs an x509_dir");
  const int attempts = config.fixed_port ? 1 : start_attempts;
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    if (try_start(true)) return;
  }
  throw std::runtime_error("QEMU did not start listening after " + std::to_string(attempts) +
                           " attempts; last command: " + quote_command_line(command_line_) +
                           "\nQEMU " + process_->describe_state() + ", output:\n" + output());
}

qemu_server::~qemu_server() {
  if (process_) process_->stop();
}

void qemu_server::kill() {
  if (process_) process_->stop(std::chrono::milliseconds(0));  // no grace: SIGKILL at once
}

void qemu_server::start_again() {
  if (!try_start(false))
    throw std::runtime_error("QEMU did not start again on its ports: " + quote_command_line(command_line_) +
                             "\nQEMU " + process_->describe_state() + ", output:\n" + output());
}

bool qemu_server::try_start(bool fresh_ports) {
  if (process_) process_->stop();
  process_.reset();

  if (fresh_ports) {
    const auto ports = find_free_loopback_ports(2);
    port_.reset();
    tls_port_.reset();
    if (config_.plain_port) port_ = config_.fixed_port ? config_.fixed_port : ports[0];
    if (config_.tls_port) tls_port_ = ports[1];
  }
  std::string spice =
    config_.unix_path.empty() ? "addr=127.0.0.1" : "unix=on,addr=" + escape_option_value(config_.unix_path);
  if (port_) spice += ",port=" + std::to_string(*port_);
  if (tls_port_)
    spice += ",tls-port=" + std::to_string(*tls_port_) + ",x509-dir=" + escape_option_value(config_.x509_dir);
  if (!config_.tls_channel.empty()) spice += ",tls-channel=" + config_.tls_channel;
  if (!config_.plaintext_channel.empty()) spice += ",plaintext-channel=" + config_.plaintext_channel;
  if (config_.sasl) spice += ",sasl=on";
  if (config_.seamless_migration) spice += ",seamless-migration=on";
  if (!config_.password.empty()) spice += ",password-secret=vigil-spice-password";
  else if (!config_.sasl) spice += ",disable-ticketing=on";

  command_line_ = {qemu_binary(), "-accel", "tcg", "-machine", "pc", "-m", std::to_string(config_.memory_mb),
                   "-nodefaults", "-vga", "qxl", "-display", "none", "-monitor", "none",
                   "-serial", "file:" + serial_path_, "-qmp", "unix:" + escape_option_value(qmp_socket()) + ",server=on,wait=off"};
  if (!config_.password.empty()) {
    command_line_.push_back("-object");
    command_line_.push_back("secret,id=vigil-spice-password,data=" + escape_option_value(config_.password));
  }
  command_line_.push_back("-spice");
  command_line_.push_back(spice);
  command_line_.insert(command_line_.end(), config_.extra_args.begin(), config_.extra_args.end());

  process_ = std::make_unique<background_process>(command_line_, log_path_);

  const auto deadline = std::chrono::steady_clock::now() + listen_timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!process_->is_running()) return false;
    const bool plain_ready = !port_ || loopback_port_accepts_connections(*port_);
    const bool tls_ready = !tls_port_ || loopback_port_accepts_connections(*tls_port_);
    const bool unix_ready = config_.unix_path.empty() || unix_socket_accepts_connections(config_.unix_path);
    // spice-server listens before it loads the TLS certificates, and QEMU
    // exits when that fails: a port that accepts is not yet proof that QEMU
    // will stay. QMP answering is: QEMU has finished starting.
    if (plain_ready && tls_ready && unix_ready && answers_qmp(qmp_socket())) return process_->is_running();
    std::this_thread::sleep_for(50ms);  // sleep-ok: a poll with its deadline and exit check
  }
  const std::string state = process_->describe_state();
  process_->stop();
  throw std::runtime_error("QEMU did not accept connections within 30 s (" + state + "): " +
                           quote_command_line(command_line_) + "\nQEMU output:\n" + output());
}

std::string qemu_server::screendump(const std::string& path) const {
  try {
    qmp_client qmp(qmp_socket());
    qmp.execute("screendump", {{"filename", path}});
  } catch (const std::exception& error) {
    return error.what();
  }
  if (read_text_file(path).empty()) return "screendump wrote nothing to " + path;
  return "";
}

std::uint16_t qemu_server::port() const {
  if (!port_) throw std::logic_error("qemu_server: this server has no plain SPICE port");
  return *port_;
}

std::uint16_t qemu_server::tls_port() const {
  if (!tls_port_) throw std::logic_error("qemu_server: this server has no TLS SPICE port");
  return *tls_port_;
}

}  // namespace vigil::test_support
