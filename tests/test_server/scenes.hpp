// Scenes: scripted sequences of QXL commands with known results. The scene
// player calls tick() on a timer once a client is watching; each tick queues
// one step (static scenes: a group of commands whose result the harness writes
// as step-NNN.ppm) or one animation frame, or reports that the scene is over.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "qxl_display.hpp"

namespace vigil::test_server {

enum class tick_outcome {
  step,      // a scripted step was queued
  frame,     // an animation frame was queued (or skipped while spice-server is behind)
  complete,  // nothing more to draw
};

class scene {
public:
  virtual ~scene() = default;
  virtual tick_outcome tick(qxl_display& display) = 0;
  // Time from one tick to the next.
  virtual std::chrono::milliseconds interval() const = 0;
  // The scene waits for a cursor channel as well as a display channel.
  virtual bool needs_cursor_channel() const { return false; }
  // Endless scenes pause while no display client is connected.
  virtual bool endless() const { return false; }
  // Display channels the scene waits for (one per QXL device it draws on).
  virtual int display_channels() const { return 1; }
  // Reference files written with final.ppm (name, picture), e.g. each head's.
  virtual std::vector<std::pair<std::string, pixel_image>> extra_references(const qxl_display&) const { return {}; }
  // Reference mismatches on displays other than the player's.
  virtual std::size_t extra_mismatches() { return 0; }
};

// The names --scene accepts, for the usage text.
const char* scene_names();

// nullptr for an unknown name. `step_interval` paces the static scenes and video-full.
// `second`: display 1, for the scenes that need two (scene_needs_two_displays).
std::unique_ptr<scene> make_scene(const std::string& name, std::chrono::milliseconds step_interval,
                                  qxl_display* second = nullptr);
bool scene_needs_two_displays(const std::string& name);

// The several-monitor scenes, defined in head_scenes.cpp.
std::unique_ptr<scene> make_heads_scene(std::chrono::milliseconds step_interval);
std::unique_ptr<scene> make_displays_scene(std::chrono::milliseconds step_interval, qxl_display* second);

// The glyphs and glyphs-a8 scenes' steps (QXL_DRAW_TEXT), defined in glyph_scenes.cpp.
std::vector<std::function<void(qxl_display&)>> glyph_steps();
std::vector<std::function<void(qxl_display&)>> glyph_a8_steps();
// The composite scenes' steps (QXL_DRAW_COMPOSITE), defined in composite_scenes.cpp.
std::vector<std::function<void(qxl_display&)>> composite_steps();
std::vector<std::function<void(qxl_display&)>> composite_mask_steps();
std::vector<std::function<void(qxl_display&)>> composite_format_steps();

// The strokes scene's steps (QXL_DRAW_STROKE), defined in stroke_scenes.cpp.
std::vector<std::function<void(qxl_display&)>> stroke_steps();

// The animated scenes, defined in animated_scenes.cpp.
std::unique_ptr<scene> make_video_scene();
std::unique_ptr<scene> make_demo_scene();
std::unique_ptr<scene> make_bench_scene();
// The endless video scenes, defined in video_scenes.cpp.
std::unique_ptr<scene> make_video_loop_scene();
std::unique_ptr<scene> make_video_full_scene(std::chrono::milliseconds interval);
// The A/V sync scene (av-sync): `marker_action` runs as each marker frame is drawn.
std::unique_ptr<scene> make_av_sync_scene(std::function<void()> marker_action);

// The benchmark scenes, defined in bench_scenes.cpp (scene names bench-fullscreen,
// bench-console, bench-video, bench-desktop).
std::unique_ptr<scene> make_bench_fullscreen_scene();
std::unique_ptr<scene> make_bench_console_scene();
std::unique_ptr<scene> make_bench_video_scene();
std::unique_ptr<scene> make_bench_desktop_scene();

}  // namespace vigil::test_server
