#include "ui/device_options.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "actors/usb_host_device.hpp"

namespace vigil {

namespace {

// TEXT or TEXT,ro.
std::pair<std::string, bool> path_and_read_only(const std::string& text) {
  if (text.size() > 3 && text.compare(text.size() - 3, 3, ",ro") == 0)
    return {text.substr(0, text.size() - 3), true};
  return {text, false};
}

}  // namespace

std::optional<std::string> apply_device_options(const device_option_values& values, const connection_file* file,
                                                const std::string& file_name, session_options& session) {
  auto& usb = session.usb;
  for (const auto& text : values.usb_disks) {
    auto [path, read_only] = path_and_read_only(text);
    if (path.empty() || path.find(',') != std::string::npos)
      return "--usb-disk '" + text + "': expected FILE or FILE,ro";
    if (::access(path.c_str(), read_only ? R_OK : R_OK | W_OK) != 0)
      return "--usb-disk '" + text + "': cannot " + (read_only ? "read " : "read and write ") + path + ": " +
             std::strerror(errno);
    usb.disks.push_back(usb_disk_spec{path, read_only});
  }
  if (file && file->enable_usbredir)
    usb.enabled = *file->enable_usbredir;
  if (file && file->enable_usb_autoshare)
    usb.autoshare.enabled = *file->enable_usb_autoshare;
  auto filter = protocol::usb::parse_usb_filter(file && !file->usb_filter.empty()
                                                  ? std::string_view(file->usb_filter)
                                                  : protocol::usb::usb_filter::default_autoshare);
  if (!filter)
    return file_name + ": key 'usb-filter': " + filter.error().message;
  usb.autoshare.filter = *filter;
  if (!values.usb_redirects.empty()) {
    std::string list_error;
    auto present = list_host_usb_devices(list_error);
    for (const auto& text : values.usb_redirects) {
      auto selector = protocol::usb::parse_usb_device_selector(text);
      if (!selector)
        return selector.error().message;
      if (std::none_of(present.begin(), present.end(), [&](const auto& device) { return selector->matches(device); }))
        return "--usb-redirect " + text + ": no such USB device on this machine" +
               (list_error.empty() ? "" : " (" + list_error + ")");
      usb.host_devices.push_back(*selector);
    }
  }
  if (!usb.enabled && (!usb.disks.empty() || !usb.host_devices.empty()))
    return file_name + ": enable-usbredir=0, but --usb-disk or --usb-redirect asks for USB redirection";
  if (!values.share_dir.empty()) {
    auto [directory, read_only] = path_and_read_only(values.share_dir);
    struct stat info {};
    if (::stat(directory.c_str(), &info) != 0 || !S_ISDIR(info.st_mode))
      return "--share-dir '" + values.share_dir + "': " + directory + " is not a directory";
    session.share = shared_folder{directory, read_only};
  }
  return std::nullopt;
}

}  // namespace vigil
