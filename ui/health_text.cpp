#include "ui/health_text.hpp"

#include <cstdio>

namespace vigil {

namespace {

std::string bytes_text(std::uint64_t bytes) {
  char text[32];
  if (bytes < 10 * 1024)
    std::snprintf(text, sizeof text, "%llu B", static_cast<unsigned long long>(bytes));
  else if (bytes < 10ull * 1024 * 1024)
    std::snprintf(text, sizeof text, "%.1f KiB", static_cast<double>(bytes) / 1024);
  else if (bytes < 10ull * 1024 * 1024 * 1024)
    std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1024 * 1024));
  else
    std::snprintf(text, sizeof text, "%.1f GiB", static_cast<double>(bytes) / (1024.0 * 1024 * 1024));
  return text;
}

std::string duration_text(double seconds) {
  char text[32];
  auto whole = static_cast<long long>(seconds);
  if (whole < 60)
    std::snprintf(text, sizeof text, "%.1f s", seconds);
  else if (whole < 3600)
    std::snprintf(text, sizeof text, "%lld min %lld s", whole / 60, whole % 60);
  else
    std::snprintf(text, sizeof text, "%lld h %lld min", whole / 3600, (whole / 60) % 60);
  return text;
}

std::string padded(std::string text, std::size_t width) {
  if (text.size() < width)
    text.append(width - text.size(), ' ');
  return text;
}

}  // namespace

std::vector<std::string> health_text(const session_health& health) {
  std::vector<std::string> lines;
  std::string session = std::string("Session ") + to_string(health.state);
  if (health.state == session_phase::up)
    session += " for " + duration_text(health.uptime_s);
  if (!health.vm_name.empty())
    session += ", VM " + health.vm_name;
  lines.push_back(session);
  lines.push_back("Server " + health.uri);
  lines.push_back("Reconnects " + std::to_string(health.reconnects) +
                  ", last fault: " + (health.last_fault.empty() ? "none" : health.last_fault));
  lines.push_back("Frames " + std::to_string(health.frames_rendered) + " shown, " +
                  std::to_string(health.frames_coalesced) + " folded into later ones");
  lines.push_back("");
  lines.push_back(padded("channel", 13) + padded("state", 12) + padded("in", 11) + padded("out", 11) +
                  padded("quiet", 9) + "restarts");
  for (const auto& channel : health.channels) {
    std::string quiet = channel.last_activity_age_ms < 0 ? "-" : duration_text(channel.last_activity_age_ms / 1000.0);
    lines.push_back(padded(channel.channel + ":" + std::to_string(channel.id) + (channel.tls ? " tls" : ""), 13) +
                    padded(to_string(channel.state), 12) + padded(bytes_text(channel.bytes_in), 11) +
                    padded(bytes_text(channel.bytes_out), 11) + padded(quiet, 9) + std::to_string(channel.restarts));
    auto shown = channel.errors.size() > 2 ? channel.errors.end() - 2 : channel.errors.begin();
    for (auto error = shown; error != channel.errors.end(); ++error)
      lines.push_back("  " + *error);
  }
  return lines;
}

}  // namespace vigil
