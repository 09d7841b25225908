#include "ui/command_line.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>

#include "protocol/http_connect.hpp"
#include "ui/connection_file.hpp"
#include "ui/exit_codes.hpp"
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
  std::string password;
  std::getline(file, password);
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

}  // namespace

command_line_result parse_command_line(int argc, char** argv) {
  CLI::App app{"Vigil: a SPICE remote-display client that never wedges."};
  app.set_version_flag("--version", std::string("vigil 0.1.0"));
  std::string uri_text, file_path, password_file, ca_file, host_subject, config_file;
  bool headless = false;
  std::optional<double> duration;
  app.add_option("uri", uri_text,
                 "spice://host:port, spice://host?port=P&tls-port=T, spice+tls://host:port, or a remote-viewer "
                 "connection file (.vv)");
  app.add_option("--file", file_path,
                 "Read the connection from a remote-viewer connection file (.vv; '-': standard input); options "
                 "given here override it");
  app.add_flag("--headless", headless, "Run the session with no window (soak tests, monitoring)");
  bool fullscreen = false;
  app.add_flag("-f,--full-screen", fullscreen, "Open the window full screen (Shift+F11 toggles)");
  std::string screenshot;
  app.add_option("--screenshot", screenshot, "At exit, save the window's content to FILE (PNG)");
  app.add_option("--duration", duration, "Exit after this many seconds: 0 if the session stayed up throughout")
    ->check(CLI::PositiveNumber);
  app.add_option("--password-file", password_file, "Read the password from the first line of FILE");
  std::string username;
  app.add_option("--username", username, "User name for SASL authentication (also spice://USER@host)");
  app.add_option("--spice-ca-file", ca_file, "CA certificate(s) (PEM) to verify the server's TLS certificate");
  app.add_option("--host-subject", host_subject,
                 "Expected subject of the server certificate, e.g. \"C=IL, L=Raanana, O=Red Hat, CN=my server\"");
  bool wait_for_server = false;
  app.add_flag("--wait", wait_for_server,
               "Wait for a server that is not up yet (refused, unreachable): retry with the reconnect backoff until "
               "it answers");
  std::string proxy_text;
  app.add_option("--spice-proxy", proxy_text,
                 "HTTP CONNECT proxy for every channel, http://[user:password@]host[:port] (default: the connection "
                 "file's proxy, then $SPICE_PROXY)");
  app.add_option("--config", config_file, "TOML configuration file (see config/vigil.toml)");
  auto* verbose = app.add_flag("-v,--verbose", "More logging (-v debug, -vv trace)");
  bool log_supervisor = false;
  app.add_flag("--log-supervisor", log_supervisor,
               "Log every channel and session health transition (connecting -> up -> degraded -> restarting ...)");
  std::string dump_primary;
  app.add_option("--dump-primary", dump_primary, "At exit, write the primary surface to FILE (binary PPM)");
  std::string dump_audio;
  app.add_option("--dump-audio", dump_audio,
                 "Write the decoded audio of the playback channel to FILE (16-bit PCM WAV, written as it arrives)");
  std::vector<std::string> debug_fault_specs;
  // Debug only, for the supervision tests: no group, so --help does not list it.
  // One value per --debug-fault, so a URI after it stays the positional.
  app.add_option("--debug-fault", debug_fault_specs, "Inject a fault")->allow_extra_args(false)->group("");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    int code = app.exit(error);
    return {std::nullopt, code == 0 ? exit_codes::ok : exit_codes::usage_error};
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
  if (!config_file.empty()) {
    auto from_file = load_settings_file(config_file);
    if (!from_file.value)
      return usage_error(from_file.error);
    loaded = *from_file.value;
  }

  run_request request;
  request.headless = headless;
  request.duration_s = duration;
  request.log_level = loaded.log_level;
  if (verbose->count() > 0)
    request.log_level = verbose->count() > 1 ? spdlog::level::trace : spdlog::level::debug;

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
  request.session.supervision = loaded.supervision;
  request.session.supervision.log_transitions = loaded.supervision.log_transitions || log_supervisor;
  request.session.supervision.wait_for_server = wait_for_server;
  request.session.main_status_edge_capacity = loaded.main_status_edge_capacity;
  request.session.client_mouse_mode = loaded.client_mouse_mode;
  request.session.agent = loaded.agent;
  request.session.health_deadline = loaded.health_deadline;
  request.session.audio_enabled = loaded.audio_enabled;
  request.session.playback = loaded.playback;
  request.session.audio_sink.jitter = loaded.audio_buffer;
  request.session.audio_sink.dump_path = dump_audio;
  spice_uri shown;
  shown.host = connection.host;
  shown.plain_port = connection.plain_port;
  shown.tls_port = connection.tls_port;
  shown.unix_path = connection.unix_path;
  request.session.uri = shown.redacted();
  if (connection.proxy)
    request.session.uri += " via " + connection.proxy->redacted();
  for (const auto& spec : debug_fault_specs)
    if (auto problem = parse_debug_fault(spec, request.session.debug))
      return usage_error(*problem);
  request.dump_primary_path = dump_primary;
  request.fullscreen = fullscreen || (file && file->fullscreen);
  if (file)
    request.window_title = file->title;
  request.screenshot_path = screenshot;
  return {request, std::nullopt};
}

}  // namespace vigil
