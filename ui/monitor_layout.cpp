#include "ui/monitor_layout.hpp"

#include <algorithm>
#include <numeric>

namespace vigil {

std::vector<monitor_placement> fit_heads(const std::vector<monitor_placement>& heads, std::uint32_t width,
                                     std::uint32_t height) {
  width = std::max<std::uint32_t>(width, 1);
  height = std::max<std::uint32_t>(height, 1);
  if (heads.empty())
    return {monitor_placement{0, 0, 0, width, height}};
  std::vector<monitor_placement> out = heads;
  std::stable_sort(out.begin(), out.end(), [](const monitor_placement& a, const monitor_placement& b) { return a.x < b.x; });
  std::uint64_t total_width = 0;
  std::uint32_t tallest = 1;
  for (const auto& head : out) {
    total_width += std::max<std::uint32_t>(head.width, 1);
    tallest = std::max(tallest, head.height);
  }
  // Each head's right edge is its cumulative width scaled (rounded), so the
  // widths add up to `width` whatever the rounding.
  std::uint64_t cumulative = 0;
  std::int32_t left = 0;
  for (auto& head : out) {
    cumulative += std::max<std::uint32_t>(head.width, 1);
    const auto right = static_cast<std::int32_t>((cumulative * width + total_width / 2) / total_width);
    const std::uint64_t scaled_height =
      (static_cast<std::uint64_t>(std::max<std::uint32_t>(head.height, 1)) * height + tallest / 2) / tallest;
    head.x = left;
    head.y = 0;
    head.width = static_cast<std::uint32_t>(std::max(right - left, 1));
    head.height = static_cast<std::uint32_t>(std::max<std::uint64_t>(scaled_height, 1));
    left = right;
  }
  return out;
}

}  // namespace vigil
