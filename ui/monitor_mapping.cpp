#include "ui/monitor_mapping.hpp"

#include <algorithm>
#include <cctype>
#include <set>

namespace vigil {

namespace {

// A whole number from 1 to 64, all of `text`; 0 when it is not one.
int monitor_number(const std::string& text) {
  if (text.empty() || text.size() > 2)
    return 0;
  for (char c : text)
    if (!std::isdigit(static_cast<unsigned char>(c)))
      return 0;
  const int number = std::stoi(text);
  return number >= 1 && number <= 64 ? number : 0;
}

}  // namespace

monitor_mapping_parse parse_monitor_mapping(const std::string& text) {
  monitor_mapping_parse out;
  std::set<int> clients;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find(';', start), text.size());
    const std::string entry = text.substr(start, end - start);
    start = end + 1;
    if (entry.empty() && end == text.size() && !out.mapping.empty())
      break;  // a trailing ';'
    const auto colon = entry.find(':');
    const int guest = colon == std::string::npos ? 0 : monitor_number(entry.substr(0, colon));
    const int client = colon == std::string::npos ? 0 : monitor_number(entry.substr(colon + 1));
    if (guest == 0 || client == 0)
      return {{}, "'" + entry.substr(0, 40) + "' is not GUEST:CLIENT (monitor numbers from 1 to 64), e.g. 1:2;2:1"};
    if (out.mapping.count(guest))
      return {{}, "guest monitor " + std::to_string(guest) + " is mapped twice"};
    if (!clients.insert(client).second)
      return {{}, "client monitor " + std::to_string(client) + " is mapped twice"};
    out.mapping[guest] = client;
  }
  return out;
}

std::optional<screen_area> mapped_monitor(int guest, const std::map<int, int>& mapping,
                                          const std::vector<screen_area>& monitors) {
  const auto found = mapping.find(guest);
  if (found == mapping.end() || found->second > static_cast<int>(monitors.size()))
    return std::nullopt;
  return monitors[static_cast<std::size_t>(found->second - 1)];
}

}  // namespace vigil
