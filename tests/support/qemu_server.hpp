// The one QEMU fixture: qemu-system-x86_64 (TCG) with a QXL card on free
// loopback ports, exactly as docs/test-targets.md describes. With no disk it
// shows SeaBIOS ("No bootable device." and a blinking cursor); extra_args and
// memory_mb make other machines (a kernel and initramfs: see linux_guest.hpp).
// Every instance has a QMP socket (screendump, query-status) and its serial
// port in a file. Besides TCP it can listen on a Unix socket, with SASL.
//
// The constructor returns only once every SPICE port accepts connections (or
// throws with QEMU's own output). The destructor stops QEMU (SIGTERM, then
// SIGKILL), and QEMU also dies with the test process (PR_SET_PDEATHSIG).
#pragma once

#include "child_process.hpp"
#include "temp_directory.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace vigil::test_support {

struct spice_listen_config {
  bool plain_port = true;
  bool tls_port = false;
  std::string x509_dir;     // needed with tls_port: ca-cert.pem, server-cert.pem, server-key.pem
  std::string tls_channel;  // e.g. "main": that channel is refused on the plain port (NEED_SECURED)
  std::string plaintext_channel;  // e.g. "inputs": that channel is refused on the TLS port (NEED_UNSECURED)
  std::string password;     // empty: disable-ticketing=on
  std::string unix_path;    // set: listen on this Unix socket instead of TCP ports (unix=on,addr=PATH)
  bool sasl = false;        // sasl=on; the caller sets SASL_CONF_PATH (QEMU inherits the environment)
  bool seamless_migration = false;  // seamless-migration=on (live migration tests; both ends need it)
  std::string qmp_socket;   // set: the QMP monitor's Unix socket (else one in QEMU's work directory)
  std::vector<std::string> extra_args;  // appended to QEMU's command line (-kernel, -device, ...)
  std::uint16_t fixed_port = 0;  // set: the plain port to use (one attempt, no other port tried)
  int memory_mb = 128;           // -m
};

spice_listen_config plain_spice();
spice_listen_config tls_only_spice(const std::string& x509_dir);
// Both ports; `secure_channel` (e.g. "main") may only use the TLS one.
spice_listen_config plain_and_tls_spice(const std::string& x509_dir, const std::string& secure_channel);
spice_listen_config password_spice(const std::string& password);
spice_listen_config unix_socket_spice(const std::string& path);

class qemu_server {
public:
  explicit qemu_server(const spice_listen_config& config);
  ~qemu_server();

  qemu_server(const qemu_server&) = delete;
  qemu_server& operator=(const qemu_server&) = delete;

  // Throw std::logic_error when the server has no such port.
  std::uint16_t port() const;
  std::uint16_t tls_port() const;

  bool is_running() { return process_->is_running(); }
  pid_t pid() const { return process_->pid(); }
  // What QEMU wrote to stdout/stderr so far (spice-server warnings land here).
  std::string output() const { return read_text_file(log_path_); }
  const std::vector<std::string>& command_line() const { return command_line_; }

  // What the guest wrote to its first serial port so far.
  std::string serial_output() const { return read_text_file(serial_path_); }
  // The QMP socket, for a qmp_client.
  std::string qmp_socket() const {
    return config_.qmp_socket.empty() ? work_directory_.file("qmp.sock") : config_.qmp_socket;
  }
  // QEMU's own picture of the screen (QMP screendump, PPM) written to `path`;
  // "" on success, else what went wrong. Mind docs/test-targets.md: a stopped
  // VM returns the last picture taken while it ran.
  std::string screendump(const std::string& path) const;

  // SIGKILL: the server vanishes without a goodbye.
  void kill();
  // Starts the same QEMU again on the same ports (a client may reconnect to
  // "the same server"); throws when it does not listen.
  void start_again();

private:
  // One attempt; with `fresh_ports` on new free ports. False if QEMU exited
  // before listening (for example because another process took a port).
  bool try_start(bool fresh_ports);

  spice_listen_config config_;
  temp_directory work_directory_;
  std::string log_path_;
  std::string serial_path_;
  std::optional<std::uint16_t> port_;
  std::optional<std::uint16_t> tls_port_;
  std::vector<std::string> command_line_;
  std::unique_ptr<background_process> process_;
};

}  // namespace vigil::test_support
