#include "ui/settings.hpp"

#include <functional>
#include <map>

#include <toml++/toml.h>

#include "protocol/display_preferences.hpp"

namespace vigil {

namespace {

// One known key: how to apply its value, or say why it cannot be used.
using key_reader = std::function<std::optional<std::string>(const toml::node&)>;

template <class Target>
key_reader integer_key(Target& target, std::int64_t minimum, std::int64_t maximum) {
  return [&target, minimum, maximum](const toml::node& node) -> std::optional<std::string> {
    auto value = node.value<std::int64_t>();
    if (!node.is_integer() || !value || *value < minimum || *value > maximum)
      return "must be an integer from " + std::to_string(minimum) + " to " + std::to_string(maximum);
    target = static_cast<Target>(*value);
    return std::nullopt;
  };
}

template <class Duration>
key_reader duration_key(Duration& target, std::int64_t minimum, std::int64_t maximum) {
  return [&target, minimum, maximum](const toml::node& node) -> std::optional<std::string> {
    auto value = node.value<std::int64_t>();
    if (!node.is_integer() || !value || *value < minimum || *value > maximum)
      return "must be an integer from " + std::to_string(minimum) + " to " + std::to_string(maximum);
    target = Duration{*value};
    return std::nullopt;
  };
}

key_reader number_key(double& target, double minimum, double maximum) {
  return [&target, minimum, maximum](const toml::node& node) -> std::optional<std::string> {
    auto value = node.value<double>();  // integers convert too
    if (!(node.is_floating_point() || node.is_integer()) || !value || *value < minimum || *value > maximum)
      return "must be a number from " + std::to_string(minimum) + " to " + std::to_string(maximum);
    target = *value;
    return std::nullopt;
  };
}

key_reader boolean_key(bool& target) {
  return [&target](const toml::node& node) -> std::optional<std::string> {
    if (!node.is_boolean())
      return "must be true or false";
    target = *node.value<bool>();
    return std::nullopt;
  };
}

key_reader choice_key(std::string& target, std::vector<std::string> choices) {
  return [&target, choices](const toml::node& node) -> std::optional<std::string> {
    auto text = node.value<std::string>();
    if (node.is_string() && text && std::find(choices.begin(), choices.end(), *text) != choices.end()) {
      target = *text;
      return std::nullopt;
    }
    std::string named;
    for (const auto& choice : choices)
      named += (named.empty() ? "\"" : ", \"") + choice + "\"";
    return "must be one of " + named;
  };
}

key_reader log_level_key(spdlog::level::level_enum& target) {
  return [&target](const toml::node& node) -> std::optional<std::string> {
    static const std::map<std::string, spdlog::level::level_enum> levels = {
      {"trace", spdlog::level::trace}, {"debug", spdlog::level::debug}, {"info", spdlog::level::info},
      {"warn", spdlog::level::warn},   {"error", spdlog::level::err},
    };
    auto text = node.value<std::string>();
    auto found = text ? levels.find(*text) : levels.end();
    if (!node.is_string() || found == levels.end())
      return "must be one of \"trace\", \"debug\", \"info\", \"warn\", \"error\"";
    target = found->second;
    return std::nullopt;
  };
}

key_reader hotkey_key(std::vector<std::pair<hotkey_action, std::string>>& target, hotkey_action action) {
  return [&target, action](const toml::node& node) -> std::optional<std::string> {
    auto text = node.value<std::string>();
    if (!node.is_string() || !text)
      return "must be a string of keys such as \"ctrl+alt+m\" (\"\" for none)";
    if (auto problem = hotkey_map::defaults().set(action, *text))
      return "is not a hotkey: " + *problem;
    target.emplace_back(action, *text);
    return std::nullopt;
  };
}

key_reader combinations_key(std::vector<key_combination>& target) {
  return [&target](const toml::node& node) -> std::optional<std::string> {
    const auto* items = node.as_array();
    if (!items)
      return "must be a list of key combinations such as [\"ctrl+alt+del\", \"print\"]";
    std::vector<key_combination> combinations;
    for (std::size_t i = 0; i < items->size(); ++i) {
      auto text = (*items)[i].value<std::string>();
      if (!(*items)[i].is_string() || !text)
        return "item " + std::to_string(i + 1) + " is not a string";
      auto parsed = parse_key_combination(*text);
      if (!parsed.value)
        return "item " + std::to_string(i + 1) + ": " + parsed.error;
      combinations.push_back(*parsed.value);
    }
    target = std::move(combinations);
    return std::nullopt;
  };
}

key_reader video_codecs_key(std::vector<std::uint8_t>& target) {
  return [&target](const toml::node& node) -> std::optional<std::string> {
    const auto* array = node.as_array();
    if (!array)
      return "must be an array of codec names, e.g. [\"h264\", \"vp9\"]";
    std::string joined;
    for (const auto& element : *array) {
      auto name = element.value<std::string>();
      if (!element.is_string() || !name)
        return "must be an array of codec names, e.g. [\"h264\", \"vp9\"]";
      joined += (joined.empty() ? "" : ",") + *name;
    }
    if (joined.empty()) {
      target.clear();
      return std::nullopt;
    }
    auto codecs = protocol::parse_video_codec_list(joined);
    if (!codecs)
      return "has an " + codecs.error().message;
    target = *codecs;
    return std::nullopt;
  };
}

key_reader menu_button_key(viewer_settings::menu_button& target) {
  return [&target](const toml::node& node) -> std::optional<std::string> {
    auto text = node.value<std::string>();
    static const std::map<std::string, viewer_settings::menu_button> values = {
      {"near", viewer_settings::menu_button::near},
      {"always", viewer_settings::menu_button::always},
      {"never", viewer_settings::menu_button::never}};
    auto found = text ? values.find(*text) : values.end();
    if (!node.is_string() || found == values.end())
      return "must be one of \"near\", \"always\", \"never\"";
    target = found->second;
    return std::nullopt;
  };
}

key_reader compression_key(std::optional<std::uint8_t>& target) {
  return [&target](const toml::node& node) -> std::optional<std::string> {
    auto text = node.value<std::string>();
    if (!node.is_string() || !text)
      return std::string("must be \"\" (the server's choice) or one of ") + protocol::image_compression_names();
    if (text->empty()) {
      target.reset();
      return std::nullopt;
    }
    auto compression = protocol::image_compression_from_name(*text);
    if (!compression)
      return std::string("must be \"\" (the server's choice) or one of ") + protocol::image_compression_names();
    target = compression;
    return std::nullopt;
  };
}

key_reader string_key(std::string& target) {
  return [&target](const toml::node& node) -> std::optional<std::string> {
    auto text = node.value<std::string>();
    if (!node.is_string() || !text)
      return "must be a string";
    target = *text;
    return std::nullopt;
  };
}

void add_backoff_keys(std::map<std::string, key_reader>& keys, const std::string& table, backoff_policy& policy) {
  keys[table + ".initial_delay_ms"] = duration_key(policy.initial_delay, 0, 600000);
  keys[table + ".multiplier"] = number_key(policy.multiplier, 1.0, 10.0);
  keys[table + ".max_delay_ms"] = duration_key(policy.max_delay, 0, 3600000);
  keys[table + ".jitter"] = number_key(policy.jitter, 0.0, 1.0);
  keys[table + ".max_attempts"] = integer_key(policy.max_attempts, 0, 1000000);
  keys[table + ".stable_after_s"] = [&policy](const toml::node& node) -> std::optional<std::string> {
    std::chrono::seconds seconds{0};
    if (auto problem = duration_key(seconds, 1, 86400)(node))
      return problem;
    policy.stable_after = seconds;
    return std::nullopt;
  };
}

std::map<std::string, key_reader> known_keys(settings& s) {
  auto& c = s.connection;
  auto& watchdog = s.supervision.watchdog;
  std::map<std::string, key_reader> keys = {
    {"connection.connect_timeout_ms", duration_key(c.connect_timeout, 100, 600000)},
    {"connection.link_timeout_ms", duration_key(c.link_timeout, 100, 600000)},
    {"connection.max_message_bytes", integer_key(c.max_message_bytes, 1 << 20, std::int64_t{1} << 30)},
    {"connection.tcp_keepalive.enabled", boolean_key(c.keepalive.enabled)},
    {"connection.tcp_keepalive.idle_s", duration_key(c.keepalive.idle, 1, 7200)},
    {"connection.tcp_keepalive.interval_s", duration_key(c.keepalive.interval, 1, 600)},
    {"connection.tcp_keepalive.probes", integer_key(c.keepalive.probes, 1, 100)},
    {"flow_control.max_unconsumed_chunks", integer_key(c.max_unconsumed_chunks, 1, 1024)},
    {"flow_control.max_unsent_bytes", integer_key(c.max_unsent_bytes, 64 * 1024, 1 << 30)},
    {"display.pixmap_cache_pixels", integer_key(s.display_init.pixmap_cache_size, 0, std::int64_t{1} << 30)},
    {"display.glz_window_pixels", integer_key(s.display_init.glz_window_size, 0, 1 << 28)},
    {"display.preferred_compression", compression_key(s.video.preferred_compression)},
    {"video.codecs", video_codecs_key(s.video.codecs)},
    {"video.codec_preference_delay_ms", duration_key(s.video.codec_preference_delay, 0, 60000)},
    {"video.hardware_decoding", boolean_key(s.video.decoding.hardware)},
    {"video.decoder_threads", integer_key(s.video.decoding.threads, 0, 64)},
    {"video.decoder_queue_frames", integer_key(s.video.decoding.queue_frames, 1, 1024)},
    {"video.decoder_stall_ms", duration_key(s.video.decoding.stall_timeout, 100, 600000)},
    {"video.decoder_error_limit", integer_key(s.video.decoding.error_limit, 1, 100000)},
    {"video.presentation_queue_frames", integer_key(s.video.presentation.capacity, 1, 256)},
    {"flow_control.main_status_edge_capacity", integer_key(s.main_status_edge_capacity, 1, 1024)},
    {"health.snapshot_deadline_ms", duration_key(s.health_deadline, 10, 60000)},
    {"watchdog.heartbeat_interval_ms", duration_key(watchdog.heartbeat_interval, 10, 60000)},
    {"watchdog.heartbeat_deadline_ms", duration_key(watchdog.heartbeat_deadline, 50, 60000)},
    {"watchdog.mailbox_bound", integer_key(watchdog.mailbox_bound, 16, 1000000)},
    {"watchdog.server_silence_s",
     [&watchdog](const toml::node& node) -> std::optional<std::string> {
       std::chrono::seconds seconds{0};
       if (auto problem = duration_key(seconds, 1, 3600)(node))
         return problem;
       watchdog.server_silence = seconds;
       return std::nullopt;
     }},
    {"mouse.client_mode", boolean_key(s.client_mouse_mode)},
    {"agent.client_tokens", integer_key(s.agent.client_tokens, 1, 1000000)},
    {"agent.max_message_bytes", integer_key(s.agent.max_message_bytes, 4096, 64 * 1024 * 1024)},
    {"agent.max_queued_bytes", integer_key(s.agent.max_queued_bytes, 4096, 256 * 1024 * 1024)},
    {"agent.clipboard", boolean_key(s.agent.clipboard)},
    {"agent.primary", boolean_key(s.agent.primary)},
    {"agent.resize_guest", boolean_key(s.agent.resize_guest)},
    {"agent.resize_debounce_ms", duration_key(s.agent.resize_debounce, 0, 60000)},
    {"audio.enabled", boolean_key(s.audio_enabled)},
    {"record.enabled", boolean_key(s.record.enabled)},
    {"record.opus", boolean_key(s.record.offer_opus)},
    {"record.buffer_ms", integer_key(s.record.buffer_ms, 20, 10000)},
    {"record.device",
     [&s](const toml::node& node) -> std::optional<std::string> {
       auto text = node.value<std::string>();
       if (!node.is_string() || !text)
         return "must be a device name (\"\": the default input)";
       s.record.device = *text;
       return std::nullopt;
     }},
    {"audio.opus", boolean_key(s.playback.offer_opus)},
    {"audio.edge_capacity", integer_key(s.playback.edge_capacity, 1, 4096)},
    {"audio.buffer_target_ms", integer_key(s.audio_buffer.target_ms, 0, 10000)},
    {"audio.buffer_capacity_ms", integer_key(s.audio_buffer.capacity_ms, 20, 60000)},
    {"keyboard.grab", boolean_key(s.viewer.grab_keyboard)},
    {"send_keys.items", combinations_key(s.viewer.send_keys)},
    {"window.presentation", choice_key(s.window_presentation, {"auto", "xshm", "gl"})},
    {"window.zoom", integer_key(s.viewer.scaling.zoom_percent, scaling_settings::minimum_zoom,
                                scaling_settings::maximum_zoom)},
    {"window.scale_to_fit", boolean_key(s.viewer.scaling.fit)},
    {"window.integer_scaling", boolean_key(s.viewer.scaling.integer)},
    {"menu.button", menu_button_key(s.viewer.corner_button)},
    {"menu.screenshot_directory", string_key(s.viewer.screenshot_directory)},
    {"memory.session_bytes", integer_key(s.memory.session_bytes, 64 << 20, std::int64_t{1} << 40)},
    {"memory.max_surface_bytes", integer_key(s.memory.max_surface_bytes, 1 << 20, std::int64_t{1} << 30)},
    {"memory.max_surfaces", integer_key(s.memory.max_surfaces, 1, 1 << 20)},
    {"log.level", log_level_key(s.log_level)},
    {"log.supervisor", boolean_key(s.supervision.log_transitions)},
  };
  add_backoff_keys(keys, "reconnect", s.supervision.reconnect);
  add_backoff_keys(keys, "channel_restart", s.supervision.channel_restart);
  for (std::size_t i = 0; i < hotkey_action_count; ++i) {
    auto action = static_cast<hotkey_action>(i);
    keys[std::string("hotkeys.") + hotkey_action_name(action)] = hotkey_key(s.viewer.hotkeys, action);
  }
  return keys;
}

// Applies every leaf of `table` (recursing into sub-tables); returns the first problem.
std::optional<std::string> apply_table(const toml::table& table, const std::string& prefix,
                                       const std::map<std::string, key_reader>& keys) {
  for (const auto& [name, node] : table) {
    std::string key = prefix.empty() ? std::string(name.str()) : prefix + "." + std::string(name.str());
    auto reader = keys.find(key);
    if (reader != keys.end()) {
      if (auto problem = reader->second(node))
        return "key '" + key + "' " + *problem;
      continue;
    }
    if (const auto* sub_table = node.as_table()) {
      if (auto problem = apply_table(*sub_table, key, keys))
        return problem;
      continue;
    }
    return "unknown key '" + key + "'";
  }
  return std::nullopt;
}

}  // namespace

std::vector<key_combination> viewer_settings::default_send_keys() {
  std::vector<std::string> items = {"ctrl+alt+del", "ctrl+alt+backspace"};
  for (int f = 1; f <= 12; ++f)
    items.push_back("ctrl+alt+f" + std::to_string(f));
  items.insert(items.end(), {"print", "alt+sysrq"});
  std::vector<key_combination> combinations;
  for (const auto& item : items)
    combinations.push_back(*parse_key_combination(item).value);
  return combinations;
}

settings_result load_settings_file(const std::string& path) {
  settings loaded;
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& error) {
    const auto& where = error.source().begin;
    return {std::nullopt, "config file '" + path + "': " + std::string(error.description()) + " (line " +
                            std::to_string(where.line) + ", column " + std::to_string(where.column) + ")"};
  }
  if (auto problem = apply_table(table, "", known_keys(loaded)))
    return {std::nullopt, "config file '" + path + "': " + *problem};
  if (loaded.audio_buffer.target_ms >= loaded.audio_buffer.capacity_ms)
    return {std::nullopt, "config file '" + path + "': key 'audio.buffer_target_ms' (" +
                            std::to_string(loaded.audio_buffer.target_ms) + ") must be below 'audio.buffer_capacity_ms' (" +
                            std::to_string(loaded.audio_buffer.capacity_ms) + ")"};
  return {loaded, {}};
}

}  // namespace vigil
