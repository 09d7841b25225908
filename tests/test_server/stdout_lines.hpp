// The test server's stdout line protocol (see README.md): one event per line,
// flushed at once, so a test reading the pipe sees each line as it happens.
// Safe to call from any thread (spice-server calls some hooks from its worker).
#pragma once

namespace vigil::test_server {

void print_line(const char* format, ...) __attribute__((format(printf, 1, 2)));

}  // namespace vigil::test_server
