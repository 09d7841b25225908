// A PulseAudio daemon of the test's own, for the sound tests that need a real
// software sound device (no user session, no D-Bus): one Unix socket and the
// modules the test gives (a null sink: a virtual card with a real clock).
// OpenAL Soft in the client reaches it through PULSE_SERVER and
// ALSOFT_DRIVERS=pulse, set (with HOME and the runtime directories in the
// daemon's own directory, so no state of a user's daemon is read or written)
// while the object lives.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "temp_directory.hpp"

namespace vigil::test_support {

class pulse_daemon {
public:
  // `modules`: default.pa lines after the native protocol's; returns once
  // `pactl info` answers (fails the test otherwise).
  explicit pulse_daemon(const std::string& modules);
  ~pulse_daemon();
  pulse_daemon(const pulse_daemon&) = delete;
  pulse_daemon& operator=(const pulse_daemon&) = delete;

  // `pactl arguments...` against this daemon; its stdout ("" when it failed).
  std::string pactl(const std::vector<std::string>& arguments) const;
  std::string log() const;

private:
  temp_directory work_;
  std::string home_;
  std::unique_ptr<background_process> daemon_;
};

}  // namespace vigil::test_support
