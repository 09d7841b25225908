// vigil-test-server (libspice-server with scripted scenes, reference frames,
// scripted input devices and an emulated vdagent: tests/test_server/README.md)
// on free loopback ports, its output readable while it runs. Stopped (SIGTERM,
// then SIGKILL) when the object goes away; dies with the test process.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "temp_directory.hpp"

namespace vigil::test_support {

// The test server binary: $VIGIL_TEST_SERVER, else the one CMake built.
std::string test_server_binary();

class scene_server {
public:
  // `options`: vigil-test-server options besides the ports (e.g. --scene text
  // --compression lz --reference-dir DIR). With `tls_port` it also listens on
  // a TLS port (pass --x509-dir in `options`). Returns once it prints
  // `listening`; throws std::runtime_error with its output otherwise.
  explicit scene_server(const std::vector<std::string>& options, bool tls_port = false);
  ~scene_server();

  scene_server(const scene_server&) = delete;
  scene_server& operator=(const scene_server&) = delete;

  std::uint16_t port() const { return port_; }
  std::uint16_t tls_port() const;
  std::string output() const;  // stdout and stderr of the current run so far
  // Waits until a line containing `text` appears in the output.
  bool wait_for_output(const std::string& text, std::chrono::milliseconds limit) const;
  // The output's lines that start with `prefix` (e.g. "input key-"), in order.
  std::vector<std::string> lines(const std::string& prefix) const;
  // Waits until `count` lines start with `prefix`; the last such line, or "".
  std::string wait_for_line(const std::string& prefix, std::chrono::milliseconds limit,
                            std::size_t count = 1) const;

  // SIGSTOP / SIGCONT: a frozen server sends nothing more (what it sent is
  // still on its way), holding its connections open.
  void pause();
  void resume();

  // The server goes away (SIGTERM) and later comes back on the same ports,
  // with `options` (a new run, a new output).
  void stop();
  void start_again(const std::vector<std::string>& options);

private:
  bool start(const std::vector<std::string>& options);

  temp_directory work_directory_;
  int runs_ = 0;
  std::uint16_t port_ = 0;
  std::uint16_t tls_port_ = 0;
  std::unique_ptr<background_process> process_;
};

}  // namespace vigil::test_support
