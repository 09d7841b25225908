// The viewer window: the session_frontend that puts the session on screen.
// It owns the SFML window (its life, full screen, title) and routes each
// concern to its part: keyboard and mouse to window_input, the guest's agent
// (clipboard, guest resize) to window_agent, the guest's cursor to
// window_cursor, frames and drawing to a presentation (presentation.hpp),
// the menu to menu_control (its pixels go over the picture).
#include "ui/viewer_window.hpp"

#include <algorithm>
#include <utility>

#include <SFML/Graphics.hpp>
#include <caf/send.hpp>
#include <spice/enums.h>

#include "actors/agent_events.hpp"
#include "actors/input_events.hpp"
#include "common/log.hpp"
#include "actors/messages.hpp"
#include "supervisors/session_supervisor.hpp"
#include "ui/exit_codes.hpp"
#include "ui/head_windows.hpp"
#include "ui/health_text.hpp"
#include "ui/key_names.hpp"
#include "ui/menu_control.hpp"
#include "ui/presentation.hpp"
#include "ui/screenshot_file.hpp"
#include "ui/sfml_audio_device.hpp"
#include "ui/sfml_connection.hpp"
#include "ui/path_field.hpp"
#include "ui/window_agent.hpp"
#include "ui/window_cursor.hpp"
#include "ui/window_input.hpp"
#include "ui/window_opengl.hpp"
#include "ui/window_scaling.hpp"
#include "ui/window_placement.hpp"
#include "ui/window_title.hpp"

namespace vigil {

namespace {

class viewer_window final : public session_frontend {
public:
  viewer_window(caf::actor_system& system, viewer_options options)
      : system_(system),
        options_(std::move(options)),
        log_(named_logger("viewer")),
        input_(window_, options_.hotkeys, [this](input_event event) { send_input(std::move(event)); },
               [this] { update_title(); },
               {[this](hotkey_action action) { perform(action); }, [this] { return menu_.has_input(); },
                [this](protocol::pc_key key) { menu_key(key); }}) {
    input_.set_keyboard_grab(options_.settings.grab_keyboard);
    open(sf::VideoMode(1024, 768));
    presentation_ = make_presentation(window_, options_.presentation);
    presentation_->set_scaling(options_.settings.scaling);
    heads_.set_fullscreen(options_.fullscreen, options_.settings.monitor_mapping);
  }

  void attach(caf::scoped_actor& self, const caf::actor& mailbox, session_options& options) override {
    renderer_ = spawn_renderer(system_, options.debug.renderer_delay_per_frame);
    options.renderer = renderer_;
    agent_ = std::make_unique<window_agent>(options.agent, static_cast<unsigned long>(window_.getSystemHandle()),
                                            [this](agent_command command) { send_agent(std::move(command)); });
    options.audio_sink.device = make_sfml_audio_device();  // the sink (session supervisor) owns it from here
    main_actor_ = &self;
    mailbox_ = mailbox;
    self->send(renderer_, subscribe_frames_atom::value, caf::actor_cast<frame_consumer>(mailbox));
    for (std::uint32_t id = 1; id < max_display_channels; ++id) {  // one window a head: every display's frames
      display_renderers_.push_back(spawn_renderer(system_, options.debug.renderer_delay_per_frame, id));
      self->send(display_renderers_.back(), subscribe_frames_atom::value, caf::actor_cast<frame_consumer>(mailbox));
    }
    options.display_renderers = display_renderers_;
  }

  void connect(guest_link& link, const session_supervisor_actor& supervisor) override {
    guest_ = &link;
    session_ = supervisor;
  }

  std::vector<int> event_fds() const override {
    std::vector<int> fds{sfml_connection_.fd(), input_.connection_fd(), presentation_->connection_fd()};
    if (agent_)
      for (int fd : agent_->connection_fds())
        fds.push_back(fd);
    for (int fd : heads_.event_fds())
      fds.push_back(fd);
    return fds;
  }

  std::optional<std::chrono::steady_clock::time_point> next_pump() override {
    const auto now = std::chrono::steady_clock::now();
    // Every connection is asked, not only up to the first with events: the
    // asking sends what it buffered, which must not wait out the sleep.
    bool waiting = sfml_connection_.events_waiting();
    waiting = input_.events_waiting() || waiting;
    waiting = (agent_ && agent_->events_waiting()) || waiting;
    waiting = presentation_->events_waiting() || waiting;
    waiting = heads_.events_waiting() || waiting;
    if (quit_ || waiting)
      return now;
    auto earliest = [](auto a, auto b) { return !a ? b : !b ? a : std::min(a, b); };
    return earliest(menu_.next_change(now),  // new menu pixels, or a notice goes
                    earliest(agent_ ? agent_->next_deadline() : std::nullopt, input_.next_deadline()));
  }

  std::optional<exit_status> pump(caf::scoped_actor&, bool& snapshot_requested,
                                  const readable_fds& readable) override {
    std::vector<menu_choice> chosen;
    sf::Event event;
    // An empty pollEvent() costs SFML two reads of the socket and a look at
    // every joystick slot: asked only when its connection has something.
    const bool sfml_events = readable.has(sfml_connection_.fd()) || sfml_connection_.events_waiting();
    while (sfml_events && window_.pollEvent(event)) {  // (ends with a return or drained below)
      switch (event.type) {
        case sf::Event::Closed:
          if (options_.kiosk) {
            log_->warn("kiosk mode: the window cannot be closed");
            break;
          }
          return exit_status{0, "window closed"};
        case sf::Event::Resized:
          window_.setView(sf::View(sf::FloatRect(0, 0, event.size.width, event.size.height)));
          presentation_->repaint_all();
          if (!heads_.monitors().empty())  // several heads (some maybe disabled): each window asks for its own
            ask_for_heads();
          else
            agent_->window_resized(guest_size_for(event.size.width, event.size.height), presentation_->picture_size());
          break;
        case sf::Event::KeyPressed:
        case sf::Event::KeyReleased:
          input_.sfml_key(event.key.code, event.type == sf::Event::KeyPressed);
          break;
        case sf::Event::MouseMoved:
          if (!menu_.pointer_moved(event.mouseMove.x, event.mouseMove.y, window_.getSize()))
            input_.mouse_moved(event.mouseMove.x, event.mouseMove.y);
          break;
        case sf::Event::MouseLeft:
          menu_.pointer_left(window_.getSize());
          break;
        case sf::Event::MouseButtonPressed:
        case sf::Event::MouseButtonReleased: {
          bool pressed = event.type == sf::Event::MouseButtonPressed;
          if (!menu_.button(event.mouseButton.button, pressed, event.mouseButton.x, event.mouseButton.y,
                            window_.getSize(), options_.fullscreen, chosen))
            input_.mouse_button(event.mouseButton.button, pressed);
          break;
        }
        case sf::Event::MouseWheelScrolled:
          if (event.mouseWheelScroll.wheel == sf::Mouse::VerticalWheel && !menu_.has_input())
            input_.wheel(event.mouseWheelScroll.delta);  // SPICE has no horizontal wheel
          break;
        case sf::Event::TextEntered:
          if (send_file_field_) {
            send_file_field_->type(event.text.unicode);
            show_send_file_field();
          }
          break;
        case sf::Event::LostFocus:
          input_.focus_lost();
          break;
        case sf::Event::GainedFocus:
          input_.focus_gained();
          break;
        default:
          break;
      }
    }
    sfml_connection_.drained();
    if (quit_)
      return quit_;
    for (const auto& choice : chosen)
      choose(choice);
    input_.watch_heads(heads_.windows());
    input_.take_x11_keys(readable.has(input_.connection_fd()));
    agent_->pump(std::chrono::steady_clock::now(), presentation_->picture_size(), readable);
    follow_file_transfers();
    menu_changed();
    snapshot_requested = snapshot_requested || std::exchange(snapshot_wanted_, false);
    if (quit_)
      return quit_;
    presentation_->take_events(readable.has(presentation_->connection_fd()));
    present(readable);
    return std::nullopt;
  }

  void show_health(const session_health& health) override {
    if (health_asked_ && menu_.panel_open())
      menu_.show_panel("Session health", health_text(health), window_.getSize());
    health_asked_ = false;
  }

    void on_agent_event(caf::scoped_actor&, const agent_event& event) override { agent_->on_agent_event(event); }

  void show_update(caf::scoped_actor&, const screen_update& update) override {
    const bool several = heads_.several();
    const frame_patch_ptr picture = update.picture ? heads_.route(update.display, update.picture) : nullptr;
    if (heads_.take_whole_request(update.display) && main_actor_) {
      if (update.display == 0)
        (*main_actor_)->send(renderer_, frame_whole_atom::value);
      else if (update.display - 1 < display_renderers_.size())
        (*main_actor_)->send(display_renderers_[update.display - 1], frame_whole_atom::value);
    }
    if (several != heads_.several())
      update_title();
    if (update.display != 0) {  // a head window's (ui/head_windows.hpp)
      displays_to_acknowledge_.push_back(update.display);
      return;
    }
    if (update.picture && agent_)
      agent_->set_heads(update.picture->heads);
    if (picture && presentation_->update(*picture) && !options_.fullscreen)
      size_window_to_picture();
    if (update.cursor) {
      cursor_.show(window_, *update.cursor, input_.grabbed());
      show_guest_cursor();
    }
    update_to_acknowledge_ = true;  // once it is on screen: a slow window coalesces frames upstream
  }

  void show_status(session_phase phase, const std::string& text) override {
    // --kiosk-quit on-disconnect: remote-viewer quits when the connection
    // is lost instead of retrying (a kiosk's watchdog then starts it again).
    if (options_.kiosk_quit_on_disconnect && banner_.phase == session_phase::up && phase != session_phase::up && !quit_)
      quit_ = exit_status{exit_codes::session_lost, "kiosk: the session was lost (--kiosk-quit on-disconnect)"};
    banner_.phase = phase;
    banner_.text = text;
    update_title();
    presentation_->set_banner(banner_);
  }

  void set_mouse_mode(std::uint16_t mode) override {
    input_.set_mouse_mode(mode);
    log_->info("mouse mode: {}",
               mode == SPICE_MOUSE_MODE_CLIENT ? "client (absolute)" : "server (relative, click to grab)");
    show_guest_cursor();
  }

  void show_vm_name(const std::string& name) override {
    vm_name_ = name;
    update_title();
  }

  std::optional<credentials_answer> ask_credentials(const std::string& why, bool ask_username,
                                                    const std::string& username) override {
    if (!window_.isOpen())
      return std::nullopt;
    if (!form_font_.loaded())
      log_->warn("cannot load {}: the credential form shows no text", form_font_path);
    log_->info("asking for {} in the window", ask_username ? "a user name and password" : "the password");
    input_.suspend_keyboard_grab(true);  // the form reads SFML's keys
    auto answer = ask_in_window(window_, *presentation_, banner_, credential_form(why, ask_username, username), form_font_);
    input_.suspend_keyboard_grab(false);
    auto menu = menu_.render(std::chrono::steady_clock::now());  // the form took the overlay's place
    presentation_->set_overlay(menu.image, menu.bounds);
    log_->info(answer ? "credentials entered: connecting again" : "credentials not entered");
    return answer;
  }

  void finish() override {
    if (!options_.screenshot_path.empty()) {
      if (presentation_->save_screenshot(options_.screenshot_path))
        log_->info("window screenshot written to {}", options_.screenshot_path);
      else
        log_->error("could not write the window screenshot to {}", options_.screenshot_path);
    }
    window_.close();
    if (renderer_)
      caf::anon_send(renderer_, shutdown_atom::value);
    for (const auto& renderer : display_renderers_)
      caf::anon_send(renderer, shutdown_atom::value);
  }

private:
  void open(sf::VideoMode mode) {
    if (auto mapped = mapped_area(options_.fullscreen, 1, options_.settings.monitor_mapping))
      cover(window_, *mapped);  // --monitor-mapping: the first head over its client monitor
    else
      window_.create(options_.fullscreen ? sf::VideoMode::getDesktopMode() : mode, "Vigil",
                     options_.fullscreen ? sf::Style::Fullscreen : sf::Style::Default);
    update_title();
    prepare_window(window_, true);
    if (!sfml_connection_.attach(window_.getSystemHandle()))
      log_->warn("cannot find SFML's X connection: the window reacts to events only when a message arrives");
    window_.setKeyRepeatEnabled(true);
    bool had_x11_keys = input_.x11_keys();
    if (input_.watch(window_) != had_x11_keys || !input_.x11_keys())
      log_->info("keyboard: {}", input_.x11_keys() ? "X keycodes (every key of a 105-key layout)"
                                                   : "SFML key events (no ISO <> key, locks, Print Screen or keypad "
                                                     "Enter: the X server's keycodes are not evdev's)");
    cursor_.reapply(window_);
    if (!options_.fullscreen)
      keep_on_desktop(window_);
    if (presentation_)
      presentation_->window_recreated();
  }

  // The menu took or gave back the keyboard and the pointer.
  void menu_changed() {
    if (menu_.has_input() && !menu_had_input_)
      input_.keys_for_viewer();  // the guest holds no key while the menu has the keyboard
    menu_had_input_ = menu_.has_input();
  }

  // A key press the menu has.
  void menu_key(protocol::pc_key key) {
    if (send_file_field_)
      return send_file_key(key);
    std::vector<menu_choice> chosen;
    menu_.key(key, chosen);
    for (const auto& choice : chosen)
      choose(choice);
    menu_changed();
  }

  // What a hotkey asked for.
  void perform(hotkey_action action) {
    log_->info("hotkey {}: {}", options_.hotkeys.label(action), hotkey_action_name(action));
    switch (action) {
      case hotkey_action::toggle_fullscreen:
        toggle_fullscreen();
        break;
      case hotkey_action::release_cursor:
        break;  // window_input released the pointer
      case hotkey_action::secure_attention:
        input_.send_combination(*parse_key_combination("ctrl+alt+del").value);
        break;
      case hotkey_action::health:
        snapshot_wanted_ = true;
        break;
      case hotkey_action::menu:
        menu_.toggle(window_.getSize(), options_.fullscreen);
        menu_changed();
        break;
      case hotkey_action::screenshot:
        take_screenshot();
        break;
      case hotkey_action::zoom_in:
        set_zoom(zoom_in(options_.settings.scaling.zoom_percent));
        break;
      case hotkey_action::zoom_out:
        set_zoom(zoom_out(options_.settings.scaling.zoom_percent));
        break;
      case hotkey_action::zoom_reset:
        set_zoom(100);
        break;
      case hotkey_action::smartcard_insert:
      case hotkey_action::smartcard_remove:
        log_->warn("{}: not supported: Vigil has no smartcard channel yet", hotkey_action_name(action));
        break;
      case hotkey_action::usb_device_reset:
        log_->warn("usb-device-reset: not supported: Vigil has no USB redirection yet");
        break;
      default:
        log_->warn("{}: not supported yet", hotkey_action_name(action));
        break;
    }
  }

  // As remote-viewer (ui/window_title.hpp); the head windows' too.
  void update_title() {
    const std::string title = title_of(1);
    window_.setTitle(sf::String::fromUtf8(title.begin(), title.end()));  // a file's title may be any UTF-8
    heads_.retitle();
  }
  std::string title_of(std::size_t monitor) const {
    const bool hint = input_.grabbed() && input_.hotkeys().has(hotkey_action::release_cursor);
    return window_title(!options_.title.empty() ? options_.title : vm_name_, static_cast<int>(monitor),
                        heads_.several(), hint ? input_.hotkeys().label(hotkey_action::release_cursor) : "",
                        banner_.phase != session_phase::up ? banner_.text : "");
  }

  // What the menu's entry asked for.
  void choose(const menu_choice& choice) {
    switch (choice.command) {
      case menu_command::send_key: {
        const auto& combination = options_.settings.send_keys.at(static_cast<std::size_t>(choice.index));
        log_->info("menu: send key {}", combination.label());
        input_.send_combination(combination);
        break;
      }
      case menu_command::fullscreen:
        log_->info("menu: full screen");
        toggle_fullscreen();
        break;
      case menu_command::zoom: {
        auto& scaling = options_.settings.scaling;
        if (choice.index >= 3) {  // a toggle: the window keeps its size, the picture is placed again
          bool& toggled = choice.index == 3 ? scaling.fit : scaling.integer;
          toggled = !toggled;
          presentation_->set_scaling(scaling);
          log_->info("menu: {} {}", choice.index == 3 ? "scale to fit" : "integer scaling", toggled ? "on" : "off");
          break;
        }
        const int zoom = scaling.zoom_percent;
        const int wanted = choice.index == 0 ? zoom_in(zoom) : choice.index == 1 ? zoom_out(zoom) : 100;
        log_->info("menu: zoom {} %", wanted);
        set_zoom(wanted);
        break;
      }
      case menu_command::screenshot:
        take_screenshot();
        break;
      case menu_command::health:
        log_->info("menu: session health");
        menu_.show_panel("Session health", {"Asking the session supervisor..."}, window_.getSize());
        health_asked_ = true;
        if (session_)  // answered through the mailbox (show_health): nothing waits for it
          caf::send_as(mailbox_, session_, health_atom::value);
        break;
      case menu_command::reconnect:
        log_->info("menu: reconnect now");
        menu_.notice("Reconnecting now");
        if (session_ && main_actor_)
          (*main_actor_)->send(session_, reconnect_now_atom::value);
        break;
      case menu_command::disconnect:
        log_->info("menu: disconnect");
        quit_ = exit_status{exit_codes::ok, "disconnected from the menu"};
        break;
      case menu_command::send_file:
        log_->info("menu: send file");
        send_file_field_.emplace();
        input_.suspend_keyboard_grab(true);  // SFML's typed text is the field's
        show_send_file_field();
        break;
      case menu_command::cancel_files:
        log_->info("menu: cancel file transfers");
        for (const auto& [id, transfer] : agent_->file_transfers())
          agent_->cancel_file(id);
        break;
      case menu_command::monitor:  // the guest is asked for the heads left enabled
        heads_.toggle(static_cast<std::size_t>(choice.index));
        ask_for_heads();
        break;
      case menu_command::microphone: {
        // The record channel reads the switch for every packet: no message.
        const bool muted = !options_.microphone->muted.load();
        options_.microphone->muted.store(muted);
        log_->info("menu: microphone {}", muted ? "muted" : "on");
        menu_.notice(muted ? "Microphone muted: the guest hears silence" : "Microphone on");
        break;
      }
    }
  }

  // The Send file path field: shown in the menu's panel while open.
  void show_send_file_field() {
    menu_.show_panel("Send file to the guest",
                     {"Path: " + send_file_field_->text() + "_", "", "Enter sends it, Escape cancels"},
                     window_.getSize());
  }
  void send_file_key(protocol::pc_key key) {
    auto outcome = send_file_field_->key(key);
    if (outcome == path_field::outcome::editing)
      return show_send_file_field();
    if (outcome == path_field::outcome::submitted)
      agent_->send_file(send_file_field_->text());
    close_send_file_field();
  }
  void close_send_file_field() {
    send_file_field_.reset();
    input_.suspend_keyboard_grab(false);
    std::vector<menu_choice> none;
    if (menu_.panel_open())
      menu_.key(protocol::pc_key::escape, none);
    menu_changed();
  }
  // Progress and outcomes as notices; the menu offers Cancel while files go.
  void follow_file_transfers() {
    if (send_file_field_ && !menu_.panel_open())  // a click closed the panel
      close_send_file_field();
    if (auto notice = agent_->take_file_notice())
      menu_.notice(*notice);
    menu_.set_file_transfers(!agent_->file_transfers().empty());
    menu_.set_monitors(heads_.monitors());
  }

  // The guest's screen as it is now, as a PNG in the screenshot directory.
  void take_screenshot() {
    menu_.notice(save_screenshot(presentation_->picture_image(), options_.settings.screenshot_directory, vm_name_));
  }

  void toggle_fullscreen() {
    options_.fullscreen = !options_.fullscreen;
    auto size = presentation_->picture_size();
    auto zoomed = zoomed_window(size.x ? size.x : 1024, size.y ? size.y : 768, options_.settings.scaling.zoom_percent);
    open(sf::VideoMode(zoomed.width, zoomed.height));
    heads_.set_fullscreen(options_.fullscreen, options_.settings.monitor_mapping);
    log_->info("full screen {}", options_.fullscreen ? "on" : "off");
  }

  // A zoom level from the hotkeys or the menu: the picture is drawn at it
  // and, unless full screen, the window takes its size (as remote-viewer).
  void set_zoom(int percent) {
    auto& scaling = options_.settings.scaling;
    scaling.zoom_percent = percent;
    presentation_->set_scaling(scaling);
    if (!options_.fullscreen)
      size_window_to_picture();
    else
      log_->info("zoom {} % (full screen: the picture fits the screen)", percent);
  }

  // The window becomes the picture's size times the zoom.
  void size_window_to_picture() {
    auto picture = presentation_->picture_size();
    if (picture.x == 0 || picture.y == 0)
      return;
    const int zoom = options_.settings.scaling.zoom_percent;
    auto size = zoomed_window(picture.x, picture.y, zoom);
    window_.setSize({size.width, size.height});
    window_.setView(sf::View(sf::FloatRect(0, 0, static_cast<float>(size.width), static_cast<float>(size.height))));
    presentation_->repaint_all();
    if (!options_.fullscreen)
      keep_on_desktop(window_);
    heads_.arrange();
    log_->info("window {}x{}: the picture at {} %", size.width, size.height, zoom);
  }

  // Every head at its window's size (ui/head_windows.hpp), debounced.
  void ask_for_heads() {
    const auto size = window_.getSize();
    agent_->heads_resized(heads_.layout(guest_size_for(size.x, size.y)), heads_.current());
  }

  // The guest resolution a window of this size asks for (agent.resize_guest):
  // the window's size at 100 %, the size it stands for at another zoom.
  sf::Vector2u guest_size_for(unsigned width, unsigned height) const {
    auto size = unzoomed_guest(width, height, options_.settings.scaling.zoom_percent);
    return {size.width, size.height};
  }

  // In server mouse mode the local pointer is grabbed and hidden: the guest's
  // cursor is drawn where the guest says it is.
  void show_guest_cursor() {
    presentation_->set_cursor(input_.mouse_mode() == SPICE_MOUSE_MODE_SERVER ? &cursor_ : nullptr);
  }

  // Puts what changed on screen; the renderer hears once the update is shown.
  void present(const readable_fds& readable) {
    auto now = std::chrono::steady_clock::now();
    if (auto change = menu_.next_change(now); change && *change <= now) {
      auto overlay = menu_.render(now);
      presentation_->set_overlay(overlay.image, overlay.bounds);
    }
    presentation_->present();
    heads_.pump(readable);
    const auto& geometry = presentation_->geometry();
    if (geometry.scale != placed_.scale || geometry.offset_x != placed_.offset_x ||
        geometry.offset_y != placed_.offset_y || geometry.width != placed_.width || geometry.height != placed_.height) {
      placed_ = geometry;
      log_->debug("picture {}x{} placed at scale {:.4f}, offset ({:.1f}, {:.1f})", geometry.width, geometry.height,
                  geometry.scale, geometry.offset_x, geometry.offset_y);
    }
    input_.set_geometry(geometry);
    if (heads_.presenting() || !main_actor_)
      return;
    if (update_to_acknowledge_ && !presentation_->presenting()) {
      update_to_acknowledge_ = false;
      (*main_actor_)->send(renderer_, frame_shown_atom::value);
    }
    for (std::uint32_t display : std::exchange(displays_to_acknowledge_, {}))
      (*main_actor_)->send(display_renderers_.at(display - 1), frame_shown_atom::value);
  }

  // Straight to the current inputs and main channels (ui/guest_link.hpp).
  void send_input(input_event event) {
    if (guest_ && main_actor_)
      guest_->send_input(main_actor_->ptr(), std::move(event));
  }

  void send_agent(agent_command command) {
    if (guest_ && main_actor_)
      guest_->send_agent(main_actor_->ptr(), std::move(command));
  }

  caf::actor_system& system_;
  viewer_options options_;
  std::shared_ptr<spdlog::logger> log_;
  sf::RenderWindow window_;
  window_input input_;
  std::unique_ptr<presentation> presentation_;
  sfml_connection sfml_connection_;
  window_cursor cursor_;
  std::unique_ptr<window_agent> agent_;
  status_banner banner_;
  static constexpr const char* form_font_path = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  text_face form_font_{form_font_path};
  renderer_actor renderer_;
  guest_link* guest_ = nullptr;  // the runner's, from connect() on
  session_supervisor_actor session_;
  caf::scoped_actor* main_actor_ = nullptr;  // run_session's, from attach() on
  caf::actor mailbox_;                       // the main thread's inbox: answers come back through it
  menu_control menu_{options_.settings, input_.hotkeys(), options_.kiosk, options_.microphone.get()};
  bool health_asked_ = false;
  std::optional<path_field> send_file_field_;  // Send file's path, while it is typed
  bool menu_had_input_ = false;
  bool snapshot_wanted_ = false;  // the health hotkey: the runner prints the snapshot
  std::string vm_name_;
  std::optional<exit_status> quit_;  // the window ends the run at its next pump
  bool update_to_acknowledge_ = false;
  std::vector<std::uint32_t> displays_to_acknowledge_;  // updates of display:1.. shown, not yet acknowledged
  std::vector<renderer_actor> display_renderers_;     // display:1.. ([id - 1])
  head_windows heads_{options_.presentation,
                      {[this](std::size_t n) { return title_of(n); }, [this] { ask_for_heads(); },
                       [this] { return sf::IntRect(window_.getPosition(), sf::Vector2i(window_.getSize())); },
                       [this](const sf::Event& event, const pointer_target& target) {
                         input_.head_window_pointer(event, target);
                       },
                       [this](sf::Keyboard::Key key, bool pressed) { input_.sfml_key(key, pressed); }}};
  picture_geometry placed_;  // where the picture was last placed (logged when it moves)
};

}  // namespace

std::unique_ptr<session_frontend> make_viewer_window(caf::actor_system& system, viewer_options options) {
  windows_have_opengl(options.presentation);  // before SFML's first OpenGL resource (the window itself)
  return std::make_unique<viewer_window>(system, std::move(options));
}

}  // namespace vigil
