#include "common/log_limiter.hpp"

#include <algorithm>
#include <cstdio>

namespace vigil {

namespace {

constexpr std::size_t shape_length = 60;
constexpr auto sweep_interval = std::chrono::seconds(1);
constexpr auto volume_window = std::chrono::seconds(60);

std::string seconds_text(log_limiter::clock::duration span) {
  char text[32];
  std::snprintf(text, sizeof text, "%.0f s", std::chrono::duration<double>(span).count());
  return text;
}

// The length of the valid UTF-8 sequence at `at` that is no C1 control, or 0.
std::size_t printable_sequence(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(at);
  std::size_t length = 0;
  std::uint32_t point = 0;
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2;
    point = lead & 0x1f;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    point = lead & 0x0f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    point = lead & 0x07;
  } else {
    return 0;
  }
  if (at + length > text.size())
    return 0;
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(at + i) & 0xc0) != 0x80)
      return 0;
    point = point << 6 | (byte(at + i) & 0x3f);
  }
  const bool overlong = (length == 3 && point < 0x800) || (length == 4 && point < 0x10000);
  const bool invalid = point > 0x10ffff || (point >= 0xd800 && point <= 0xdfff);
  const bool c1 = point >= 0x80 && point <= 0x9f;
  return overlong || invalid || c1 ? 0 : length;
}

}  // namespace

// A bucket of half a minute's lines, refilled at half the rate: at most
// lines_per_minute in any 60 s, a burst of half of them at once.
log_limiter::log_limiter(limits settings)
    : limits_(settings), tokens_(static_cast<double>(settings.lines_per_minute) / 2) {}

bool log_limiter::take_token(clock::time_point now) {
  const double burst = static_cast<double>(limits_.lines_per_minute) / 2;
  const double rate_per_second = burst / 60.0;
  tokens_ = std::min(burst, tokens_ + std::chrono::duration<double>(now - refilled_).count() * rate_per_second);
  refilled_ = now;
  if (tokens_ < 1.0)
    return false;
  tokens_ -= 1.0;
  return true;
}

bool log_limiter::admit(std::string_view logger, std::string_view message, clock::time_point now) {
  if (!started_) {
    started_ = true;
    refilled_ = volume_since_ = next_sweep_ = now;
  }
  // The key is built in a buffer kept between calls: a line from a known
  // source (every line of a flood) allocates nothing here.
  key_.assign(logger);
  key_ += '\x1f';
  append_message_shape(key_, message);
  auto found = sources_.find(key_);
  if (found == sources_.end()) {
    if (sources_.size() >= limits_.max_sources) {
      key_.assign(logger);
      key_ += "\x1f(other)";
      found = sources_.find(key_);
    }
    if (found == sources_.end()) {
      source fresh;
      fresh.example = "[" + std::string(logger) + "] " + key_.substr(key_.find('\x1f') + 1);
      fresh.window_start = now;
      found = sources_.emplace(key_, std::move(fresh)).first;
    }
  }
  source& from = found->second;
  if (now - from.window_start >= limits_.source_window && from.suppressed == 0) {
    from.window_start = now;
    from.lines_in_window = 0;
  }
  if (from.lines_in_window >= limits_.lines_per_source) {
    ++from.suppressed;
    ++suppressed_total_;
    return false;
  }
  ++from.lines_in_window;
  if (!take_token(now)) {
    ++dropped_by_volume_;
    ++suppressed_total_;
    return false;
  }
  return true;
}

std::string log_limiter::summary_of(const source& from, clock::time_point now) const {
  return "... " + std::to_string(from.suppressed) + " more lines like \"" + from.example + "\" in " +
         seconds_text(now - from.window_start) + " (at most " + std::to_string(limits_.lines_per_source) + " every " +
         seconds_text(limits_.source_window) + ")";
}

std::vector<std::string> log_limiter::due_summaries(clock::time_point now) {
  std::vector<std::string> due;
  if (!started_ || now < next_sweep_)
    return due;
  next_sweep_ = now + sweep_interval;
  for (auto it = sources_.begin(); it != sources_.end();) {
    source& from = it->second;
    const bool ended = now - from.window_start >= limits_.source_window;
    if (ended && from.suppressed > 0 && take_token(now)) {
      due.push_back(summary_of(from, now));
      from.suppressed = 0;
      from.window_start = now;
      from.lines_in_window = 0;
    }
    // Sources quiet for two windows are forgotten, so the map follows what is logged now.
    if (from.suppressed == 0 && now - from.window_start >= 2 * limits_.source_window)
      it = sources_.erase(it);
    else
      ++it;
  }
  if (dropped_by_volume_ > 0 && now - volume_since_ >= volume_window) {
    due.push_back("... " + std::to_string(dropped_by_volume_) + " lines dropped in " +
                  seconds_text(now - volume_since_) + ": the log is limited to " +
                  std::to_string(limits_.lines_per_minute) + " lines a minute");
    dropped_by_volume_ = 0;
    volume_since_ = now;
  } else if (dropped_by_volume_ == 0 && now - volume_since_ >= volume_window) {
    volume_since_ = now;
  }
  return due;
}

std::vector<std::string> log_limiter::final_summaries(clock::time_point now) {
  std::vector<std::string> all;
  for (auto& [key, from] : sources_)
    if (from.suppressed > 0) {
      all.push_back(summary_of(from, now));
      from.suppressed = 0;
    }
  if (dropped_by_volume_ > 0)
    all.push_back("... " + std::to_string(dropped_by_volume_) + " lines dropped in " +
                  seconds_text(now - volume_since_) + ": the log is limited to " +
                  std::to_string(limits_.lines_per_minute) + " lines a minute");
  dropped_by_volume_ = 0;
  return all;
}

std::string message_shape(std::string_view message) {
  std::string shape;
  append_message_shape(shape, message);
  return shape;
}

void append_message_shape(std::string& out, std::string_view message) {
  char shape[shape_length];
  std::size_t length = 0;
  for (std::size_t i = 0; i < message.size() && length < shape_length; ++i) {
    const char c = message[i];
    if (c >= '0' && c <= '9') {
      if (length == 0 || shape[length - 1] != '#')
        shape[length++] = '#';
    } else {
      shape[length++] = c;
    }
  }
  append_printable_text(out, std::string_view(shape, length), shape_length * 4);
}

std::string printable_text(std::string_view text, std::size_t max_bytes) {
  std::string out;
  out.reserve(std::min(text.size(), max_bytes) + 16);
  append_printable_text(out, text, max_bytes);
  return out;
}

void append_printable_text(std::string& out, std::string_view text, std::size_t max_bytes) {
  const std::size_t start = out.size();
  std::size_t at = 0;
  while (at < text.size() && out.size() - start < max_bytes) {
    const auto byte = static_cast<unsigned char>(text[at]);
    if (byte >= 0x20 && byte < 0x7f) {
      out += static_cast<char>(byte);
      ++at;
      continue;
    }
    if (const std::size_t length = byte >= 0x80 ? printable_sequence(text, at) : 0) {
      out.append(text.substr(at, length));
      at += length;
      continue;
    }
    char escaped[5];
    std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
    out += escaped;
    ++at;
  }
  if (at < text.size())
    out += "... (" + std::to_string(text.size()) + " bytes)";
}

}  // namespace vigil
