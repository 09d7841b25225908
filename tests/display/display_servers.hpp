// The two real servers the display tests draw from, each on free loopback
// ports and stopped (SIGTERM, then SIGKILL) when the object goes away:
//   - vigil-test-server (libspice-server with scripted scenes and reference
//     frames, tests/test_server/README.md);
//   - QEMU showing SeaBIOS, with its monitor on a unix socket for screendump.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "temp_directory.hpp"

namespace vigil::display_test {

class scene_server {
public:
  // `options`: vigil-test-server options besides --port (e.g. --scene text
  // --compression lz --reference-dir DIR). Returns once it prints `listening`;
  // throws std::runtime_error with its output otherwise.
  explicit scene_server(const std::vector<std::string>& options);
  ~scene_server();

  std::uint16_t port() const { return port_; }
  std::string output() const;  // stdout and stderr so far
  // Waits until a line containing `text` appears in the output.
  bool wait_for_output(const std::string& text, std::chrono::milliseconds timeout) const;

private:
  test_support::temp_directory work_directory_;
  std::uint16_t port_ = 0;
  std::unique_ptr<test_support::background_process> process_;
};

class qemu_seabios {
public:
  // QEMU with a QXL card and no disk; returns once its SPICE port accepts
  // connections. Throws std::runtime_error with QEMU's output otherwise.
  qemu_seabios();
  ~qemu_seabios();

  std::uint16_t port() const { return port_; }
  std::string output() const;
  // QEMU's own picture of the screen (monitor command `screendump`); "" on
  // success, else what went wrong.
  std::string screendump(const std::string& path) const;

private:
  test_support::temp_directory work_directory_;
  std::uint16_t port_ = 0;
  std::unique_ptr<test_support::background_process> process_;
};

// The test server binary: $VIGIL_TEST_SERVER, else the one CMake built.
std::string test_server_binary();

}  // namespace vigil::display_test
