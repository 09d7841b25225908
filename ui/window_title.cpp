#include "ui/window_title.hpp"

namespace vigil {

std::string window_title(std::string base, int monitor, bool several_heads, const std::string& release_hint,
                         const std::string& status) {
  const std::string number = std::to_string(monitor);
  std::string title = several_heads ? "Vigil (" + number + ")" : "Vigil";
  if (!base.empty()) {
    auto at = base.find("%d");
    title = (at == std::string::npos ? base + " (" + number + ")" : base.replace(at, 2, number)) + " - Vigil";
  }
  if (!release_hint.empty())
    title = "(Press " + release_hint + " to release pointer) " + title;
  if (!status.empty())
    title += " - " + status;
  return title;
}

}  // namespace vigil
