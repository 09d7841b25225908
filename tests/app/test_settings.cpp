#include <cstdio>
#include <fstream>

#include <unistd.h>

#include <boost/test/unit_test.hpp>

#include "ui/settings.hpp"

namespace {

// A TOML file in the temp directory, removed when the test case ends.
struct temp_config {
  std::string path;
  explicit temp_config(const std::string& text) {
    char name[] = "/tmp/vigil-settings-XXXXXX";
    int fd = mkstemp(name);
    close(fd);
    path = name;
    std::ofstream(path) << text;
  }
  ~temp_config() { std::remove(path.c_str()); }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(settings_file)

BOOST_AUTO_TEST_CASE(shipped_default_file_states_exactly_the_built_in_defaults) {
  auto loaded = vigil::load_settings_file(VIGIL_SOURCE_DIR "/config/vigil.toml");
  BOOST_REQUIRE_MESSAGE(loaded.value, loaded.error);
  vigil::settings defaults;
  const auto& c = loaded.value->connection;
  BOOST_TEST(c.connect_timeout.count() == defaults.connection.connect_timeout.count());
  BOOST_TEST(c.link_timeout.count() == defaults.connection.link_timeout.count());
  BOOST_TEST(c.max_message_bytes == defaults.connection.max_message_bytes);
  BOOST_TEST(c.keepalive.enabled == defaults.connection.keepalive.enabled);
  BOOST_TEST(c.keepalive.idle.count() == defaults.connection.keepalive.idle.count());
  BOOST_TEST(c.keepalive.interval.count() == defaults.connection.keepalive.interval.count());
  BOOST_TEST(c.keepalive.probes == defaults.connection.keepalive.probes);
  BOOST_TEST(c.max_unconsumed_chunks == defaults.connection.max_unconsumed_chunks);
  BOOST_TEST(c.max_unsent_bytes == defaults.connection.max_unsent_bytes);
  BOOST_TEST(loaded.value->display_init.pixmap_cache_size == defaults.display_init.pixmap_cache_size);
  BOOST_TEST(loaded.value->display_init.glz_window_size == defaults.display_init.glz_window_size);
  BOOST_TEST(loaded.value->health_deadline.count() == defaults.health_deadline.count());
  BOOST_TEST(loaded.value->log_level == defaults.log_level);
  BOOST_TEST(loaded.value->main_status_edge_capacity == defaults.main_status_edge_capacity);
  BOOST_TEST(loaded.value->client_mouse_mode == defaults.client_mouse_mode);
  BOOST_TEST(loaded.value->window_presentation == defaults.window_presentation);
  BOOST_TEST(loaded.value->viewer.scaling.zoom_percent == defaults.viewer.scaling.zoom_percent);
  BOOST_TEST(loaded.value->viewer.scaling.fit == defaults.viewer.scaling.fit);
  BOOST_TEST(loaded.value->viewer.scaling.integer == defaults.viewer.scaling.integer);
  const auto& agent = loaded.value->agent;
  BOOST_TEST(agent.client_tokens == defaults.agent.client_tokens);
  BOOST_TEST(agent.max_message_bytes == defaults.agent.max_message_bytes);
  BOOST_TEST(agent.max_queued_bytes == defaults.agent.max_queued_bytes);
  BOOST_TEST(agent.clipboard == defaults.agent.clipboard);
  BOOST_TEST(agent.resize_guest == defaults.agent.resize_guest);
  BOOST_TEST(agent.resize_debounce.count() == defaults.agent.resize_debounce.count());
  BOOST_TEST(loaded.value->audio_enabled == defaults.audio_enabled);
  BOOST_TEST(loaded.value->playback.offer_opus == defaults.playback.offer_opus);
  BOOST_TEST(loaded.value->playback.edge_capacity == defaults.playback.edge_capacity);
  BOOST_TEST(loaded.value->audio_buffer.target_ms == defaults.audio_buffer.target_ms);
  BOOST_TEST(loaded.value->audio_buffer.capacity_ms == defaults.audio_buffer.capacity_ms);
  const auto& record = loaded.value->record;
  BOOST_TEST(record.enabled == defaults.record.enabled);
  BOOST_TEST(record.offer_opus == defaults.record.offer_opus);
  BOOST_TEST(record.device == defaults.record.device);
  BOOST_TEST(record.buffer_ms == defaults.record.buffer_ms);
  const auto& video = loaded.value->video;
  BOOST_TEST(video.codecs == defaults.video.codecs);
  BOOST_TEST((video.preferred_compression == defaults.video.preferred_compression));
  BOOST_TEST(video.codec_preference_delay.count() == defaults.video.codec_preference_delay.count());
  BOOST_TEST(video.decoding.hardware == defaults.video.decoding.hardware);
  BOOST_TEST(video.decoding.threads == defaults.video.decoding.threads);
  BOOST_TEST(video.decoding.queue_frames == defaults.video.decoding.queue_frames);
  BOOST_TEST(video.decoding.stall_timeout.count() == defaults.video.decoding.stall_timeout.count());
  BOOST_TEST(video.decoding.error_limit == defaults.video.decoding.error_limit);
  BOOST_TEST(loaded.value->memory.session_bytes == defaults.memory.session_bytes);
  BOOST_TEST(loaded.value->memory.max_surface_bytes == defaults.memory.max_surface_bytes);
  BOOST_TEST(loaded.value->memory.max_surfaces == defaults.memory.max_surfaces);
  const auto& w = loaded.value->supervision.watchdog;
  BOOST_TEST(w.heartbeat_interval.count() == defaults.supervision.watchdog.heartbeat_interval.count());
  BOOST_TEST(w.heartbeat_deadline.count() == defaults.supervision.watchdog.heartbeat_deadline.count());
  BOOST_TEST(w.mailbox_bound == defaults.supervision.watchdog.mailbox_bound);
  BOOST_TEST(w.server_silence.count() == defaults.supervision.watchdog.server_silence.count());
  BOOST_TEST(loaded.value->supervision.log_transitions == defaults.supervision.log_transitions);
  BOOST_TEST(loaded.value->viewer.grab_keyboard == defaults.viewer.grab_keyboard);
  BOOST_TEST((loaded.value->viewer.corner_button == defaults.viewer.corner_button));
  BOOST_TEST(loaded.value->viewer.screenshot_directory == defaults.viewer.screenshot_directory);
  BOOST_REQUIRE(loaded.value->viewer.send_keys.size() == defaults.viewer.send_keys.size());
  for (std::size_t i = 0; i < defaults.viewer.send_keys.size(); ++i)
    BOOST_TEST(loaded.value->viewer.send_keys[i].label() == defaults.viewer.send_keys[i].label());
  auto hotkeys = vigil::hotkey_map::defaults();
  for (const auto& [action, keys] : loaded.value->viewer.hotkeys)
    BOOST_REQUIRE(!hotkeys.set(action, keys));
  for (std::size_t i = 0; i < vigil::hotkey_action_count; ++i) {
    auto action = static_cast<vigil::hotkey_action>(i);
    BOOST_TEST(hotkeys.label(action) == vigil::hotkey_map::defaults().label(action), vigil::hotkey_action_name(action));
  }
  for (auto [file, code] : {std::pair{&loaded.value->supervision.reconnect, &defaults.supervision.reconnect},
                            std::pair{&loaded.value->supervision.channel_restart, &defaults.supervision.channel_restart}}) {
    BOOST_TEST(file->initial_delay.count() == code->initial_delay.count());
    BOOST_TEST(file->multiplier == code->multiplier);
    BOOST_TEST(file->max_delay.count() == code->max_delay.count());
    BOOST_TEST(file->jitter == code->jitter);
    BOOST_TEST(file->max_attempts == code->max_attempts);
    BOOST_TEST(file->stable_after.count() == code->stable_after.count());
  }
}

BOOST_AUTO_TEST_CASE(backoff_keys_are_read_for_both_policies) {
  temp_config file("[reconnect]\ninitial_delay_ms = 100\nmultiplier = 3\njitter = 0.5\nmax_attempts = 0\n"
                   "[channel_restart]\nstable_after_s = 7\n");
  auto loaded = vigil::load_settings_file(file.path);
  BOOST_REQUIRE_MESSAGE(loaded.value, loaded.error);
  BOOST_TEST(loaded.value->supervision.reconnect.initial_delay.count() == 100);
  BOOST_TEST(loaded.value->supervision.reconnect.multiplier == 3.0);
  BOOST_TEST(loaded.value->supervision.reconnect.jitter == 0.5);
  BOOST_TEST(loaded.value->supervision.reconnect.max_attempts == 0u);
  BOOST_TEST(loaded.value->supervision.channel_restart.stable_after.count() == 7000);
}

BOOST_AUTO_TEST_CASE(audio_keys_are_read) {
  temp_config file("[audio]\nenabled = false\nopus = false\nedge_capacity = 8\nbuffer_target_ms = 40\n"
                   "buffer_capacity_ms = 200\n");
  auto loaded = vigil::load_settings_file(file.path);
  BOOST_REQUIRE_MESSAGE(loaded.value, loaded.error);
  BOOST_TEST(!loaded.value->audio_enabled);
  BOOST_TEST(!loaded.value->playback.offer_opus);
  BOOST_TEST(loaded.value->playback.edge_capacity == 8u);
  BOOST_TEST(loaded.value->audio_buffer.target_ms == 40u);
  BOOST_TEST(loaded.value->audio_buffer.capacity_ms == 200u);
}

BOOST_AUTO_TEST_CASE(video_keys_are_read) {
  temp_config file("[display]\npreferred_compression = \"lz4\"\n[video]\ncodecs = [\"vp9\", \"h264\"]\n"
                   "codec_preference_delay_ms = 500\nhardware_decoding = false\ndecoder_threads = 2\n"
                   "decoder_queue_frames = 4\ndecoder_stall_ms = 900\ndecoder_error_limit = 7\n");
  auto loaded = vigil::load_settings_file(file.path);
  BOOST_REQUIRE_MESSAGE(loaded.value, loaded.error);
  const auto& video = loaded.value->video;
  BOOST_TEST(video.codecs == (std::vector<std::uint8_t>{4, 3}), boost::test_tools::per_element());
  BOOST_TEST((video.preferred_compression == std::optional<std::uint8_t>(7)));  // SPICE_IMAGE_COMPRESSION_LZ4
  BOOST_TEST(video.codec_preference_delay.count() == 500);
  BOOST_TEST(!video.decoding.hardware);
  BOOST_TEST(video.decoding.threads == 2);
  BOOST_TEST(video.decoding.queue_frames == 4u);
  BOOST_TEST(video.decoding.stall_timeout.count() == 900);
  BOOST_TEST(video.decoding.error_limit == 7u);
}

BOOST_AUTO_TEST_CASE(record_keys_are_read) {
  temp_config file("[record]\nenabled = false\nopus = false\ndevice = \"USB mic\"\nbuffer_ms = 500\n");
  auto loaded = vigil::load_settings_file(file.path);
  BOOST_REQUIRE_MESSAGE(loaded.value, loaded.error);
  BOOST_TEST(!loaded.value->record.enabled);
  BOOST_TEST(!loaded.value->record.offer_opus);
  BOOST_TEST(loaded.value->record.device == "USB mic");
  BOOST_TEST(loaded.value->record.buffer_ms == 500u);
}

BOOST_AUTO_TEST_CASE(unknown_video_codec_and_compression_are_named) {
  temp_config codecs("[video]\ncodecs = [\"h264\", \"av1\"]\n");
  auto loaded = vigil::load_settings_file(codecs.path);
  BOOST_TEST(!loaded.value);
  BOOST_TEST(loaded.error.find("key 'video.codecs' has an unknown video codec 'av1'") != std::string::npos,
             loaded.error);
  temp_config compression("[display]\npreferred_compression = \"jpeg\"\n");
  loaded = vigil::load_settings_file(compression.path);
  BOOST_TEST(!loaded.value);
  BOOST_TEST(loaded.error.find("key 'display.preferred_compression' must be \"\" (the server's choice) or one of off, "
                               "auto-glz") != std::string::npos,
             loaded.error);
}

BOOST_AUTO_TEST_CASE(audio_buffer_target_at_or_above_capacity_is_refused) {
  temp_config file("[audio]\nbuffer_target_ms = 300\nbuffer_capacity_ms = 300\n");
  auto loaded = vigil::load_settings_file(file.path);
  BOOST_TEST(!loaded.value);
  BOOST_TEST(loaded.error.find("'audio.buffer_target_ms' (300) must be below 'audio.buffer_capacity_ms' (300)") !=
               std::string::npos,
             loaded.error);
}

BOOST_AUTO_TEST_CASE(jitter_above_one_is_refused) {
  temp_config file("[reconnect]\njitter = 1.5\n");
  auto loaded = vigil::load_settings_file(file.path);
  BOOST_TEST(!loaded.value);
  BOOST_TEST(loaded.error.find("'reconnect.jitter' must be a number") != std::string::npos, loaded.error);
}

BOOST_AUTO_TEST_CASE(values_in_the_file_override_the_defaults) {
  temp_config file("[connection]\nconnect_timeout_ms = 2500\n[connection.tcp_keepalive]\nenabled = false\n"
                   "[log]\nlevel = \"debug\"\n");
  auto loaded = vigil::load_settings_file(file.path);
  BOOST_REQUIRE_MESSAGE(loaded.value, loaded.error);
  BOOST_TEST(loaded.value->connection.connect_timeout.count() == 2500);
  BOOST_TEST(!loaded.value->connection.keepalive.enabled);
  BOOST_TEST(loaded.value->log_level == spdlog::level::debug);
}

BOOST_AUTO_TEST_CASE(hotkeys_and_send_keys_are_read_and_checked) {
  temp_config good("[hotkeys]\nscreenshot = \"ctrl+alt+s\"\n[send_keys]\nitems = [\"ctrl+alt+f7\", \"super+l\"]\n");
  auto loaded = vigil::load_settings_file(good.path);
  BOOST_REQUIRE_MESSAGE(loaded.value, loaded.error);
  BOOST_REQUIRE(loaded.value->viewer.hotkeys.size() == 1u);
  BOOST_TEST(loaded.value->viewer.hotkeys[0].second == "ctrl+alt+s");
  BOOST_REQUIRE(loaded.value->viewer.send_keys.size() == 2u);
  BOOST_TEST(loaded.value->viewer.send_keys[1].label() == "Super+L");
  temp_config bad_hotkey("[hotkeys]\nmenu = \"ctrl+alt+mm\"\n");
  BOOST_TEST(vigil::load_settings_file(bad_hotkey.path).error ==
             "config file '" + bad_hotkey.path + "': key 'hotkeys.menu' is not a hotkey: unknown key 'mm' in 'ctrl+alt+mm'");
  temp_config bad_item("[send_keys]\nitems = [\"ctrl+alt+del\", \"ctrl+dle\"]\n");
  BOOST_TEST(vigil::load_settings_file(bad_item.path).error ==
             "config file '" + bad_item.path + "': key 'send_keys.items' item 2: unknown key 'dle' in 'ctrl+dle'");
}

BOOST_AUTO_TEST_CASE(unknown_key_is_named) {
  temp_config file("[connection]\nconect_timeout_ms = 5\n");
  auto loaded = vigil::load_settings_file(file.path);
  BOOST_TEST(!loaded.value);
  BOOST_TEST(loaded.error.find("unknown key 'connection.conect_timeout_ms'") != std::string::npos, loaded.error);
}

BOOST_AUTO_TEST_CASE(out_of_range_value_names_key_and_range) {
  temp_config file("[connection]\nconnect_timeout_ms = 5\n");
  auto loaded = vigil::load_settings_file(file.path);
  BOOST_TEST(!loaded.value);
  BOOST_TEST(loaded.error.find("'connection.connect_timeout_ms' must be an integer from 100") != std::string::npos,
             loaded.error);
}

BOOST_AUTO_TEST_CASE(wrong_type_is_named) {
  temp_config file("[log]\nlevel = 3\n");
  auto loaded = vigil::load_settings_file(file.path);
  BOOST_TEST(!loaded.value);
  BOOST_TEST(loaded.error.find("'log.level' must be one of") != std::string::npos, loaded.error);
}

BOOST_AUTO_TEST_CASE(syntax_error_gives_line_and_column) {
  temp_config file("[connection\nconnect_timeout_ms = 5\n");
  auto loaded = vigil::load_settings_file(file.path);
  BOOST_TEST(!loaded.value);
  BOOST_TEST(loaded.error.find("line 1") != std::string::npos, loaded.error);
}

BOOST_AUTO_TEST_CASE(missing_file_is_named) {
  auto loaded = vigil::load_settings_file("/nonexistent/vigil.toml");
  BOOST_TEST(!loaded.value);
  BOOST_TEST(loaded.error.find("/nonexistent/vigil.toml") != std::string::npos, loaded.error);
}

BOOST_AUTO_TEST_SUITE_END()
