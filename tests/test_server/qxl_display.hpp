// The QXL device the test server plays: it hands spice-server draw, surface
// and cursor commands from two rings (display, cursor) and keeps a reference
// copy of every surface, updated exactly as each command should render, so a
// correct client's framebuffer can be compared with reference(0).
//
// Threads: every public member runs on the event loop thread. spice-server's
// display worker thread calls the QXLInterface hooks; they touch only the rings
// (under a mutex).
#pragma once

#include <spice.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_set>
#include <vector>

#include "composite_reference.hpp"
#include "pixels.hpp"

namespace vigil::test_server {

struct queued_command;

struct cursor_shape {
  std::uint16_t type = 0;  // SPICE_CURSOR_TYPE_ALPHA, SPICE_CURSOR_TYPE_MONO, ...
  std::uint16_t width = 0;
  std::uint16_t height = 0;
  std::uint16_t hot_x = 0;
  std::uint16_t hot_y = 0;
  std::vector<std::uint8_t> data;  // as the cursor channel carries it
};

class qxl_display {
public:
  // `display_id`: the QXL instance id, which is the display channel's id.
  qxl_display(SpiceServer* server, int width, int height, int display_id = 0);
  ~qxl_display();
  qxl_display(const qxl_display&) = delete;
  qxl_display& operator=(const qxl_display&) = delete;

  // Adds the QXL interface, the memory slot and the primary surface, and starts the "VM".
  void attach();

  // Draw commands. Each queues one QXL command and applies it to the reference
  // at once. Areas are clipped to the surface; an empty area queues nothing.
  void fill(std::uint32_t surface_id, const rect& area, std::uint32_t color);
  void copy_image(std::uint32_t surface_id, int x, int y, const pixel_image& image);
  // QXL_DRAW_ROP3 of `image` with a solid `brush`: each pixel becomes the
  // ternary raster operation `code` of brush, image and what was there.
  void rop3_image(std::uint32_t surface_id, int x, int y, const pixel_image& image, std::uint32_t brush,
                  std::uint8_t code);
  // QXL_DRAW_TEXT (QXLString of `run`) within `box`: `back_area` (may be
  // empty) filled with `back`, then the glyphs drawn in `fore` over it.
  void draw_text(std::uint32_t surface_id, const rect& box, const glyph_run& run, std::uint32_t fore,
                 const rect& back_area, std::uint32_t back);
  // QXL_DRAW_COMPOSITE of `spec` within `box` (inside the surface).
  void composite(std::uint32_t surface_id, const rect& box, const composite_spec& spec);
  // A drawing whose QXL command is built in its own file (stroke_scenes.cpp):
  // `build` fills QXLDrawable::u, pointing into `blob` (sized by `build`
  // before it takes any address; it lives as long as the command), and
  // `reference_draw` applies the drawing to the surface's reference.
  void draw_built(std::uint32_t surface_id, std::uint8_t type, const rect& box,
                  const std::function<void(QXLDrawable&, std::vector<std::uint8_t>& blob)>& build,
                  const std::function<void(pixel_image&)>& reference_draw);
  // QXL_COPY_BITS: moves `destination`-sized pixels from (source_x, source_y).
  void copy_bits(std::uint32_t surface_id, const rect& destination, int source_x, int source_y);
  // DRAW_COPY whose source image is another surface (SPICE_IMAGE_TYPE_SURFACE).
  void copy_surface(std::uint32_t destination_id, int x, int y, std::uint32_t source_id, const rect& source_area);

  // Off-screen surfaces (QXL_CMD_SURFACE). The new surface is black (8_A,
  // 1_A: 0). `format`: any SPICE_SURFACE_FMT_*, its rows 4n bytes (8_A: a
  // width of 4n pixels, 16-bit: 2n, 1_A: 32n).
  void create_surface(std::uint32_t surface_id, int width, int height,
                      std::uint32_t format = SPICE_SURFACE_FMT_32_xRGB);
  void destroy_surface(std::uint32_t surface_id);
  // Destroys and re-creates the primary surface (synchronous in spice-server).
  void recreate_primary(int width, int height);

  void set_cursor(const cursor_shape& shape, int x, int y);
  void move_cursor(int x, int y);

  // The guest driver's monitors config: heads (areas of the primary surface)
  // as QXL_IO_MONITORS_CONFIG_ASYNC hands them to spice-server, which sends
  // DISPLAY_MONITORS_CONFIG to clients. Prints a `heads` line.
  void set_heads(const std::vector<rect>& heads);
  const std::vector<rect>& heads() const { return heads_; }
  int display_id() const { return instance_.instance.id; }

  std::size_t queued_display_commands();
  const pixel_image& reference(std::uint32_t surface_id = 0) const { return references_.at(surface_id); }
  // Makes spice-server render everything queued into the primary surface's
  // memory and counts pixels that differ from the reference (xRGB, x ignored).
  std::size_t count_primary_mismatches();
  // spice-server's rendering of the primary, as count_primary_mismatches left it.
  pixel_image rendered_primary() const;

private:
  static qxl_display& from(QXLInstance* instance);
  // QXLInterface hooks, called by spice-server (mostly from its worker thread).
  static void hook_attached_worker(QXLInstance* instance);
  static void hook_set_compression_level(QXLInstance* instance, int level);
  static void hook_get_init_info(QXLInstance* instance, QXLDevInitInfo* info);
  static int hook_get_command(QXLInstance* instance, QXLCommandExt* command);
  static int hook_req_cmd_notification(QXLInstance* instance);
  static void hook_release_resource(QXLInstance* instance, QXLReleaseInfoExt release);
  static int hook_get_cursor_command(QXLInstance* instance, QXLCommandExt* command);
  static int hook_req_cursor_notification(QXLInstance* instance);
  static void hook_notify_update(QXLInstance* instance, uint32_t update_id);
  static int hook_flush_resources(QXLInstance* instance);
  static void hook_set_client_capabilities(QXLInstance* instance, uint8_t client_present, uint8_t* caps);
  static void hook_async_complete(QXLInstance* instance, uint64_t cookie);
  static int hook_client_monitors_config(QXLInstance* instance, VDAgentMonitorsConfig* config);

  struct command_ring {
    std::deque<std::unique_ptr<queued_command>> commands;
    bool notify_when_filled = false;  // spice-server asked to be woken up
  };
  void push(command_ring& ring, std::unique_ptr<queued_command> command);
  int pop(command_ring& ring, QXLCommandExt* out);
  int request_notification(command_ring& ring);

  void create_primary(int width, int height);
  pixel_image& surface_reference(std::uint32_t surface_id);

  SpiceServer* server_;
  QXLInterface interface_{};
  struct owned_instance {
    QXLInstance instance{};  // first: spice-server's pointer is also ours
    qxl_display* owner = nullptr;
  } instance_;
  std::vector<std::uint32_t> primary_memory_;
  std::map<std::uint32_t, std::vector<std::uint32_t>> surface_memory_;  // off-screen surfaces
  std::list<std::vector<std::uint32_t>> retired_memory_;  // may still be read by the worker
  std::map<std::uint32_t, pixel_image> references_;
  std::map<std::uint32_t, std::uint32_t> formats_;  // each reference's SPICE_SURFACE_FMT_*
  std::vector<rect> heads_;
  // QXLMonitorsConfig as the guest's memory holds it; kept, since the worker
  // may read an older one while a newer is set.
  std::list<std::vector<std::uint8_t>> monitors_memory_;
  std::uint32_t next_image_unique_ = 1;
  std::uint64_t next_cursor_unique_ = 1;
  std::mutex rings_mutex_;
  command_ring display_ring_;
  command_ring cursor_ring_;
  std::unordered_set<queued_command*> in_flight_;  // taken by spice-server, not yet released
};

}  // namespace vigil::test_server
