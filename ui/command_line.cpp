#include "ui/command_line.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>

#include "protocol/display_preferences.hpp"
#include "protocol/http_connect.hpp"
#include "protocol/uri_parts.hpp"
#include "ui/device_options.hpp"
#include "ui/connection_file.hpp"
#include "ui/exit_codes.hpp"
#include "ui/monitor_mapping.hpp"
#include "ui/spice_uri.hpp"

namespace vigil {

namespace {

command_line_result usage_error(const std::string& message) {
  std::cerr << "vigil: " << message << "\n";
  return {std::nullopt, exit_codes::usage_error};
}

std::optional<std::string> read_password_file(const std::string& path, std::string& error) {
  std::ifstream file(path);
  if (!file) {
    error = "cannot read password file '" + path + "'";
    return std::nullopt;
  }
  // One line, and never more than a password can be: /dev/zero must not fill
  // memory (security review L10).
  constexpr std::size_t longest_line = 4096;
  std::string password;
  for (char c; password.size() < longest_line && file.get(c) && c != '\n';)
    password += c;
  if (!password.empty() && password.back() == '\r')
    password.pop_back();
  return password;
}

// Reads and parses a remote-viewer connection file ("-": standard input, as
// for remote-viewer), deleting it afterwards when it says delete-this-file=1
// (unless VIRT_VIEWER_KEEP_FILE is set, as for remote-viewer).
std::optional<connection_file> read_connection_file(const std::string& path, std::string& error) {
  const bool from_stdin = path == "-";
  const std::string name = from_stdin ? "<stdin>" : path;
  std::ifstream file;
  if (!from_stdin)
    file.open(path, std::ios::binary);
  std::istream& stream = from_stdin ? std::cin : file;
  if (!stream) {
    error = "cannot read connection file '" + path + "'";
    return std::nullopt;
  }
  // Real files are a few KB (a CA chain at most); a cap keeps a wrong path
  // (a disk image, /dev/zero) from being read whole.
  constexpr std::size_t max_bytes = 1024 * 1024;
  std::string text(max_bytes + 1, '\0');
  stream.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (stream.bad()) {
    error = "cannot read connection file '" + name + "'";
    return std::nullopt;
  }
  text.resize(static_cast<std::size_t>(stream.gcount()));
  if (text.size() > max_bytes) {
    error = name + ": larger than 1 MiB: not a remote-viewer connection file";
    return std::nullopt;
  }
  auto parsed = parse_connection_file(text, name);
  if (parsed.delete_requested && !from_stdin && !std::getenv("VIRT_VIEWER_KEEP_FILE") &&
      std::remove(path.c_str()) != 0)
    std::cerr << "vigil: " << path << ": delete-this-file=1 but it could not be deleted\n";
  if (!parsed.file)
    error = parsed.error;
  return parsed.file;
}

// "display:0:stall:AFTER_MS:FOR_MS", "display:0:slow:MS", "renderer:slow:MS" or "session:ignore-main-status".
std::optional<std::string> parse_debug_fault(const std::string& text, debug_faults& faults) {
  if (text == "session:ignore-main-status") {
    faults.session_ignores_main_status = true;
    return std::nullopt;
  }
  if (text.rfind("renderer:slow:", 0) == 0) {
    try {
      faults.renderer_delay_per_frame = std::chrono::milliseconds(std::stol(text.substr(14)));
      return std::nullopt;
    } catch (const std::exception&) {
    }
  }
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t colon; (colon = text.find(':', start)) != std::string::npos; start = colon + 1)
    parts.push_back(text.substr(start, colon - start));
  parts.push_back(text.substr(start));
  auto number = [](const std::string& part) -> std::optional<long> {
    try {
      std::size_t used = 0;
      long value = std::stol(part, &used);
      return used == part.size() && value >= 0 ? std::optional<long>(value) : std::nullopt;
    } catch (const std::exception&) {
      return std::nullopt;
    }
  };
  faults.channel = parts.size() >= 2 ? parts[0] + ":" + parts[1] : "";
  if (parts.size() == 5 && parts[2] == "stall" && number(parts[3]) && number(parts[4])) {
    faults.fault = {debug_fault::kind::stall, std::chrono::milliseconds(*number(parts[3])),
                    std::chrono::milliseconds(*number(parts[4]))};
    return std::nullopt;
  }
  if (parts.size() == 4 && parts[2] == "slow" && number(parts[3])) {
    faults.fault = {debug_fault::kind::slow, std::chrono::milliseconds(0), std::chrono::milliseconds(*number(parts[3]))};
    return std::nullopt;
  }
  return "--debug-fault '" + text +
         "' is not CHANNEL:ID:stall:AFTER_MS:FOR_MS, CHANNEL:ID:slow:MS, renderer:slow:MS or session:ignore-main-status";
}

// Every value the command line can give.
struct option_values {
  std::string uri_text, file_path, password_file, ca_file, host_subject, config_file;
  bool headless = false;
  bool fullscreen = false;
  std::string screenshot;
  std::optional<double> duration;
  bool log_supervisor = false;
  std::string dump_primary;
  std::string dump_audio;
  std::string hotkeys;
  std::string title;
  bool kiosk = false;
  std::string kiosk_quit = "never";
  std::optional<int> zoom;
  std::string monitor_mapping;
  std::string username;
  bool wait_for_server = false;
  std::string proxy_text;
  std::string preferred_compression;
  std::string video_codecs;
  bool no_record = false;
  std::vector<std::string> debug_fault_specs;
  std::string media_trace;
  device_option_values devices;
  CLI::Option* verbose = nullptr;
};

// The one option table: the parser, --help and the man page
// (write_man_page) all read it.
std::unique_ptr<CLI::App> option_table(option_values& v) {
  auto app = std::make_unique<CLI::App>("Vigil: a SPICE remote-display client that never wedges.", "vigil");
  app->set_version_flag("--version", std::string("vigil ") + VIGIL_VERSION);
  app->add_option("uri", v.uri_text,
                  "spice://host:port, spice://host?port=P&tls-port=T, spice+tls://host:port, or a remote-viewer "
                  "connection file (.vv)")
    ->type_name("URI|FILE");
  app->add_option("--file", v.file_path,
                  "Read the connection from a remote-viewer connection file (.vv; '-': standard input); options "
                  "given here override it")
    ->type_name("FILE");
  app->add_flag("--headless", v.headless, "Run the session with no window (soak tests, monitoring)");
  app->add_flag("-f,--full-screen", v.fullscreen, "Open the window full screen (the toggle-fullscreen hotkey, F11, toggles)");
  app->add_option("-t,--title", v.title,
                  "Window title; a %d in it becomes the monitor's number (as remote-viewer); default: the "
                  "connection file's title, else the VM's name")
    ->type_name("TITLE");
  app->add_option("-z,--zoom", v.zoom,
                  "Zoom level in percent, 10 to 400: the window opens at the guest's size times this (the zoom "
                  "hotkeys and the menu change it; default: window.zoom, 100)")
    ->check(CLI::Range(scaling_settings::minimum_zoom, scaling_settings::maximum_zoom).description(""))
    ->type_name("PERCENT");
  app->add_option("--monitor-mapping", v.monitor_mapping,
                  "In full screen, which client monitor shows which guest monitor, as remote-viewer: "
                  "GUEST:CLIENT[;GUEST:CLIENT...], e.g. 1:2;2:1 (numbers from 1; client monitors in RandR's order)")
    ->type_name("MAPPING");
  app->add_option("-H,--hotkeys", v.hotkeys,
                  "Hotkeys as remote-viewer takes them: ACTION=KEYS[,ACTION=KEYS...], e.g. "
                  "toggle-fullscreen=shift+f11,release-cursor=ctrl+alt; replaces all of remote-viewer's hotkeys. "
                  "Actions: " + hotkey_action_names())
    ->type_name("HOTKEYS");
  app->add_flag("-k,--kiosk", v.kiosk,
                "Kiosk mode: full screen, no menu, no hotkeys but those configured, the window cannot be closed; "
                "reconnects forever");
  app->add_option("--kiosk-quit", v.kiosk_quit, "In kiosk mode, quit when the session is lost (on-disconnect) or never")
    ->check(CLI::IsMember({"never", "on-disconnect"}).description(""))
    ->type_name("never|on-disconnect");
  app->add_option("--screenshot", v.screenshot, "At exit, save the window's content to FILE (PNG)")->type_name("FILE");
  app->add_option("--duration", v.duration, "Exit after this many seconds: 0 if the session stayed up throughout")
    ->check(CLI::Validator(CLI::PositiveNumber).description(""))
    ->type_name("SECONDS");
  app->add_option("--password-file", v.password_file, "Read the password from the first line of FILE")
    ->type_name("FILE");
  app->add_option("--username", v.username, "User name for SASL authentication (also spice://USER@host)")
    ->type_name("USER");
  app->add_option("--spice-ca-file", v.ca_file, "CA certificate(s) (PEM) to verify the server's TLS certificate")
    ->type_name("FILE");
  app->add_option("--host-subject", v.host_subject,
                  "Expected subject of the server certificate, e.g. \"C=IL, L=Raanana, O=Red Hat, CN=my server\"")
    ->type_name("SUBJECT");
  app->add_flag("--wait", v.wait_for_server,
                "Wait for a server that is not up yet (refused, unreachable): retry with the reconnect backoff until "
                "it answers");
  app->add_option("--spice-proxy", v.proxy_text,
                  "HTTP CONNECT proxy for every channel, http://[user:password@]host[:port] (default: the connection "
                  "file's proxy, then $SPICE_PROXY)")
    ->type_name("URL");
  app->add_option("--config", v.config_file,
                  "TOML configuration file (default: $XDG_CONFIG_HOME/vigil/vigil.toml if it exists; every key: "
                  "config/vigil.toml)")
    ->type_name("FILE");
  v.verbose = app->add_flag("-v,--verbose", "More logging (-v debug, -vv trace)");
  app->add_flag("--log-supervisor", v.log_supervisor,
                "Log every channel and session health transition (connecting -> up -> degraded -> restarting ...)");
  app->add_option("--dump-primary", v.dump_primary,
                  "At exit, write the primary surface to FILE (binary PPM); display channel N > 0's next to it, "
                  "-display-N before the extension")
    ->type_name("FILE");
  app->add_option("--dump-audio", v.dump_audio,
                  "Write the decoded audio of the playback channel to FILE (16-bit PCM WAV, written as it arrives)")
    ->type_name("FILE");
  app->add_flag("--no-record", v.no_record, "Do not connect the record channel: the guest gets no microphone");
  app->add_option("--spice-preferred-compression", v.preferred_compression,
                  std::string("Ask the server for this image compression: ") + protocol::image_compression_names())
    ->type_name("NAME");
  app->add_option("--video-codecs", v.video_codecs,
                  "Video codecs to offer, most preferred first, e.g. h264,vp9 (known: mjpeg, vp8, h264, vp9, h265; "
                  "default: every codec this build decodes, in the server's order)")
    ->type_name("LIST");
  app->add_option("--usb-disk", v.devices.usb_disks,
                  "Plug a virtual USB disk backed by the image FILE into the guest (FILE,ro: read-only); one per "
                  "usbredir channel the server offers")
    ->type_name("FILE[,ro]")
    ->allow_extra_args(false);
  app->add_option("--usb-redirect", v.devices.usb_redirects,
                  "Redirect this machine's USB device VID:PID (hex) or BUS-ADDR (decimal, as lsusb shows them) to "
                  "the guest; one per usbredir channel")
    ->type_name("VID:PID|BUS-ADDR")
    ->allow_extra_args(false);
  app->add_option("--share-dir", v.devices.share_dir,
                  "Share the folder DIR with the guest over the webdav channel (DIR,ro: read-only); the guest "
                  "runs spice-webdavd")
    ->type_name("DIR[,ro]");
  // Debug only, for the supervision tests: no group, so --help and the man
  // page do not list it. One value per --debug-fault, so a URI after it stays the positional.
  app->add_option("--debug-fault", v.debug_fault_specs, "Inject a fault")->allow_extra_args(false)->group("");
  // Debug only, for the A/V sync test: presentation times of pictures and audio (actors/media_clock.hpp).
  app->add_option("--debug-media-trace", v.media_trace, "Write a media presentation trace")->group("");
  return app;
}

// The user's configuration file when --config names none.
std::string default_config_path() {
  std::string base;
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg)
    base = xdg;
  else if (const char* home = std::getenv("HOME"); home && *home)
    base = std::string(home) + "/.config";
  if (base.empty())
    return {};
  std::string path = base + "/vigil/vigil.toml";
  return std::ifstream(path) ? path : std::string();
}

// Defaults, then the config file's [hotkeys], then the connection file's keys
// (replacing remote-viewer's), then --hotkeys (the same), then kiosk mode.
std::optional<std::string> build_hotkeys(const option_values& v, const settings& loaded,
                                         const std::optional<connection_file>& file, hotkey_map& hotkeys) {
  hotkeys = hotkey_map::defaults();
  for (const auto& [action, text] : loaded.viewer.hotkeys)
    hotkeys.set(action, text);  // checked when the file was read
  if (file) {
    hotkeys.clear_remote_viewer_actions();
    for (const auto& [action, text] : file->hotkeys)
      hotkeys.set(action, text);  // checked when the file was read
  }
  if (auto problem = hotkeys.apply_list(v.hotkeys))
    return "--hotkeys: " + *problem;
  if (v.kiosk) {
    hotkeys.keep_only_configured();
    hotkeys.disable(hotkey_action::menu);
  }
  return std::nullopt;
}

}  // namespace

command_line_result parse_command_line(int argc, char** argv) {
  option_values v;
  auto app = option_table(v);
  try {
    app->parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    int code = app->exit(error);
    return {std::nullopt, code == 0 ? exit_codes::ok : exit_codes::usage_error};
  }
  auto& uri_text = v.uri_text;
  auto& file_path = v.file_path;
  auto& password_file = v.password_file;
  auto& ca_file = v.ca_file;
  auto& host_subject = v.host_subject;
  auto& duration = v.duration;
  auto& proxy_text = v.proxy_text;
  auto& username = v.username;

  // A desktop's launcher may hand a console file over as a file:// URL
  // (vigil.desktop's %u): the file it names.
  if (uri_text.rfind("file://", 0) == 0) {
    std::string rest = uri_text.substr(7);
    auto path = rest.find('/') == std::string::npos ? std::nullopt : protocol::percent_decode(rest.substr(rest.find('/')));
    if (!path)
      return usage_error("'" + uri_text + "' names no local file: expected file:///path/to/console.vv");
    uri_text = *path;
  }
  // Like remote-viewer, a positional argument that is not a URI is a file.
  if (!uri_text.empty() && uri_text.find("://") == std::string::npos) {  // also "-": standard input
    if (!file_path.empty())
      return usage_error("give one connection file: '" + uri_text + "' and --file '" + file_path + "'");
    file_path = uri_text;
    uri_text.clear();
  }
  if (uri_text.empty() && file_path.empty())
    return usage_error("no connection: give a spice:// URI or a connection file (vigil --help)");
  std::optional<spice_uri> uri;
  if (!uri_text.empty()) {
    auto parsed_uri = parse_spice_uri(uri_text);
    if (!parsed_uri.uri)
      return usage_error(parsed_uri.error);
    uri = parsed_uri.uri;
  }
  std::optional<connection_file> file;
  if (!file_path.empty()) {
    std::string error;
    file = read_connection_file(file_path, error);
    if (!file)
      return usage_error(error);
  }

  settings loaded;
  std::string config_file = v.config_file.empty() ? default_config_path() : v.config_file;
  if (!config_file.empty()) {
    auto from_file = load_settings_file(config_file);
    if (!from_file.value)
      return usage_error(from_file.error);
    loaded = *from_file.value;
  }

  run_request request;
  request.headless = v.headless;
  request.duration_s = duration;
  request.log_level = loaded.log_level;
  if (v.verbose->count() > 0)
    request.log_level = v.verbose->count() > 1 ? spdlog::level::trace : spdlog::level::debug;
  if (auto problem = build_hotkeys(v, loaded, file, request.hotkeys))
    return usage_error(*problem);
  request.viewer = loaded.viewer;
  if (v.zoom)
    request.viewer.scaling.zoom_percent = *v.zoom;
  if (!v.monitor_mapping.empty()) {
    auto mapping = parse_monitor_mapping(v.monitor_mapping);
    if (!mapping.error.empty())
      return usage_error("--monitor-mapping: " + mapping.error);
    request.viewer.monitor_mapping = mapping.mapping;
  }
  request.kiosk = v.kiosk;
  request.kiosk_quit_on_disconnect = v.kiosk && v.kiosk_quit == "on-disconnect";

  // The file first, then what the command line says explicitly.
  auto& connection = loaded.connection;
  if (file) {
    connection.host = file->host;
    connection.plain_port = file->plain_port;
    connection.tls_port = file->tls_port;
    connection.unix_path = file->unix_path;
    connection.password = file->password.value_or("");
    connection.username = file->username.value_or("");
    connection.tls.ca_pem = file->ca_pem;
    connection.tls.host_subject = file->host_subject;
    connection.secure_channels = file->secure_channels;
  }
  if (uri) {
    connection.host = uri->host;
    connection.plain_port = uri->plain_port;
    connection.tls_port = uri->tls_port;
    connection.unix_path = uri->unix_path;
    if (uri->password || !file)
      connection.password = uri->password.value_or("");
    if (uri->username)
      connection.username = *uri->username;
  }
  // The proxy: --spice-proxy, else the file's, else $SPICE_PROXY (as spice-gtk).
  std::string proxy_source = "--spice-proxy";
  if (proxy_text.empty() && file && !file->proxy.empty()) {
    proxy_text = file->proxy;
    proxy_source = (file_path == "-" ? "<stdin>" : file_path) + ": key 'proxy'";
  }
  if (proxy_text.empty() && std::getenv("SPICE_PROXY")) {
    proxy_text = std::getenv("SPICE_PROXY");
    proxy_source = "SPICE_PROXY";
  }
  if (!proxy_text.empty() && connection.unix_path.empty()) {
    auto proxy = protocol::parse_proxy_url(proxy_text);
    if (!proxy)
      return usage_error(proxy_source + ": " + proxy.error().message);
    connection.proxy = *proxy;
  }
  if (!ca_file.empty()) {
    connection.tls.ca_file = ca_file;
    connection.tls.ca_pem.clear();
  }
  if (!host_subject.empty())
    connection.tls.host_subject = host_subject;
  if (!connection.tls.ca_pem.empty())
    if (auto problem = ca_pem_problem(connection.tls.ca_pem))
      return usage_error((file_path == "-" ? "<stdin>" : file_path) + ": key 'ca': " + *problem);
  if (!connection.secure_channels.empty() && connection.tls_port == 0)
    return usage_error((file_path == "-" ? "<stdin>" : file_path) +
                       ": key 'secure-channels' asks for TLS but there is no tls-port");
  if (!username.empty())
    connection.username = username;
  // Certificate checks the connection would never make (no TLS port) are a
  // mistake to say, not to ignore (security review L3).
  if ((!ca_file.empty() || !host_subject.empty()) && connection.tls_port == 0)
    return usage_error(std::string(!ca_file.empty() ? "--spice-ca-file" : "--host-subject") +
                       " is given but the connection has no TLS port: nothing would be verified");
  if (!password_file.empty()) {
    std::string error;
    auto password = read_password_file(password_file, error);
    if (!password)
      return usage_error(error);
    connection.password = *password;
  }
  // A SPICE ticket holds at most 60 bytes; a SASL password (with a user name) may be longer.
  if (connection.password.size() > 60 && connection.username.empty())
    return usage_error("the password is longer than SPICE's 60 bytes (a SASL password may be longer: give the user "
                       "name too)");
  if (!ca_file.empty() && !std::ifstream(ca_file))
    return usage_error("cannot read CA file '" + ca_file + "'");

  request.session.connection = connection;
  request.session.display_init = loaded.display_init;
  request.session.video = loaded.video;
  if (!v.preferred_compression.empty()) {
    auto compression = protocol::image_compression_from_name(v.preferred_compression);
    if (!compression)
      return usage_error("--spice-preferred-compression '" + v.preferred_compression + "' is not one of " +
                         protocol::image_compression_names());
    request.session.video.preferred_compression = compression;
  }
  if (!v.video_codecs.empty()) {
    auto codecs = protocol::parse_video_codec_list(v.video_codecs);
    if (!codecs)
      return usage_error("--video-codecs '" + v.video_codecs + "': " + codecs.error().message);
    request.session.video.codecs = *codecs;
  }
  request.session.supervision = loaded.supervision;
  request.session.supervision.log_transitions = loaded.supervision.log_transitions || v.log_supervisor;
  request.session.supervision.wait_for_server = v.wait_for_server;
  if (v.kiosk && !request.kiosk_quit_on_disconnect)
    request.session.supervision.reconnect.max_attempts = 0;  // a kiosk never gives up
  request.session.main_status_edge_capacity = loaded.main_status_edge_capacity;
  request.session.client_mouse_mode = loaded.client_mouse_mode;
  request.session.agent = loaded.agent;
  request.session.health_deadline = loaded.health_deadline;
  request.session.audio_enabled = loaded.audio_enabled;
  request.session.record = loaded.record;
  request.session.record.enabled = loaded.record.enabled && !v.no_record;
  request.session.playback = loaded.playback;
  request.session.audio_sink.jitter = loaded.audio_buffer;
  request.session.audio_sink.dump_path = v.dump_audio;
  request.session.memory_limits = loaded.memory;
  spice_uri shown;
  shown.host = connection.host;
  shown.plain_port = connection.plain_port;
  shown.tls_port = connection.tls_port;
  shown.unix_path = connection.unix_path;
  request.session.uri = shown.redacted();
  if (connection.proxy)
    request.session.uri += " via " + connection.proxy->redacted();
  for (const auto& spec : v.debug_fault_specs)
    if (auto problem = parse_debug_fault(spec, request.session.debug))
      return usage_error(*problem);
  request.session.debug.media_trace_path = v.media_trace;
  if (auto problem = apply_device_options(v.devices, file ? &*file : nullptr, file_path == "-" ? "<stdin>" : file_path,
                                          request.session))
    return usage_error(*problem);
  request.dump_primary_path = v.dump_primary;
  request.fullscreen = v.fullscreen || v.kiosk || (file && file->fullscreen);
  request.window_title = !v.title.empty() ? v.title : file ? file->title : std::string();
  request.screenshot_path = v.screenshot;
  request.window_presentation = loaded.window_presentation;
  return {request, std::nullopt};
}

namespace {

// roff: a leading '.' or '\'' would be a request; '\' and '-' need escapes.
std::string roff(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\\')
      out += "\\e";
    else if (c == '-')
      out += "\\-";
    else
      out += c;
  }
  if (!out.empty() && (out[0] == '.' || out[0] == '\''))
    out = "\\&" + out;
  return out;
}

}  // namespace

void write_man_page(std::ostream& out) {
  option_values values;
  auto app = option_table(values);
  out << ".TH VIGIL 1 \"\" \"vigil " << VIGIL_VERSION << "\" \"User Commands\"\n"
      << ".SH NAME\nvigil \\- a SPICE remote-display client that never wedges\n"
      << ".SH SYNOPSIS\n.B vigil\n[\\fIOPTIONS\\fR] \\fIURI\\fR\n.br\n.B vigil\n[\\fIOPTIONS\\fR] \\fIFILE.vv\\fR\n"
      << ".SH DESCRIPTION\n"
      << "Vigil shows a virtual machine's screen over SPICE (QEMU/KVM, oVirt, Proxmox), with keyboard, mouse, "
         "cursor, clipboard and sound, and heals its own session: a stuck or failed channel is restarted alone, "
         "a lost session is reconnected with backoff.\n"
      << ".PP\nURI is " << roff("spice://host:port, spice://host?port=P&tls-port=T or spice+tls://host:port") << "; "
      << "an argument without :// is a remote-viewer connection file (.vv), and " << roff("-")
      << " reads one from standard input. Options given on the command line override the file.\n"
      << ".SH OPTIONS\n";
  for (const CLI::Option* option : app->get_options()) {
    if (option->get_group().empty() && !option->get_positional())
      continue;  // hidden (debug only)
    std::string names;
    for (const auto& name : option->get_snames())
      names += (names.empty() ? "" : ", ") + std::string("\\fB") + roff("-" + name) + "\\fR";
    for (const auto& name : option->get_lnames())
      names += (names.empty() ? "" : ", ") + std::string("\\fB") + roff("--" + name) + "\\fR";
    if (option->get_positional())
      names = "\\fI" + roff(option->get_type_name()) + "\\fR";
    else if (option->get_expected_min() > 0 || option->get_type_size() > 0)
      if (!option->get_type_name().empty() && option->get_type_name() != "FLAG")
        names += " \\fI" + roff(option->get_type_name()) + "\\fR";
    out << ".TP\n" << names << "\n" << roff(option->get_description()) << "\n";
  }
  out << ".SH HOTKEYS\n"
      << "As remote-viewer's: modifiers and one key joined by " << roff("+") << ", case-insensitive, e.g. "
      << "\\fBshift+f11\\fR. Defaults:\n";
  auto defaults = hotkey_map::defaults();
  for (std::size_t i = 0; i < hotkey_action_count; ++i) {
    auto action = static_cast<hotkey_action>(i);
    out << ".TP\n\\fB" << roff(hotkey_action_name(action)) << "\\fR\n"
        << roff(defaults.has(action) ? defaults.label(action) : "none") << "\n";
  }
  out << ".PP\n\\fB" << roff("--hotkeys") << "\\fR and a connection file replace all of remote-viewer's hotkeys "
      << "(the first nine); the pointer is then also released by Ctrl+Alt. Vigil's own (menu, screenshot, health) "
      << "are set in the [hotkeys] table of the configuration file.\n"
      << ".SH FILES\n.TP\n" << roff("$XDG_CONFIG_HOME/vigil/vigil.toml") << "\n"
      << "Settings read when " << roff("--config") << " gives none; every key, with its default, is in "
      << roff("/usr/share/doc/vigil/examples/vigil.toml") << ".\n"
      << ".SH EXIT STATUS\n"
      << "0 the session stayed up (or ended on request); 1 usage or configuration error; 2 could not connect; "
         "3 authentication failed; 4 session lost and not recovered; 5 protocol error; 6 up at the end of "
      << roff("--duration") << " after reconnecting.\n"
      << ".SH SIGNALS\nSIGUSR1 prints the health snapshot (one JSON line) on standard output.\n"
      << ".SH SEE ALSO\n.BR remote-viewer (1)\n";
}

}  // namespace vigil
