#include "protocol/uri_list.hpp"

#include "protocol/uri_parts.hpp"

namespace vigil::protocol {

std::vector<std::string> local_paths_of_uri_list(const std::string& text) {
  std::vector<std::string> paths;
  std::size_t at = 0;
  while (at < text.size()) {
    auto end = text.find('\n', at);
    if (end == std::string::npos)
      end = text.size();
    auto line = text.substr(at, end - at);
    at = end + 1;
    while (!line.empty() && (line.back() == '\r' || line.back() == '\0'))
      line.pop_back();
    if (line.empty() || line[0] == '#')
      continue;
    constexpr std::string_view scheme = "file://";
    if (line.compare(0, scheme.size(), scheme) != 0)
      continue;
    auto rest = line.substr(scheme.size());
    auto slash = rest.find('/');
    if (slash == std::string::npos)
      continue;
    auto host = rest.substr(0, slash);
    if (!host.empty() && host != "localhost")
      continue;  // another machine's file
    auto path = percent_decode(rest.substr(slash));
    if (path && !path->empty() && path->find('\0') == std::string::npos)
      paths.push_back(std::move(*path));
  }
  return paths;
}

}  // namespace vigil::protocol
