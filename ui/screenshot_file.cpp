#include "ui/screenshot_file.hpp"

#include <cctype>
#include <cstdlib>
#include <ctime>

#include <sys/stat.h>

#include "common/log.hpp"

namespace vigil {

namespace {

bool is_directory(const std::string& path) {
  struct stat info {};
  return !path.empty() && ::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

}  // namespace

std::string screenshot_path(const std::string& directory, const std::string& vm_name) {
  std::string where = directory;
  if (where.empty()) {
    const char* home = std::getenv("HOME");
    where = home && is_directory(std::string(home) + "/Pictures") ? std::string(home) + "/Pictures"
            : home && is_directory(home)                           ? std::string(home)
                                                                   : std::string(".");
  }
  std::string name;
  for (char c : vm_name)
    name += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c : '_';
  char stamp[32];
  std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &local);
  std::string base = where + "/vigil-" + (name.empty() ? "" : name + "-") + stamp;
  // Two in one second: -2, -3, ...
  std::string path = base + ".png";
  struct stat info {};
  for (int n = 2; ::stat(path.c_str(), &info) == 0; ++n)
    path = base + "-" + std::to_string(n) + ".png";
  return path;
}

std::string save_screenshot(const sf::Image& picture, const std::string& directory, const std::string& vm_name) {
  if (picture.getSize().x == 0)
    return "No picture to save yet";
  const auto path = screenshot_path(directory, vm_name);
  if (!picture.saveToFile(path)) {
    named_logger("viewer")->error("could not save the screenshot to {}", path);
    return "Could not save the screenshot to " + path;
  }
  named_logger("viewer")->info("screenshot saved to {}", path);
  return "Screenshot saved to " + path;
}

}  // namespace vigil
