// End-to-end frame rate: the real test server (libspice-server) draws a scene,
// the real client (`vigil --headless`) receives, decodes and renders it, and
// this driver reports what the client actually rendered per second, with the
// CPU time both processes used meanwhile and the client's peak RSS.
//
// The client's own counters are the measure: SIGUSR1 makes it print a health
// snapshot (one JSON line on stdout) holding renderer.frames_rendered,
// frames_coalesced, each channel's messages_in/bytes_in and session.uptime_s.
// One snapshot opens the window and one closes it; the differences are the
// results. Endless scenes (demo) get a fixed window after a warm-up; finite
// ones (video, and the static scenes) run from "scene started" until the
// client's counters stop moving after "scene complete".
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace {

using clock_type = std::chrono::steady_clock;
using namespace std::chrono_literals;

struct options {
  std::string server;
  std::string client;
  std::vector<std::string> scenes{"demo", "video"};
  std::string size = "1024x768";
  double window_s = 10;  // endless scenes
  double warmup_s = 2;   // endless scenes
  std::vector<std::string> server_args;
  std::string log_dir;  // children's stderr; discarded when empty
};

// ---- child processes ---------------------------------------------------

// A child whose stdout this driver reads line by line; its stderr goes to a
// file so a chatty child never blocks. PR_SET_PDEATHSIG: if the driver dies,
// no server is left behind.
class child {
public:
  child(const std::vector<std::string>& argv, const std::string& stderr_path) {
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0)
      throw std::runtime_error("pipe2 failed");
    std::vector<char*> c_argv;
    for (const auto& argument : argv)
      c_argv.push_back(const_cast<char*>(argument.c_str()));
    c_argv.push_back(nullptr);
    const pid_t parent = ::getpid();
    pid_ = ::fork();
    if (pid_ < 0)
      throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent)
        ::_exit(127);
      const int in = ::open("/dev/null", O_RDONLY);
      const int err = ::open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(in, STDIN_FILENO);
      ::dup2(out[1], STDOUT_FILENO);
      ::dup2(err, STDERR_FILENO);
      ::execv(c_argv[0], c_argv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    out_ = out[0];
  }
  ~child() {
    if (!reaped_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    ::close(out_);
  }
  child(const child&) = delete;
  child& operator=(const child&) = delete;

  pid_t pid() const { return pid_; }

  // The next stdout line, or nothing when the deadline passes or stdout ends.
  std::optional<std::string> next_line(clock_type::time_point deadline) {
    for (;;) {
      if (const auto newline = buffer_.find('\n'); newline != std::string::npos) {
        std::string line = buffer_.substr(0, newline);
        buffer_.erase(0, newline + 1);
        return line;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now());
      pollfd readable{out_, POLLIN, 0};
      if (::poll(&readable, 1, static_cast<int>(std::max<long>(0, left.count()))) <= 0)
        return std::nullopt;
      char chunk[8192];
      const ssize_t got = ::read(out_, chunk, sizeof(chunk));
      if (got <= 0)
        return std::nullopt;
      buffer_.append(chunk, static_cast<std::size_t>(got));
    }
  }

  // SIGTERM, then SIGKILL after `grace`; returns the child's resource usage.
  rusage stop(std::chrono::milliseconds grace) {
    rusage usage{};
    if (reaped_)
      return usage;
    ::kill(pid_, SIGTERM);
    const auto deadline = clock_type::now() + grace;
    while (::wait4(pid_, nullptr, WNOHANG, &usage) == 0) {
      if (clock_type::now() > deadline) {
        ::kill(pid_, SIGKILL);
        ::wait4(pid_, nullptr, 0, &usage);
        break;
      }
      std::this_thread::sleep_for(20ms);
    }
    reaped_ = true;
    return usage;
  }

private:
  pid_t pid_ = -1;
  int out_ = -1;
  std::string buffer_;
  bool reaped_ = false;
};

// User + system CPU seconds of a running process, from /proc/PID/stat.
double cpu_seconds(pid_t pid) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(file)), {});
  const auto after_name = stat.rfind(')');
  if (after_name == std::string::npos)
    return 0;
  std::istringstream fields(stat.substr(after_name + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  // Fields 3..13 precede utime (14) and stime (15).
  for (int index = 3; index <= 15 && fields >> field; ++index) {
    if (index == 14)
      utime = std::stoull(field);
    if (index == 15)
      stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

clock_type::time_point after_seconds(double seconds) {
  return clock_type::now() + std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(seconds));
}

double seconds_of(const timeval& time) { return static_cast<double>(time.tv_sec) + time.tv_usec / 1e6; }

// A port nothing listens on now (the kernel picks it).
int free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0)
    throw std::runtime_error("cannot find a free loopback port");
  ::close(fd);
  return ntohs(address.sin_port);
}

// ---- the server's progress ----------------------------------------------

struct server_progress {
  bool listening = false;
  bool started = false;
  bool complete = false;
  int video_frames = 0;  // "video frame=N" lines: frames the video scene queued
};

bool starts_with(const std::string& text, const char* prefix) { return text.rfind(prefix, 0) == 0; }

// Reads the server's lines until `done` holds or the deadline passes.
template <class Done>
bool follow_server(child& server, server_progress& progress, clock_type::time_point deadline, Done done) {
  while (!done()) {
    const auto line = server.next_line(deadline);
    if (!line)
      return done();
    progress.listening |= starts_with(*line, "listening ");
    progress.started |= starts_with(*line, "scene started");
    progress.complete |= starts_with(*line, "scene complete");
    progress.video_frames += starts_with(*line, "video frame=") ? 1 : 0;
  }
  return true;
}

// ---- the client's snapshots ---------------------------------------------

struct snapshot {
  clock_type::time_point taken;
  double uptime_s = 0;
  std::uint64_t frames_rendered = 0;
  std::uint64_t frames_coalesced = 0;
  std::uint64_t display_messages = 0;
  std::uint64_t display_bytes = 0;
  double client_cpu_s = 0;
  double server_cpu_s = 0;
  int video_frames = 0;
};

snapshot read_counters(const nlohmann::json& health) {
  snapshot counters;
  counters.uptime_s = health.at("session").at("uptime_s").get<double>();
  counters.frames_rendered = health.at("renderer").at("frames_rendered").get<std::uint64_t>();
  counters.frames_coalesced = health.at("renderer").at("frames_coalesced").get<std::uint64_t>();
  for (const auto& channel : health.at("channels"))
    if (channel.at("channel") == "display") {
      counters.display_messages += channel.at("messages_in").get<std::uint64_t>();
      counters.display_bytes += channel.at("bytes_in").get<std::uint64_t>();
    }
  return counters;
}

// The client's next JSON line. Anything else on its stdout (CAF reports an
// actor's unhandled exception there) is passed on to stderr.
std::optional<std::string> health_line(child& client, clock_type::time_point deadline) {
  for (;;) {
    auto line = client.next_line(deadline);
    if (!line || starts_with(*line, "{"))
      return line;
    std::cerr << "end_to_end_fps: client stdout: " << *line << "\n";
  }
}

snapshot take_snapshot(child& client, child& server, server_progress& progress) {
  follow_server(server, progress, clock_type::now(), [] { return false; });  // take what is already there
  ::kill(client.pid(), SIGUSR1);
  const auto line = health_line(client, clock_type::now() + 5s);
  if (!line)
    throw std::runtime_error("the client printed no health snapshot within 5 s after SIGUSR1 (did it exit?)");
  snapshot taken = read_counters(nlohmann::json::parse(*line));
  taken.taken = clock_type::now();
  taken.client_cpu_s = cpu_seconds(client.pid());
  taken.server_cpu_s = cpu_seconds(server.pid());
  taken.video_frames = progress.video_frames;
  return taken;
}

// ---- one scene ------------------------------------------------------------

struct scene_result {
  std::string scene;
  double window_s = 0;
  int server_frames = -1;  // -1: the scene does not report its frames
  std::uint64_t frames_rendered = 0;
  std::uint64_t frames_coalesced = 0;
  std::uint64_t display_messages = 0;
  std::uint64_t display_bytes = 0;
  double client_cpu_s = 0;
  double server_cpu_s = 0;
  double client_total_cpu_s = 0;
  long peak_rss_kb = 0;
};

std::string log_path(const options& opts, const std::string& who, const std::string& scene) {
  return opts.log_dir.empty() ? "/dev/null" : opts.log_dir + "/" + who + "-" + scene + ".log";
}

scene_result run_scene(const options& opts, const std::string& scene) {
  const bool endless = scene == "demo";
  const std::string port = std::to_string(free_loopback_port());
  std::vector<std::string> server_argv{opts.server, "--port", port, "--scene", scene, "--size", opts.size};
  server_argv.insert(server_argv.end(), opts.server_args.begin(), opts.server_args.end());
  child server(server_argv, log_path(opts, "server", scene));
  server_progress progress;
  if (!follow_server(server, progress, clock_type::now() + 10s, [&] { return progress.listening; }))
    throw std::runtime_error("the test server did not listen within 10 s");

  // --duration only as a safety net: the driver stops the client itself.
  const double safety_s = opts.warmup_s + opts.window_s + 300;
  child client({opts.client, "--headless", "--duration", std::to_string(safety_s), "spice://127.0.0.1:" + port},
               log_path(opts, "client", scene));
  if (!follow_server(server, progress, clock_type::now() + 20s, [&] { return progress.started; }))
    throw std::runtime_error("the scene did not start within 20 s of starting the client");

  snapshot first, last;
  if (endless) {
    follow_server(server, progress, after_seconds(opts.warmup_s),
                  [] { return false; });
    first = take_snapshot(client, server, progress);
    follow_server(server, progress, after_seconds(opts.window_s),
                  [] { return false; });
    last = take_snapshot(client, server, progress);
  } else {
    first = take_snapshot(client, server, progress);
    if (!follow_server(server, progress, clock_type::now() + 300s, [&] { return progress.complete; }))
      throw std::runtime_error("the scene did not complete within 300 s");
    // The client may still be receiving: the window closes at the first of
    // two snapshots 100 ms apart that show no new frame or message.
    last = take_snapshot(client, server, progress);
    for (const auto give_up = clock_type::now() + 10s; clock_type::now() < give_up;) {
      std::this_thread::sleep_for(100ms);
      const snapshot next = take_snapshot(client, server, progress);
      if (next.frames_rendered == last.frames_rendered && next.display_messages == last.display_messages)
        break;
      last = next;
    }
  }

  ::kill(client.pid(), SIGTERM);
  const auto final_line = health_line(client, clock_type::now() + 15s);
  const rusage client_usage = client.stop(5s);
  server.stop(5s);

  scene_result result;
  result.scene = scene;
  // The client's own clock dates its counters; the driver's only if the
  // session restarted in between (uptime counts from the latest session).
  result.window_s = last.uptime_s > first.uptime_s ? last.uptime_s - first.uptime_s
                                                   : std::chrono::duration<double>(last.taken - first.taken).count();
  if (progress.video_frames > 0)
    result.server_frames = last.video_frames - first.video_frames;
  result.frames_rendered = last.frames_rendered - first.frames_rendered;
  result.frames_coalesced = last.frames_coalesced - first.frames_coalesced;
  result.display_messages = last.display_messages - first.display_messages;
  result.display_bytes = last.display_bytes - first.display_bytes;
  result.client_cpu_s = last.client_cpu_s - first.client_cpu_s;
  result.server_cpu_s = last.server_cpu_s - first.server_cpu_s;
  result.client_total_cpu_s = seconds_of(client_usage.ru_utime) + seconds_of(client_usage.ru_stime);
  if (final_line)
    result.peak_rss_kb = nlohmann::json::parse(*final_line).at("process").at("peak_rss_kb").get<long>();
  return result;
}

// ---- output -------------------------------------------------------------

std::string fixed(double value, int decimals) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.*f", decimals, value);
  return text;
}

// The video scene prints each frame it queues; the demo only its nominal
// rate (it skips a tick while spice-server is 32 commands behind).
std::string server_rate(const scene_result& r, double per_s) {
  if (r.server_frames >= 0)
    return fixed(r.server_frames * per_s, 1);
  return r.scene == "demo" ? "10 (nominal)" : "n/a";
}

void print_table(const options& opts, const std::vector<scene_result>& results) {
  std::cout << "| scene | size | window s | server frames/s | display msgs/s | display MB/s in | client frames/s "
               "| coalesced | client CPU s (window) | client CPU % | server CPU % | client CPU s (whole run) "
               "| client peak RSS MB |\n"
               "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n";
  for (const auto& r : results) {
    const double per_s = r.window_s > 0 ? 1 / r.window_s : 0;
    std::cout << "| " << r.scene << " | " << opts.size << " | " << fixed(r.window_s, 2) << " | "
              << server_rate(r, per_s) << " | "
              << fixed(r.display_messages * per_s, 1) << " | " << fixed(r.display_bytes * per_s / 1e6, 2) << " | "
              << fixed(r.frames_rendered * per_s, 1) << " | " << r.frames_coalesced << " | "
              << fixed(r.client_cpu_s, 2) << " | " << fixed(100 * r.client_cpu_s * per_s, 0) << " | "
              << fixed(100 * r.server_cpu_s * per_s, 0) << " | " << fixed(r.client_total_cpu_s, 2) << " | "
              << fixed(r.peak_rss_kb / 1024.0, 1) << " |\n";
  }
}

// The build tree's binaries, found from this program's own path
// (<build>/bench/end_to_end_fps).
std::string build_dir() {
  char path[4096];
  const ssize_t length = ::readlink("/proc/self/exe", path, sizeof(path) - 1);
  std::string exe(path, length > 0 ? static_cast<std::size_t>(length) : 0);
  exe = exe.substr(0, exe.rfind('/'));
  return exe.substr(0, exe.rfind('/'));
}

}  // namespace

int main(int argc, char** argv) {
  options opts;
  opts.server = build_dir() + "/tests/test_server/vigil-test-server";
  opts.client = build_dir() + "/ui/vigil";
  CLI::App app{"End-to-end frames per second: vigil-test-server draws, vigil --headless renders"};
  app.add_option("--server", opts.server, "vigil-test-server binary")->capture_default_str();
  app.add_option("--client", opts.client, "vigil binary")->capture_default_str();
  app.add_option("--scene", opts.scenes, "Scenes to run, in order (demo is endless, the others finite)")
    ->capture_default_str();
  app.add_option("--size", opts.size, "Primary surface size")->capture_default_str();
  app.add_option("--seconds", opts.window_s, "Measurement window of endless scenes")->capture_default_str();
  app.add_option("--warmup", opts.warmup_s, "Seconds after 'scene started' before an endless scene's window")
    ->capture_default_str();
  std::string server_args;
  app.add_option("--server-args", server_args, "Extra test server arguments, one string: \"--compression quic\"");
  app.add_option("--log-dir", opts.log_dir, "Write the children's stderr to DIR/{server,client}-SCENE.log");
  CLI11_PARSE(app, argc, argv);
  std::istringstream words(server_args);
  for (std::string word; words >> word;)
    opts.server_args.push_back(word);

  for (const std::string* program : {&opts.server, &opts.client})
    if (::access(program->c_str(), X_OK) != 0) {
      std::cerr << "end_to_end_fps: cannot execute " << *program << " (build it, or pass --server/--client)\n";
      return 1;
    }
  std::vector<scene_result> results;
  for (const auto& scene : opts.scenes) {
    try {
      std::cerr << "end_to_end_fps: running scene " << scene << "\n";
      results.push_back(run_scene(opts, scene));
    } catch (const std::exception& error) {
      std::cerr << "end_to_end_fps: scene " << scene << ": " << error.what() << "\n";
      return 1;
    }
  }
  print_table(opts, results);
  return 0;
}
