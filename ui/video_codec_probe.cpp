#include "ui/video_codec_probe.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <spice/enums.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sstream>

#include "protocol/codecs/video_backend.hpp"
#include "protocol/codecs/video_decoder.hpp"

extern char** environ;

namespace vigil {

int print_decodable_video_codecs() {
  std::string why;
  const protocol::video_backend* backend = protocol::load_video_backend(&why);
  if (!backend) {
    std::replace(why.begin(), why.end(), '\n', ' ');
    std::printf("error %s\n", why.c_str());
    return 1;
  }
  for (std::uint8_t codec = SPICE_VIDEO_CODEC_TYPE_MJPEG; codec < SPICE_VIDEO_CODEC_TYPE_ENUM_END; ++codec)
    if (protocol::is_libav_codec(codec) && backend->can_decode(codec))
      std::printf("codec %s\n", protocol::video_codec_name(codec).c_str());
  std::printf("end\n");
  return 0;
}

probed_video_codecs read_probe_output(const std::string& output) {
  probed_video_codecs probed;
  probed.codecs.push_back(SPICE_VIDEO_CODEC_TYPE_MJPEG);
  std::istringstream lines(output);
  std::string line;
  bool complete = false;
  while (std::getline(lines, line)) {
    if (line == "end")
      complete = true;
    if (line.rfind("codec ", 0) == 0) {
      const auto codec = protocol::video_codec_from_name(line.substr(6));
      if (codec && protocol::is_libav_codec(*codec) &&
          std::find(probed.codecs.begin(), probed.codecs.end(), *codec) == probed.codecs.end())
        probed.codecs.push_back(*codec);
    } else if (line.rfind("error ", 0) == 0) {
      probed.problem = line.substr(6);
    }
  }
  if (probed.problem.empty() && !complete)
    probed.problem = "the codec probe's answer was cut short";
  if (!probed.problem.empty())
    probed.codecs.resize(1);  // a probe that went wrong vouches for nothing it printed
  else if (probed.codecs.size() == 1)
    probed.problem = "the video plugin's libavcodec decodes none of H.264, VP8, VP9 and H.265";
  return probed;
}

video_codec_probe::video_codec_probe() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    start_problem_ = std::string("cannot make a pipe for the codec probe: ") + std::strerror(errno);
    return;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  char program[] = "/proc/self/exe";
  char argument[64];
  std::snprintf(argument, sizeof argument, "%s", probe_video_codecs_argument);
  char* argv[] = {program, argument, nullptr};
  const int spawned = posix_spawn(&child_, program, &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (spawned != 0) {
    child_ = -1;
    close(fds[0]);
    start_problem_ = std::string("cannot start the codec probe: ") + std::strerror(spawned);
    return;
  }
  output_fd_ = fds[0];
}

video_codec_probe::~video_codec_probe() {
  if (!answer_)
    finish(std::chrono::milliseconds(0));
}

probed_video_codecs video_codec_probe::finish(std::chrono::milliseconds deadline) {
  if (answer_)
    return *answer_;
  if (child_ < 0) {
    answer_ = read_probe_output("error " + start_problem_ + "\n");
    return *answer_;
  }
  const auto until = std::chrono::steady_clock::now() + deadline;
  std::string output;
  bool ended = false;
  while (!ended) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    pollfd readable{output_fd_, POLLIN, 0};
    const int ready = poll(&readable, 1, static_cast<int>(std::max<std::int64_t>(0, left.count())));
    if (ready < 0 && errno == EINTR)
      continue;
    if (ready <= 0)
      break;
    char chunk[512];
    const ssize_t got = read(output_fd_, chunk, sizeof chunk);
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0)
      ended = true;
    else if (output.size() < 4096)
      output.append(chunk, static_cast<std::size_t>(got));
  }
  close(output_fd_);
  output_fd_ = -1;
  if (!ended) {
    kill(child_, SIGKILL);
    output = "error the codec probe did not answer within " + std::to_string(deadline.count()) + " ms\n";
  }
  int status = 0;
  while (waitpid(child_, &status, 0) < 0 && errno == EINTR) {
  }
  child_ = -1;
  // The answer is what it printed up to "end": how the child exits after
  // that (a sanitizer's exit-time report, say) does not change it.
  if (ended && output.find("\nend\n") == std::string::npos && output.rfind("end\n", 0) != 0 &&
      WIFSIGNALED(status))
    output += "error the codec probe died of signal " + std::to_string(WTERMSIG(status)) + "\n";
  answer_ = read_probe_output(output);
  return *answer_;
}

}  // namespace vigil
