#include "stdout_lines.hpp"

#include <cstdarg>
#include <cstdio>
#include <mutex>

namespace vigil::test_server {

void print_line(const char* format, ...) {
  static std::mutex stdout_mutex;
  std::lock_guard<std::mutex> lock(stdout_mutex);
  va_list arguments;
  va_start(arguments, format);
  std::vfprintf(stdout, format, arguments);
  va_end(arguments);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

}  // namespace vigil::test_server
