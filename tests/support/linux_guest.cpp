#include "linux_guest.hpp"

#include <cstdlib>
#include <stdexcept>

#include "client_run.hpp"
#include "waiting.hpp"

#ifndef VIGIL_GUEST_DIR
#define VIGIL_GUEST_DIR ""
#endif

namespace vigil::test_support {
namespace {

const std::string event_prefix = "vigil-guest: ";

std::string readable_file(const std::string& path) {
  if (read_text_file(path).empty())
    throw std::runtime_error("the test guest's " + path +
                             " is missing: build the vigil-guest-image target (tests/guest/build-initramfs.sh)");
  return path;
}

}  // namespace

std::string guest_directory() {
  const char* from_environment = std::getenv("VIGIL_GUEST_DIR");
  return from_environment && *from_environment ? from_environment : VIGIL_GUEST_DIR;
}

linux_guest::linux_guest(const linux_guest_options& options) {
  std::string append = "console=ttyS0 quiet loglevel=4 panic=1 vigil.workload=" + options.workload;
  if (!options.module_groups.empty()) {
    append += " vigil.modules=";
    for (std::size_t i = 0; i < options.module_groups.size(); ++i)
      append += (i ? "," : "") + options.module_groups[i];
  }
  for (const auto& argument : options.kernel_arguments)
    append += " " + argument;
  spice_listen_config config = options.spice;
  config.memory_mb = options.memory_mb;
  const std::vector<std::string> boot = {"-kernel", readable_file(guest_directory() + "/vmlinuz"),
                                         "-initrd", readable_file(guest_directory() + "/initramfs.cpio.gz"),
                                         "-append", append, "-no-reboot"};
  config.extra_args.insert(config.extra_args.begin(), boot.begin(), boot.end());
  qemu_ = std::make_unique<qemu_server>(config);
}

std::vector<std::string> linux_guest::events() const { return events(""); }

std::vector<std::string> linux_guest::events(const std::string& prefix) const {
  std::vector<std::string> found;
  for (auto line : lines_starting_with(qemu_->serial_output(), event_prefix + prefix)) {
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    found.push_back(line.substr(event_prefix.size()));
  }
  return found;
}

bool linux_guest::wait_for(const std::string& prefix, std::chrono::milliseconds limit, std::size_t count) const {
  wait_until(
    [&] { return events(prefix).size() >= count || !events("failed").empty() || !qemu_->is_running(); }, limit,
    std::chrono::milliseconds(50));
  return events(prefix).size() >= count;
}

std::string linux_guest::describe() const {
  return "\n  QEMU: " + quote_command_line(qemu_->command_line()) + "\n  serial port:\n" + qemu_->serial_output() +
         "\n  QEMU output:\n" + qemu_->output();
}

}  // namespace vigil::test_support
