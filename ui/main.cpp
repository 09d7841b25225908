// vigil: parses the command line, starts the actor system and runs the
// session, in the SFML window (main thread) or headless.
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <thread>

#include <unistd.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>

#include "actors/scheduler.hpp"
#include "common/large_blocks.hpp"
#include "common/log.hpp"
#include "ui/command_line.hpp"
#include "ui/exit_codes.hpp"
#include "ui/session_runner.hpp"
#include "ui/sfml_microphone.hpp"
#include "ui/ui_inbox.hpp"
#include "ui/video_codec_probe.hpp"
#include "ui/terminal_prompt.hpp"
#include "ui/viewer_window.hpp"

namespace {

vigil::run_signals signals;

extern "C" void request_stop(int) {
  signals.stop_requested.store(true);
  vigil::signal_wake_fd(signals.wake_fd.load());
}
extern "C" void request_snapshot(int) {
  signals.snapshot_requested.store(true);
  vigil::signal_wake_fd(signals.wake_fd.load());
}

// Ends the process if the actor system has not shut down within `grace`
// after the session is over: a stuck actor must never keep vigil alive.
class shutdown_watchdog {
public:
  shutdown_watchdog(int exit_code, std::chrono::seconds grace)
      : thread_([this, exit_code, grace] {
          std::unique_lock<std::mutex> lock(mutex_);
          if (!done_cv_.wait_for(lock, grace, [this] { return done_; })) {
            std::cerr << "vigil: actors did not stop within " << grace.count() << " s of the session ending; exiting\n";
            _exit(exit_code);
          }
        }) {}
  ~shutdown_watchdog() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      done_ = true;
    }
    done_cv_.notify_all();
    thread_.join();
  }

private:
  std::mutex mutex_;
  std::condition_variable done_cv_;
  bool done_ = false;
  std::thread thread_;
};

// A refused connection asks for the password (and, for SASL, the user name)
// and tries again, up to three times: in the window's masked field, or
// headless on a terminal. Headless without a terminal, and headless for a
// ticket that worked before (expired), exit 3 stands.
bool ask_for_credentials(const vigil::exit_status& status, vigil::connection_settings& connection,
                         const std::string& uri, vigil::session_frontend* window) {
  if (status.code != vigil::exit_codes::auth_failed)
    return false;
  const bool sasl = status.sasl;
  if (window) {
    // The window asks even for an expired ticket: a new one may be typed.
    auto why = status.ticket_expired
                 ? std::string("The server refused the ticket; it may have expired: type a new one")
               : sasl ? std::string("The server asks for a user name and password (SASL)")
                      : std::string("The server refused the password");
    vigil::named_logger("session")->info("asking again: {}", why);
    auto answer = window->ask_credentials(why, sasl, connection.username);
    if (!answer)
      return false;
    if (sasl)
      connection.username = answer->username;
    connection.password = answer->password;
    return true;
  }
  if (!vigil::can_prompt_on_terminal() || status.ticket_expired)
    return false;
  if (sasl) {
    auto user = vigil::prompt_on_terminal(
      "User name for " + uri + (connection.username.empty() ? "" : " [" + connection.username + "]") + ": ", true);
    if (!user)
      return false;
    if (!user->empty())
      connection.username = *user;
  }
  auto password = vigil::prompt_on_terminal("Password for " + uri + ": ", false);
  if (!password)
    return false;
  connection.password = *password;
  return true;
}

// window.presentation, unless VIGIL_PRESENTATION says otherwise (how the tests force each way).
vigil::presentation_choice presentation_for(const vigil::run_request& request) {
  std::string name = request.window_presentation;
  if (const char* forced = std::getenv("VIGIL_PRESENTATION")) {
    if (vigil::presentation_choice_named(forced))
      name = forced;
    else
      std::cerr << "vigil: VIGIL_PRESENTATION=" << forced << " is not auto, xshm or gl; ignored\n";
  }
  return vigil::presentation_choice_named(name).value_or(vigil::presentation_choice::automatic);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::string(argv[1]) == vigil::probe_video_codecs_argument)
    return vigil::print_decodable_video_codecs();
  vigil::return_large_blocks_to_the_system();  // RSS follows the memory budget (common/large_blocks.hpp)
  auto parsed = vigil::parse_command_line(argc, argv);
  if (parsed.exit_now)
    return *parsed.exit_now;
  const auto& request = *parsed.request;
  if (!request.headless && !std::getenv("DISPLAY")) {
    std::cerr << "vigil: no DISPLAY to open a window on; use --headless (or run under xvfb-run)\n";
    return vigil::exit_codes::usage_error;
  }
  vigil::configure_logging(request.log_level);
  vigil::video_codec_probe codec_probe;  // runs while the actor system starts and the window opens
  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
  std::signal(SIGUSR1, request_snapshot);
  std::signal(SIGPIPE, SIG_IGN);

  caf::actor_system_config config;
  vigil::use_vigil_scheduler(config);
  config.load<caf::io::middleman>();
  config.set("logger.verbosity", caf::atom("quiet"));
  // A debug-stalled (or truly stuck) actor holds a worker thread until it is
  // replaced; enough workers keep the rest of the system running meanwhile.
  config.set("scheduler.max-threads", std::max(4u, std::thread::hardware_concurrency()));
  // A socket broker's halt() only takes effect after CAF's current read loop;
  // fewer consecutive reads keep the chunks that still arrive after it few.
  // Not 1: against the real guest's console scroll QEMU then worked about a
  // quarter more while headless Vigil was connected, and Vigil drew all of
  // it: 0.55-0.58x remote-viewer's CPU against 0.40-0.46x
  // (docs/performance.md, fourteenth shift).
  config.set("middleman.max-consecutive-reads", 2);
  // After each message an idle CAF worker spins, then by default polls every
  // 50 us for 500 attempts, then wakes every 10 ms to steal work: that was
  // nearly all of an idle session's CPU (each heartbeat cost a spin). Now it
  // spins briefly and sleeps (actors/scheduler.hpp), woken by new work;
  // it wakes on its own only every 250 ms, to steal work queued behind a
  // worker that a stalled actor holds (the heartbeat deadline is 1 s, so a
  // healthy actor's reply is never late for it). With four workers these
  // wake-ups were most of an idle session's remaining CPU at 100 ms.
  config.set("work-stealing.aggressive-poll-attempts", 10);
  config.set("work-stealing.moderate-poll-attempts", 0);
  config.set("work-stealing.relaxed-sleep-duration", caf::timespan{std::chrono::milliseconds(250)});
  int exit_code;
  std::optional<shutdown_watchdog> watchdog;
  {
    caf::actor_system system{config};
    vigil::session_run run{request.session, request.duration_s, request.dump_primary_path};
    // The microphone, in the window and headless alike: it only ever opens
    // while the guest records (RECORD_START), and --no-record keeps it shut.
    const std::string microphone = run.session.record.device;
    run.session.record.make_capture = [microphone] { return vigil::make_sfml_microphone(microphone); };
    std::unique_ptr<vigil::session_frontend> window;
    if (!request.headless)
      window = vigil::make_viewer_window(system, {request.fullscreen, request.screenshot_path, request.window_title,
                                                  request.hotkeys, request.viewer, request.kiosk,
                                                  request.kiosk_quit_on_disconnect, presentation_for(request),
                                                  run.session.record.enabled ? run.session.record.microphone
                                                                             : nullptr});
    const vigil::probed_video_codecs codecs = codec_probe.finish(std::chrono::seconds(5));
    if (!codecs.problem.empty())
      vigil::named_logger("video")->warn("only MJPEG streams can be decoded: {}", codecs.problem);
    run.session.video.installed_codecs = codecs.codecs;
    auto status = vigil::run_session(system, run, signals, window.get());
    for (int asked = 0; asked < 3 && !signals.stop_requested.load() &&
                        ask_for_credentials(status, run.session.connection, run.session.uri, window.get());
         ++asked)
      status = vigil::run_session(system, run, signals, window.get());
    if (window)
      window->finish();
    exit_code = status.code;
    watchdog.emplace(exit_code, std::chrono::seconds(10));
  }
  watchdog.reset();
  return exit_code;
}
