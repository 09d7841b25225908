// --monitor-mapping, as remote-viewer takes it: "GUEST:CLIENT[;GUEST:CLIENT...]"
// (e.g. "1:2;2:1"): in full screen, guest monitor GUEST (1: the first head)
// fills client monitor CLIENT (1: the first the X server lists, RandR's
// monitors). Pure: parsed and looked up here, unit-tested in tests/app.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vigil {

struct monitor_mapping_parse {
  std::map<int, int> mapping;  // guest monitor -> client monitor, both from 1
  std::string error;           // empty: parsed
};
monitor_mapping_parse parse_monitor_mapping(const std::string& text);

// A client monitor's place on the X screen.
struct screen_area {
  int left = 0, top = 0, width = 0, height = 0;
};
// Where guest monitor `guest` goes in full screen: its client monitor among
// `monitors`; nothing when unmapped or that monitor does not exist.
std::optional<screen_area> mapped_monitor(int guest, const std::map<int, int>& mapping,
                                          const std::vector<screen_area>& monitors);

}  // namespace vigil
