#include "scene_player.hpp"

#include <cstdio>

#include "stdout_lines.hpp"

namespace vigil::test_server {
namespace {

// Lets the client link its channels and set up the primary surface first,
// so it receives every command rather than one merged snapshot.
constexpr std::chrono::milliseconds start_delay(300);

const char* channel_name(int type) {
  switch (type) {
    case SPICE_CHANNEL_MAIN: return "main";
    case SPICE_CHANNEL_DISPLAY: return "display";
    case SPICE_CHANNEL_INPUTS: return "inputs";
    case SPICE_CHANNEL_CURSOR: return "cursor";
    case SPICE_CHANNEL_PLAYBACK: return "playback";
    case SPICE_CHANNEL_RECORD: return "record";
    case SPICE_CHANNEL_SMARTCARD: return "smartcard";
    case SPICE_CHANNEL_USBREDIR: return "usbredir";
    case SPICE_CHANNEL_PORT: return "port";
    case SPICE_CHANNEL_WEBDAV: return "webdav";
    default: return "unknown";
  }
}

}  // namespace

scene_player::scene_player(event_loop& loop, qxl_display& display, std::string scene_name,
                           std::unique_ptr<scene> played, std::string reference_dir)
    : loop_(loop),
      display_(display),
      scene_name_(std::move(scene_name)),
      scene_(std::move(played)),
      reference_dir_(std::move(reference_dir)),
      timer_(loop.add_timer([this] { on_timer(); })) {}

scene_player::~scene_player() { loop_.remove_timer(timer_); }

void scene_player::on_channel_event(int event, const SpiceChannelEventInfo& info) {
  // CONNECTED comes before the link message, so the channel type is not known yet.
  if (event == SPICE_CHANNEL_EVENT_CONNECTED) {
    print_line("event socket-connected tls=%d", (info.flags & SPICE_CHANNEL_EVENT_FLAG_TLS) ? 1 : 0);
    return;
  }
  const bool connected = event == SPICE_CHANNEL_EVENT_INITIALIZED;
  if (!connected && event != SPICE_CHANNEL_EVENT_DISCONNECTED)
    return;
  print_line("event client-%s channel=%s id=%d tls=%d", connected ? "connected" : "disconnected",
             channel_name(info.type), info.id, (info.flags & SPICE_CHANNEL_EVENT_FLAG_TLS) ? 1 : 0);
  const int change = connected ? 1 : -1;
  if (info.type == SPICE_CHANNEL_DISPLAY)
    display_channels_ += change;
  else if (info.type == SPICE_CHANNEL_CURSOR)
    cursor_channels_ += change;
  update_phase();
}

bool scene_player::client_ready() const {
  return display_channels_ >= scene_->display_channels() && (!scene_->needs_cursor_channel() || cursor_channels_ > 0);
}

void scene_player::update_phase() {
  if ((phase_ == phase::waiting_for_client || phase_ == phase::paused) && client_ready()) {
    phase_ = phase::starting;
    loop_.start_timer(timer_, start_delay);
  } else if (scene_->endless() && display_channels_ == 0 &&
             (phase_ == phase::starting || phase_ == phase::playing)) {
    phase_ = phase::paused;  // nobody watches: spare the CPU
    loop_.cancel_timer(timer_);
    print_line("scene paused");
  }
}

void scene_player::on_timer() {
  const auto now = event_loop::clock::now();
  if (phase_ == phase::starting) {
    phase_ = phase::playing;
    next_tick_ = now;
    print_line("scene %s name=%s", started_ ? "resumed" : "started", scene_name_.c_str());
    started_ = true;
  }
  switch (scene_->tick(display_)) {
    case tick_outcome::step: {
      char file_name[32];
      std::snprintf(file_name, sizeof(file_name), "step-%03d.ppm", steps_);
      write_reference(file_name);
      print_line("scene step=%d", steps_++);
      break;
    }
    case tick_outcome::frame:
      break;
    case tick_outcome::complete:
      finish();
      return;
  }
  // Fixed rate, without catching up after a stall.
  next_tick_ += scene_->interval();
  if (next_tick_ < now)
    next_tick_ = now + scene_->interval();
  loop_.start_timer_at(timer_, next_tick_);
}

void scene_player::finish() {
  phase_ = phase::complete;
  const std::size_t mismatches = display_.count_primary_mismatches() + scene_->extra_mismatches();
  if (mismatches == 0)
    print_line("reference check=match");
  else {
    print_line("reference check=mismatch pixels=%zu", mismatches);
    write_picture(display_.rendered_primary(), "spice-server.ppm");  // to see where they differ
  }
  write_reference("final.ppm");
  for (const auto& [file_name, picture] : scene_->extra_references(display_))
    write_picture(picture, file_name);
  print_line("scene complete steps=%d", steps_);
}

void scene_player::write_reference(const std::string& file_name) { write_picture(display_.reference(0), file_name); }

void scene_player::write_picture(const pixel_image& picture, const std::string& file_name) {
  if (reference_dir_.empty())
    return;
  std::string error;
  if (!write_ppm(picture, reference_dir_ + "/" + file_name, error))
    std::fprintf(stderr, "vigil-test-server: cannot write reference frame: %s\n", error.c_str());
}

}  // namespace vigil::test_server
