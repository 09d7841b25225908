#include "ui/terminal_prompt.hpp"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>

namespace vigil {

bool can_prompt_on_terminal() { return isatty(STDIN_FILENO) == 1; }

std::optional<std::string> prompt_on_terminal(const std::string& question, bool echo) {
  int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    return std::nullopt;
  termios saved{};
  bool restore = false;
  if (!echo && tcgetattr(fd, &saved) == 0) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;
    restore = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
  }
  (void)!write(fd, question.data(), question.size());
  std::optional<std::string> line = std::string();
  for (char c;;) {
    ssize_t n = read(fd, &c, 1);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      line.reset();  // closed before a whole line
      break;
    }
    if (c == '\n')
      break;
    if (c != '\r')
      line->push_back(c);
  }
  if (restore)
    tcsetattr(fd, TCSAFLUSH, &saved);
  close(fd);
  return line;
}

}  // namespace vigil
