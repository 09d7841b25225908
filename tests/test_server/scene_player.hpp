// Plays one scene: waits for a client's display channel (and cursor channel
// when the scene needs it), waits a little more so the client has set up its
// surfaces, then ticks the scene on its interval. Prints the `scene ...` and
// `event ...` lines and writes the reference frames (README.md).
#pragma once

#include <memory>
#include <string>

#include "event_loop.hpp"
#include "qxl_display.hpp"
#include "scenes.hpp"

namespace vigil::test_server {

class scene_player {
public:
  // `reference_dir` empty: write no reference frames.
  scene_player(event_loop& loop, qxl_display& display, std::string scene_name, std::unique_ptr<scene> scene,
               std::string reference_dir);
  ~scene_player();
  scene_player(const scene_player&) = delete;
  scene_player& operator=(const scene_player&) = delete;

  void on_channel_event(int event, const SpiceChannelEventInfo& info);

private:
  enum class phase { waiting_for_client, starting, playing, paused, complete };

  bool client_ready() const;
  void update_phase();
  void on_timer();
  void finish();
  void write_reference(const std::string& file_name);
  void write_picture(const pixel_image& picture, const std::string& file_name);

  event_loop& loop_;
  qxl_display& display_;
  std::string scene_name_;
  std::unique_ptr<scene> scene_;
  std::string reference_dir_;
  SpiceTimer* timer_;
  phase phase_ = phase::waiting_for_client;
  event_loop::clock::time_point next_tick_{};
  int display_channels_ = 0;
  int cursor_channels_ = 0;
  int steps_ = 0;
  bool started_ = false;
};

}  // namespace vigil::test_server
