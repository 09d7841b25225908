// A real Linux guest for tests: QEMU (qemu_server, TCG, QXL) booting Debian's
// kernel with the initramfs of tests/guest/ (busybox, the guest's own qxl
// driver, a workload on tty1 chosen by kernel arguments). The guest reports
// on its first serial port, one "vigil-guest: EVENT" line per event
// (tests/guest/init.sh lists them), and the test waits on those lines.
// About 5 s from start to `ready` on an idle machine; waits are generous.
//
//   linux_guest_options options;
//   options.workload = "echo";
//   linux_guest guest(options);
//   BOOST_REQUIRE(guest.wait_for("ready", linux_guest::boot_limit));
//   ... vigil spice://127.0.0.1:guest.port() ...
//   guest.wait_for("key 68", 30s);
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "qemu_server.hpp"

namespace vigil::test_support {

struct linux_guest_options {
  std::string workload = "idle";                // vigil.workload=: idle, draw, echo, scroll
  std::vector<std::string> kernel_arguments;    // more, e.g. "vigil.cursor=1", "vigil.scroll_lines=5000"
  std::vector<std::string> module_groups;       // besides display: agent, usb, tablet
  spice_listen_config spice = plain_spice();    // its extra_args add devices (usb-tablet, usb-redir, ...)
  int memory_mb = 256;
};

class linux_guest {
public:
  // Generous for TCG on a loaded 2-core machine (idle: ~5 s).
  static constexpr std::chrono::seconds boot_limit{180};

  // Starts QEMU; returns once its SPICE port listens (the guest boots on).
  // Throws std::runtime_error when the kernel or initramfs is missing.
  explicit linux_guest(const linux_guest_options& options = {});

  qemu_server& qemu() { return *qemu_; }
  std::uint16_t port() const { return qemu_->port(); }

  // The serial port's "vigil-guest: " lines, without that prefix, in order.
  std::vector<std::string> events() const;
  // The events starting with `prefix` ("key " for the echoed keys).
  std::vector<std::string> events(const std::string& prefix) const;
  // Waits until `count` events start with `prefix`; false on timeout or when
  // the guest reported "failed: ..." or QEMU ended.
  bool wait_for(const std::string& prefix, std::chrono::milliseconds limit, std::size_t count = 1) const;
  // Everything on the serial port (kernel messages too) and QEMU's output,
  // for failure messages.
  std::string describe() const;

private:
  std::unique_ptr<qemu_server> qemu_;
};

// The kernel and initramfs the guest boots: $VIGIL_GUEST_DIR, else the
// directory the build made them in (the vigil-guest-image target).
std::string guest_directory();

}  // namespace vigil::test_support
