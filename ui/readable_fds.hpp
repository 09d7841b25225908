// The descriptors poll(2) found readable before a pump of the main loop: an
// X connection among them has something to read; one that is not has only
// what Xlib already read into its queue (ui/x11_reading.hpp).
#pragma once

#include <algorithm>
#include <vector>

namespace vigil {

struct readable_fds {
  std::vector<int> fds;

  bool has(int fd) const { return fd >= 0 && std::find(fds.begin(), fds.end(), fd) != fds.end(); }
};

}  // namespace vigil
