// What keeps the log from filling a disk whatever a server does: every line
// passes here before it is written (common/log.cpp's sink).
//
// - Per source (a logger and the shape of its message: digits folded, so
//   "mouse mode 1" and "mouse mode 2" are one source) at
//   most `lines_per_source` lines per `source_window`; the rest are counted
//   and summarised once the window ends: "... 25900000 more lines like
//   '[main:0] mouse mode #' in 40 s".
// - All sources together at most `lines_per_minute` lines in any minute (a
//   token bucket: a burst of half of them, then half of them a minute);
//   beyond it lines are dropped and counted in one summary a minute.
// - Each line is printable: control characters, C1 controls and invalid
//   UTF-8 become \xNN (a server cannot move the cursor, colour the terminal
//   or forge a log line), and a line is cut at `max_line_bytes`.
// Pure: the caller passes the time. Tracks at most `max_sources` sources;
// past that, new shapes share one.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace vigil {

class log_limiter {
public:
  using clock = std::chrono::steady_clock;

  struct limits {
    std::size_t lines_per_source = 20;
    std::chrono::seconds source_window{10};
    std::size_t lines_per_minute = 600;
    std::size_t max_line_bytes = 1024;
    std::size_t max_sources = 1024;
  };

  log_limiter() : log_limiter(limits{}) {}
  explicit log_limiter(limits settings);

  // Whether a line from `logger` with this message may be written at `now`.
  bool admit(std::string_view logger, std::string_view message, clock::time_point now);

  // Summary lines ("... N more lines like ...") due by `now`, each already
  // counted against the per-minute bound; call on every line and now and then.
  std::vector<std::string> due_summaries(clock::time_point now);
  // Every pending summary, whatever the time (at exit).
  std::vector<std::string> final_summaries(clock::time_point now);

  std::uint64_t suppressed_total() const { return suppressed_total_; }
  const limits& settings() const { return limits_; }

private:
  struct source {
    std::string example;  // "[logger] shape" for the summary
    clock::time_point window_start;
    std::size_t lines_in_window = 0;
    std::uint64_t suppressed = 0;
  };

  std::string summary_of(const source& from, clock::time_point now) const;
  bool take_token(clock::time_point now);

  limits limits_;
  std::map<std::string, source, std::less<>> sources_;
  double tokens_;
  clock::time_point refilled_{};
  bool started_ = false;
  std::uint64_t dropped_by_volume_ = 0;  // since the last volume summary
  clock::time_point volume_since_{};
  std::uint64_t suppressed_total_ = 0;
  clock::time_point next_sweep_{};
  std::string key_;  // admit()'s scratch: logger, '\x1f', shape
};

// The source of a message: its first 60 characters, runs of digits as '#'.
std::string message_shape(std::string_view message);
// The same, appended to `out` (no allocation once `out` has the room).
void append_message_shape(std::string& out, std::string_view message);

// `text` with control characters, C1 controls and invalid UTF-8 as \xNN,
// cut to `max_bytes` (then "... (N bytes)").
std::string printable_text(std::string_view text, std::size_t max_bytes);
// The same, appended to `out` (`max_bytes` counts what is appended).
void append_printable_text(std::string& out, std::string_view text, std::size_t max_bytes);

}  // namespace vigil
