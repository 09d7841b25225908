// The command line's and the connection file's device options, checked and
// turned into the session's settings: --usb-disk FILE[,ro], --usb-redirect
// VID:PID|BUS-ADDR (the device must be present), --share-dir DIR[,ro], and
// the .vv keys enable-usbredir, enable-usb-autoshare and usb-filter.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "actors/session.hpp"
#include "ui/connection_file.hpp"

namespace vigil {

struct device_option_values {
  std::vector<std::string> usb_disks;
  std::vector<std::string> usb_redirects;
  std::string share_dir;
};

// nullopt, or the usage error naming the option (or the file's key) that is wrong.
// `file_name` names the connection file in errors ("<stdin>" for "-").
std::optional<std::string> apply_device_options(const device_option_values& values, const connection_file* file,
                                                const std::string& file_name, session_options& session);

}  // namespace vigil
