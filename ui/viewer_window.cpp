#include "ui/viewer_window.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include <SFML/Graphics.hpp>
#include <caf/message_handler.hpp>
#include <spice/enums.h>

#include "actors/agent_events.hpp"
#include "actors/input_events.hpp"
#include "common/log.hpp"
#include "actors/messages.hpp"
#include "ui/keymap.hpp"
#include "ui/x11_clipboard.hpp"
#include "ui/sfml_audio_device.hpp"
#include "ui/x11_keyboard.hpp"

namespace vigil {

namespace {

constexpr const char* banner_font_path = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
constexpr unsigned banner_height = 28;

class viewer_window final : public session_frontend {
public:
  viewer_window(caf::actor_system& system, viewer_options options)
      : system_(system), options_(std::move(options)), log_(named_logger("viewer")) {
    open(sf::VideoMode(1024, 768));
    if (!font_.loadFromFile(banner_font_path))
      log_->warn("cannot load {}: the status banner shows no text", banner_font_path);
  }

  void attach(caf::scoped_actor& self, session_options& options) override {
    renderer_ = spawn_renderer(system_, options.debug.renderer_delay_per_frame);
    options.renderer = renderer_;
    agent_ = options.agent;
    if (agent_.clipboard)
      clipboard_ = std::make_unique<x11_clipboard>(agent_.max_message_bytes);
    options.audio_sink.device = make_sfml_audio_device();  // the sink (session supervisor) owns it from here
    self->send(renderer_, subscribe_frames_atom::value, caf::actor{self});
  }

  // Quick while anything happens (input, frames); slow when idle, so an idle
  // viewer wakes 20 times a second instead of 60.
  void connect_session(const caf::actor& session_supervisor) override { session_ = session_supervisor; }

  std::chrono::milliseconds pump_interval() const override {
    bool active = std::chrono::steady_clock::now() - last_activity_ < std::chrono::seconds(1);
    return std::chrono::milliseconds(active ? 10 : 50);
  }

  std::optional<exit_status> pump(caf::scoped_actor& self, bool& snapshot_requested) override {
    sf::Event event;
    while (window_.pollEvent(event)) {
      last_activity_ = std::chrono::steady_clock::now();
      switch (event.type) {
        case sf::Event::Closed:
          return exit_status{0, "window closed"};
        case sf::Event::Resized:
          window_.setView(sf::View(sf::FloatRect(0, 0, event.size.width, event.size.height)));
          needs_redraw_ = true;
          // Before the first frame the window has only its opening size,
          // which the guest did not ask for and should not get.
          if (texture_size_.x > 0) {
            pending_guest_size_ = sf::Vector2u(event.size.width, event.size.height);
            guest_size_due_ = std::chrono::steady_clock::now() + agent_.resize_debounce;
          }
          break;
        case sf::Event::KeyPressed:
        case sf::Event::KeyReleased:
          if (!x11_keys_)  // else the keys come from x11_keyboard, with their keycodes
            if (auto key = pc_key_for(event.key.code))
              on_key(self, *key, event.type == sf::Event::KeyPressed, snapshot_requested);
          break;
        case sf::Event::MouseMoved:
          if (mouse_mode_ == SPICE_MOUSE_MODE_CLIENT)
            send_position(self, event.mouseMove.x, event.mouseMove.y);
          else if (grabbed_)
            send_relative_motion(self, event.mouseMove.x, event.mouseMove.y);
          break;
        case sf::Event::MouseButtonPressed:
        case sf::Event::MouseButtonReleased:
          take_x11_keys(self, snapshot_requested);  // Ctrl+click: the Ctrl first
          if (mouse_mode_ == SPICE_MOUSE_MODE_SERVER && !grabbed_ && event.type == sf::Event::MouseButtonPressed)
            grab_pointer();
          send_button(self, event.mouseButton.button, event.type == sf::Event::MouseButtonPressed);
          break;
        case sf::Event::MouseWheelScrolled:
          take_x11_keys(self, snapshot_requested);
          send_wheel(self, event.mouseWheelScroll.delta);
          break;
        case sf::Event::LostFocus:
          release_held_keys(self);  // the guest must not see a key stuck down
          release_pointer();
          needs_redraw_ = true;
          break;
        case sf::Event::GainedFocus:
          if (!x11_keys_)  // else x11_keyboard's focus event, in order with the keys
            if (auto locks = x11_.lock_state())
              sync_lock_keys(self, *locks);
          needs_redraw_ = true;
          break;
        default:
          break;
      }
    }
    take_x11_keys(self, snapshot_requested);
    pump_clipboard(self);
    send_guest_size(self);
    if (needs_redraw_)
      draw();
    return std::nullopt;
  }

  void on_agent_event(caf::scoped_actor& self, const caf::message& event) override {
    caf::message copy = event;
    auto handler = caf::message_handler(
      [&](agent_state_atom, bool connected, bool monitors_config) {
        agent_monitors_config_ = connected && monitors_config;
        log_->info("agent {}{}", connected ? "connected" : "absent",
                   agent_monitors_config_ ? ", takes monitors config" : "");
      },
      // Eager: the guest's text is fetched as soon as it is copied, so any
      // local paste is answered at once (no X client waits on a guest round
      // trip); the cost is one transfer per guest copy.
      [&](clipboard_grab_atom, std::uint8_t selection) {
        if (!clipboard_ || !clipboard_->available())
          return;
        clipboard_->own_for_guest();
        send_agent(self, caf::make_message(clipboard_request_atom::value, selection));
      },
      [&](clipboard_data_atom, std::uint8_t, const std::string& text) {
        if (clipboard_)
          clipboard_->set_guest_text(text);
      },
      [&](clipboard_release_atom, std::uint8_t) {
        if (clipboard_)
          clipboard_->guest_released();
      },
      [&](clipboard_request_atom, std::uint8_t) {
        if (clipboard_ && clipboard_->available())
          clipboard_->request_local_text(std::chrono::steady_clock::now());
        else
          send_agent(self, caf::make_message(clipboard_data_atom::value, std::uint8_t{0}, std::string{}));
      });
    handler(copy);
  }

  void show_frame(caf::scoped_actor& self, const primary_frame_ptr& frame) override {
    if (frame && frame->width > 0 && frame->height > 0)
      upload(*frame);
    // Credit back to the renderer only once drawn: a slow window coalesces frames there.
    self->send(renderer_, edge_ack_atom::value, edge_ids::viewer_frames, std::uint32_t{1});
    needs_redraw_ = true;
    last_activity_ = std::chrono::steady_clock::now();
  }

  // The guest's cursor becomes the local mouse cursor (client mouse mode: the
  // local pointer is where the guest's is), hot spot included. Inverting
  // pixels of MONO cursors show as opaque black: X cannot XOR a cursor.
  void show_cursor(caf::scoped_actor& self, const protocol::cursor_state& cursor) override {
    self->send(renderer_, edge_ack_atom::value, edge_ids::viewer_cursor, std::uint32_t{1});
    if (!cursor.visible || !cursor.shape) {
      window_.setMouseCursorVisible(false);
      return;
    }
    guest_cursor_ = cursor;
    needs_redraw_ = true;
    if (cursor.shape != cursor_shape_) {
      const auto& image = cursor.shape->image;
      std::vector<std::uint8_t> rgba(image.pixels.size() * 4);
      for (std::size_t i = 0; i < image.pixels.size(); ++i) {
        std::uint32_t pixel = image.pixels[i];
        rgba[i * 4] = static_cast<std::uint8_t>(pixel >> 16);
        rgba[i * 4 + 1] = static_cast<std::uint8_t>(pixel >> 8);
        rgba[i * 4 + 2] = static_cast<std::uint8_t>(pixel);
        rgba[i * 4 + 3] = static_cast<std::uint8_t>(pixel >> 24);
      }
      auto local = std::make_unique<sf::Cursor>();
      if (!local->loadFromPixels(rgba.data(), {image.width, image.height},
                                 {cursor.shape->hot_x, cursor.shape->hot_y})) {
        log_->warn("cannot use the guest's {}x{} cursor as the local cursor", image.width, image.height);
        return;
      }
      window_.setMouseCursor(*local);
      local_cursor_ = std::move(local);  // SFML needs it alive while in use
      cursor_texture_.create(image.width, image.height);
      cursor_texture_.update(rgba.data());
      cursor_shape_ = cursor.shape;
      log_->debug("cursor {}x{} hot spot ({},{})", image.width, image.height, cursor.shape->hot_x,
                  cursor.shape->hot_y);
    }
    window_.setMouseCursorVisible(!grabbed_);
  }

  void show_status(const std::string& phase, const std::string& text) override {
    phase_ = phase;
    status_ = text;
    update_title();
    needs_redraw_ = true;
  }

  void set_mouse_mode(std::uint16_t mode) override {
    mouse_mode_ = mode;
    if (mode == SPICE_MOUSE_MODE_CLIENT)
      release_pointer();
    log_->info("mouse mode: {}", mode == SPICE_MOUSE_MODE_CLIENT ? "client (absolute)" : "server (relative, click to grab)");
    needs_redraw_ = true;
  }

  void show_vm_name(const std::string& name) override {
    vm_name_ = name;
    update_title();
  }

  void finish() override {
    if (!options_.screenshot_path.empty()) {
      draw(false);
      sf::Texture shot;
      shot.create(window_.getSize().x, window_.getSize().y);
      shot.update(window_);
      if (shot.copyToImage().saveToFile(options_.screenshot_path))
        log_->info("window screenshot written to {}", options_.screenshot_path);
      else
        log_->error("could not write the window screenshot to {}", options_.screenshot_path);
    }
    window_.close();
    if (renderer_)
      caf::anon_send(renderer_, shutdown_atom::value);
  }

private:
  void open(sf::VideoMode mode) {
    auto style = options_.fullscreen ? sf::Style::Fullscreen : sf::Style::Default;
    window_.create(options_.fullscreen ? sf::VideoMode::getDesktopMode() : mode,
                   options_.title.empty() ? sf::String("Vigil") : sf::String::fromUtf8(options_.title.begin(), options_.title.end()),
                   style);
    window_.setVerticalSyncEnabled(false);
    window_.setKeyRepeatEnabled(true);
    bool had_x11_keys = x11_keys_;
    x11_keys_ = x11_.watch(window_.getSystemHandle());
    if (x11_keys_ != had_x11_keys || !x11_keys_)
      log_->info("keyboard: {}", x11_keys_ ? "X keycodes (every key of a 105-key layout)"
                                           : "SFML key events (no ISO <> key, locks, Print Screen or keypad Enter: "
                                             "the X server's keycodes are not evdev's)");
    if (local_cursor_)
      window_.setMouseCursor(*local_cursor_);  // a re-created window starts with the default cursor
    keep_on_screen();
    needs_redraw_ = true;
  }

  // "QEMU 7.2.22 - Vigil" (or the connection file's title) while connected,
  // "... - Reconnecting in ..." otherwise.
  void update_title() {
    std::string title = !options_.title.empty() ? options_.title : vm_name_.empty() ? "Vigil" : vm_name_ + " - Vigil";
    if (grabbed_)
      title += " (Ctrl+Alt releases the pointer)";
    if (phase_ != "up")
      title += " - " + status_;
    window_.setTitle(sf::String::fromUtf8(title.begin(), title.end()));  // a file's title may be any UTF-8
  }

  // Server mouse mode, like remote-viewer: a click grabs the pointer, which
  // is then hidden and held at the window's centre so motion never stops at
  // an edge; Ctrl+Alt (or losing focus) releases it.
  sf::Vector2i window_centre() const {
    return {static_cast<int>(window_.getSize().x / 2), static_cast<int>(window_.getSize().y / 2)};
  }

  void grab_pointer() {
    grabbed_ = true;
    window_.setMouseCursorGrabbed(true);
    window_.setMouseCursorVisible(false);
    sf::Mouse::setPosition(window_centre(), window_);
    update_title();
    needs_redraw_ = true;
  }

  void release_pointer() {
    if (!grabbed_)
      return;
    grabbed_ = false;
    window_.setMouseCursorGrabbed(false);
    window_.setMouseCursorVisible(true);
    update_title();
    needs_redraw_ = true;
  }

  void send_relative_motion(caf::scoped_actor& self, int x, int y) {
    auto centre = window_centre();
    int dx = x - centre.x, dy = y - centre.y;
    if (dx == 0 && dy == 0)
      return;  // our own warp back to the centre
    send_input(self, caf::make_message(pointer_motion_atom::value, std::int32_t{dx}, std::int32_t{dy}, buttons_));
    sf::Mouse::setPosition(centre, window_);
  }

  // Moves the window so all of it is on the desktop (when it fits), e.g. after
  // it grew to the guest's resolution.
  void keep_on_screen() {
    if (options_.fullscreen)
      return;
    auto desktop = sf::VideoMode::getDesktopMode();
    auto size = window_.getSize();
    auto position = window_.getPosition();
    auto fit = [](int at, unsigned extent, unsigned limit) {
      return extent >= limit ? 0 : std::clamp(at, 0, static_cast<int>(limit - extent));
    };
    sf::Vector2i visible{fit(position.x, size.x, desktop.width), fit(position.y, size.y, desktop.height)};
    if (visible != position)
      window_.setPosition(visible);
  }

  void toggle_fullscreen() {
    options_.fullscreen = !options_.fullscreen;
    open(sf::VideoMode(texture_size_.x ? texture_size_.x : 1024, texture_size_.y ? texture_size_.y : 768));
  }

  void send_agent(caf::scoped_actor& self, caf::message event) {
    if (session_)
      self->send(session_, agent_atom::value, std::move(event));
  }

  // The local clipboard's news for the guest (CLIPBOARD selection only).
  void pump_clipboard(caf::scoped_actor& self) {
    if (!clipboard_)
      return;
    for (auto& action : clipboard_->pump(std::chrono::steady_clock::now())) {
      switch (action.what) {
        case x11_clipboard::action::kind::grab:
          send_agent(self, caf::make_message(clipboard_grab_atom::value, std::uint8_t{0}));
          break;
        case x11_clipboard::action::kind::release:
          send_agent(self, caf::make_message(clipboard_release_atom::value, std::uint8_t{0}));
          break;
        case x11_clipboard::action::kind::text:
          send_agent(self, caf::make_message(clipboard_data_atom::value, std::uint8_t{0}, std::move(action.text)));
          break;
      }
    }
  }

  // A resize asks the guest for a screen of the window's size once the size
  // has settled. Not when the window only followed the guest's own size.
  void send_guest_size(caf::scoped_actor& self) {
    if (!pending_guest_size_ || std::chrono::steady_clock::now() < guest_size_due_)
      return;
    auto size = *pending_guest_size_;
    pending_guest_size_.reset();
    if (!agent_.resize_guest || !agent_monitors_config_ || size == texture_size_ || size.x == 0 || size.y == 0)
      return;
    log_->info("window resized: asking the guest for {}x{}", size.x, size.y);
    send_agent(self, caf::make_message(monitors_config_atom::value, std::uint32_t{size.x}, std::uint32_t{size.y}));
  }

  void send_input(caf::scoped_actor& self, caf::message event) {
    if (session_)
      self->send(session_, input_atom::value, std::move(event));
  }

  void take_x11_keys(caf::scoped_actor& self, bool& snapshot_requested) {
    for (const auto& event : x11_.take_events()) {
      switch (event.what) {
        case x11_keyboard::event::kind::key:
          on_key(self, event.key, event.pressed, snapshot_requested);
          break;
        case x11_keyboard::event::kind::focus_in:
          sync_lock_keys(self, event.locks);
          break;
        case x11_keyboard::event::kind::focus_out:
          release_held_keys(self);
          break;
      }
      last_activity_ = std::chrono::steady_clock::now();
    }
  }

  // Shift+F11 (full screen, as in remote-viewer) and Shift+F12 (health
  // snapshot) are the viewer's; every other key, F11 and F12 included, is
  // the guest's.
  void on_key(caf::scoped_actor& self, protocol::pc_key key, bool pressed, bool& snapshot_requested) {
    using protocol::pc_key;
    auto held = [this](pc_key one, pc_key other) { return held_keys_.count(one) || held_keys_.count(other); };
    if (pressed && (key == pc_key::f11 || key == pc_key::f12) && held(pc_key::left_shift, pc_key::right_shift)) {
      hot_keys_held_.insert(key);
      if (key == pc_key::f11)
        toggle_fullscreen();
      else
        snapshot_requested = true;
      return;
    }
    if (!pressed && hot_keys_held_.erase(key))
      return;
    send_pc_key(self, key, pressed);
    if (pressed && grabbed_ && held(pc_key::left_ctrl, pc_key::right_ctrl) && held(pc_key::left_alt, pc_key::right_alt))
      release_pointer();
  }

  void send_pc_key(caf::scoped_actor& self, protocol::pc_key key, bool pressed) {
    if (pressed)
      held_keys_.insert(key);
    else
      held_keys_.erase(key);
    send_input(self, caf::make_message(key_event_atom::value, key, pressed));
  }

  // The guest's lock keys follow the local keyboard's whenever the window
  // gets the focus (they may have changed while another window had it).
  void sync_lock_keys(caf::scoped_actor& self, std::uint16_t locks) {
    log_->debug("focus: guest lock keys set to {:#x}", locks);
    send_input(self, caf::make_message(modifiers_atom::value, locks));
  }

  void release_held_keys(caf::scoped_actor& self) {
    for (auto key : held_keys_)
      send_input(self, caf::make_message(key_event_atom::value, key, false));
    held_keys_.clear();
  }

  // Window pixels to guest pixels, through the picture's scale and offset.
  std::optional<sf::Vector2u> guest_position(int x, int y) const {
    if (texture_size_.x == 0 || picture_scale_ <= 0)
      return std::nullopt;
    double gx = (x - picture_offset_.x) / picture_scale_;
    double gy = (y - picture_offset_.y) / picture_scale_;
    if (gx < 0 || gy < 0 || gx >= texture_size_.x || gy >= texture_size_.y)
      return std::nullopt;
    return sf::Vector2u(static_cast<unsigned>(gx), static_cast<unsigned>(gy));
  }

  void send_position(caf::scoped_actor& self, int x, int y) {
    if (auto guest = guest_position(x, y))
      send_input(self, caf::make_message(pointer_position_atom::value, std::uint32_t{guest->x},
                                         std::uint32_t{guest->y}, buttons_, std::uint8_t{0}));
  }

  void send_button(caf::scoped_actor& self, sf::Mouse::Button button, bool pressed) {
    std::uint8_t spice_button;
    std::uint16_t mask;
    switch (button) {
      case sf::Mouse::Left: spice_button = SPICE_MOUSE_BUTTON_LEFT; mask = SPICE_MOUSE_BUTTON_MASK_LEFT; break;
      case sf::Mouse::Middle: spice_button = SPICE_MOUSE_BUTTON_MIDDLE; mask = SPICE_MOUSE_BUTTON_MASK_MIDDLE; break;
      case sf::Mouse::Right: spice_button = SPICE_MOUSE_BUTTON_RIGHT; mask = SPICE_MOUSE_BUTTON_MASK_RIGHT; break;
      default: return;
    }
    buttons_ = pressed ? (buttons_ | mask) : (buttons_ & ~mask);
    send_input(self, caf::make_message(pointer_button_atom::value, spice_button, pressed, buttons_));
  }

  // SPICE has no wheel axis: each notch is a press and release of UP or DOWN.
  void send_wheel(caf::scoped_actor& self, float delta) {
    std::uint8_t button = delta > 0 ? SPICE_MOUSE_BUTTON_UP : SPICE_MOUSE_BUTTON_DOWN;
    for (int notch = 0; notch < std::max(1, static_cast<int>(std::abs(delta))); ++notch) {
      send_input(self, caf::make_message(pointer_button_atom::value, button, true, buttons_));
      send_input(self, caf::make_message(pointer_button_atom::value, button, false, buttons_));
    }
  }

  // Copies the changed rectangle (or everything, on a new size) into the texture.
  void upload(const primary_frame& frame) {
    bool new_size = texture_size_.x != frame.width || texture_size_.y != frame.height;
    if (new_size) {
      texture_.create(frame.width, frame.height);
      texture_size_ = {frame.width, frame.height};
      if (!options_.fullscreen) {
        window_.setSize({frame.width, frame.height});
        window_.setView(sf::View(sf::FloatRect(0, 0, frame.width, frame.height)));
        keep_on_screen();
      }
    }
    auto clamp = [](std::int64_t value, std::int64_t high) { return std::clamp<std::int64_t>(value, 0, high); };
    std::int64_t left = new_size ? 0 : clamp(frame.dirty.left, frame.width);
    std::int64_t top = new_size ? 0 : clamp(frame.dirty.top, frame.height);
    std::int64_t right = new_size ? frame.width : clamp(frame.dirty.right, frame.width);
    std::int64_t bottom = new_size ? frame.height : clamp(frame.dirty.bottom, frame.height);
    if (right <= left || bottom <= top)
      return;
    auto width = static_cast<std::size_t>(right - left);
    rgba_.resize(width * static_cast<std::size_t>(bottom - top) * 4);
    std::uint8_t* out = rgba_.data();
    for (std::int64_t y = top; y < bottom; ++y) {
      const std::uint32_t* row = frame.pixels.data() + static_cast<std::size_t>(y) * frame.width;
      for (std::int64_t x = left; x < right; ++x) {
        std::uint32_t pixel = row[x];  // 0xAARRGGBB; SPICE's A is not opacity for the primary
        *out++ = static_cast<std::uint8_t>(pixel >> 16);
        *out++ = static_cast<std::uint8_t>(pixel >> 8);
        *out++ = static_cast<std::uint8_t>(pixel);
        *out++ = 0xFF;
      }
    }
    texture_.update(rgba_.data(), static_cast<unsigned>(width), static_cast<unsigned>(bottom - top),
                    static_cast<unsigned>(left), static_cast<unsigned>(top));
  }

  void draw(bool present = true) {
    window_.clear(sf::Color(32, 32, 32));
    auto area = window_.getView().getSize();
    if (texture_size_.x > 0) {
      sf::Sprite picture(texture_);
      float scale = std::min(area.x / texture_size_.x, area.y / texture_size_.y);
      picture_scale_ = scale;
      picture_offset_ = {(area.x - texture_size_.x * scale) / 2, (area.y - texture_size_.y * scale) / 2};
      picture.setScale(scale, scale);
      picture.setPosition(picture_offset_);
      window_.draw(picture);
      // In server mouse mode the local pointer is grabbed and hidden: the
      // guest's cursor is drawn where the guest says it is.
      if (mouse_mode_ == SPICE_MOUSE_MODE_SERVER && guest_cursor_.visible && cursor_shape_) {
        sf::Sprite pointer(cursor_texture_);
        pointer.setScale(scale, scale);
        pointer.setPosition(picture_offset_.x + (guest_cursor_.x - cursor_shape_->hot_x) * scale,
                            picture_offset_.y + (guest_cursor_.y - cursor_shape_->hot_y) * scale);
        window_.draw(pointer);
      }
    }
    if (phase_ != "up" && !status_.empty()) {
      sf::RectangleShape band({area.x, static_cast<float>(banner_height)});
      band.setFillColor(sf::Color(0, 0, 0, 190));
      window_.draw(band);
      sf::Text text(status_, font_, 16);
      text.setFillColor(phase_ == "failed" ? sf::Color(255, 140, 120) : sf::Color(240, 240, 240));
      text.setPosition(8, 4);
      window_.draw(text);
    }
    if (present)
      window_.display();
    needs_redraw_ = false;
  }

  caf::actor_system& system_;
  viewer_options options_;
  std::shared_ptr<spdlog::logger> log_;
  sf::RenderWindow window_;
  sf::Texture texture_;
  sf::Vector2u texture_size_{0, 0};
  sf::Font font_;
  std::vector<std::uint8_t> rgba_;
  caf::actor renderer_;
  caf::actor session_;
  std::shared_ptr<const protocol::cursor_shape> cursor_shape_;  // the one loaded into local_cursor_
  std::unique_ptr<sf::Cursor> local_cursor_;
  sf::Texture cursor_texture_;  // the same shape, for drawing it in server mouse mode
  protocol::cursor_state guest_cursor_;
  std::uint16_t mouse_mode_ = SPICE_MOUSE_MODE_SERVER;
  bool grabbed_ = false;
  std::set<protocol::pc_key> held_keys_;
  std::set<protocol::pc_key> hot_keys_held_;  // Shift+F11 / Shift+F12 pressed: their release is ours too
  x11_keyboard x11_;
  bool x11_keys_ = false;  // keys come from x11_ (else from SFML)
  agent_settings agent_;
  std::unique_ptr<x11_clipboard> clipboard_;
  bool agent_monitors_config_ = false;
  std::optional<sf::Vector2u> pending_guest_size_;
  std::chrono::steady_clock::time_point guest_size_due_;
  std::uint16_t buttons_ = 0;  // SPICE_MOUSE_BUTTON_MASK_*
  float picture_scale_ = 1;
  sf::Vector2f picture_offset_{0, 0};
  std::string phase_ = "connecting";
  std::string vm_name_;
  std::string status_;
  bool needs_redraw_ = true;
  std::chrono::steady_clock::time_point last_activity_ = std::chrono::steady_clock::now();
};

}  // namespace

std::unique_ptr<session_frontend> make_viewer_window(caf::actor_system& system, viewer_options options) {
  return std::make_unique<viewer_window>(system, std::move(options));
}

}  // namespace vigil
