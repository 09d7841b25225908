// vigil-guest-cursor: runs inside the real Linux test guest (statically
// linked, no libraries there) and sets a cursor through the guest's own DRM
// driver, as a desktop would: the qxl driver turns it into QXL cursor
// commands, spice-server into cursor-channel messages, and the client into
// the local (X) cursor. Then it keeps its DRM file open (closing it would let
// fbcon restore its mode without the cursor) and waits.
//
// The shape is guest_cursor_shape.hpp's, which the test that checks the X
// cursor compares with.
#include <drm.h>
#include <drm_mode.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include "guest_cursor_shape.hpp"

namespace {

int fail(const char* what) {
  std::printf("vigil-guest: failed: cursor: %s: %s\n", what, std::strerror(errno));
  std::fflush(stdout);
  return 1;
}

// The first CRTC that shows a mode (fbcon's).
std::uint32_t active_crtc(int fd) {
  drm_mode_card_res resources{};
  if (ioctl(fd, DRM_IOCTL_MODE_GETRESOURCES, &resources) != 0)
    return 0;
  std::vector<std::uint32_t> crtcs(resources.count_crtcs);
  drm_mode_card_res listed{};
  listed.count_crtcs = resources.count_crtcs;
  listed.crtc_id_ptr = reinterpret_cast<std::uintptr_t>(crtcs.data());
  if (ioctl(fd, DRM_IOCTL_MODE_GETRESOURCES, &listed) != 0)
    return 0;
  for (std::uint32_t id : crtcs) {
    drm_mode_crtc crtc{};
    crtc.crtc_id = id;
    if (ioctl(fd, DRM_IOCTL_MODE_GETCRTC, &crtc) == 0 && crtc.mode_valid)
      return id;
  }
  return 0;
}

}  // namespace

int main() {
  using namespace vigil::guest_cursor;
  const int fd = open("/dev/dri/card0", O_RDWR | O_CLOEXEC);
  if (fd < 0)
    return fail("open /dev/dri/card0");
  // fbcon's mode may still be on its way: wait up to 150 s (TCG on a busy
  // host) for an active CRTC.
  std::uint32_t crtc = 0;
  for (int attempt = 0; attempt < 3000 && !(crtc = active_crtc(fd)); ++attempt)
    usleep(50000);  // sleep-ok: inside the guest, polling with a bound
  if (!crtc)
    return fail("no active CRTC");

  drm_mode_create_dumb buffer{};
  buffer.width = size;
  buffer.height = size;
  buffer.bpp = 32;
  if (ioctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &buffer) != 0)
    return fail("create dumb buffer");
  drm_mode_map_dumb map{};
  map.handle = buffer.handle;
  if (ioctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &map) != 0)
    return fail("map dumb buffer");
  void* memory = mmap(nullptr, buffer.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, static_cast<off_t>(map.offset));
  if (memory == MAP_FAILED)
    return fail("mmap");
  auto* rows = static_cast<std::uint8_t*>(memory);
  for (int y = 0; y < size; ++y) {
    auto* row = reinterpret_cast<std::uint32_t*>(rows + static_cast<std::size_t>(y) * buffer.pitch);
    for (int x = 0; x < size; ++x)
      row[x] = pixel(x, y);
  }

  drm_mode_cursor2 cursor{};
  cursor.flags = DRM_MODE_CURSOR_BO;
  cursor.crtc_id = crtc;
  cursor.width = size;
  cursor.height = size;
  cursor.handle = buffer.handle;
  cursor.hot_x = hot_x;
  cursor.hot_y = hot_y;
  if (ioctl(fd, DRM_IOCTL_MODE_CURSOR2, &cursor) != 0)
    return fail("DRM_IOCTL_MODE_CURSOR2");
  drm_mode_cursor move{};
  move.flags = DRM_MODE_CURSOR_MOVE;
  move.crtc_id = crtc;
  move.x = 200;
  move.y = 150;
  if (ioctl(fd, DRM_IOCTL_MODE_CURSOR, &move) != 0)
    return fail("DRM_IOCTL_MODE_CURSOR move");
  std::printf("vigil-guest: cursor set %dx%d hot=%d,%d\n", size, size, hot_x, hot_y);
  std::fflush(stdout);
  for (;;)
    pause();
}
