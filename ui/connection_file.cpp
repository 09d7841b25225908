#include "ui/connection_file.hpp"

#include <cctype>
#include <map>

#include "ui/hotkeys.hpp"

namespace vigil {

namespace {

constexpr const char* section_name = "virt-viewer";

struct entry {
  std::string raw;  // as written, escapes not yet decoded
  std::size_t line = 0;
};

std::string trim_left(const std::string& text) {
  std::size_t begin = 0;
  while (begin < text.size() && std::isspace(static_cast<unsigned char>(text[begin])))
    ++begin;
  return text.substr(begin);
}

std::string trim_right(const std::string& text) {
  std::size_t end = text.size();
  while (end > 0 && std::isspace(static_cast<unsigned char>(text[end - 1])))
    --end;
  return text.substr(0, end);
}

// Shows a value in an error message without flooding it (or the terminal).
std::string shown(const std::string& value, std::size_t limit = 40) {
  std::string out;
  for (char c : value.substr(0, limit))
    out += std::isprint(static_cast<unsigned char>(c)) ? c : '?';
  return value.size() > limit ? out + "..." : out;
}

class section_reader {
public:
  section_reader(std::string name, std::map<std::string, entry> keys) : name_(std::move(name)), keys_(std::move(keys)) {}

  bool has(const std::string& key) const { return keys_.count(key) != 0; }
  const std::string& error() const { return error_; }

  // A key file string: "\n", "\t", "\r", "\s" and "\\" are escapes. With a
  // separator, also splits there (an escaped separator stays in the item).
  std::optional<std::vector<std::string>> items(const std::string& key, char separator) {
    const auto& found = keys_.at(key);
    std::vector<std::string> out(1);
    const std::string& raw = found.raw;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      char c = raw[i];
      if (separator && c == separator) {
        out.emplace_back();
        continue;
      }
      if (c != '\\') {
        out.back() += c;
        continue;
      }
      if (i + 1 == raw.size())
        return fail(key, "ends with a lone '\\'");
      char escaped = raw[++i];
      switch (escaped) {
        case 'n': out.back() += '\n'; break;
        case 't': out.back() += '\t'; break;
        case 'r': out.back() += '\r'; break;
        case 's': out.back() += ' '; break;
        case '\\': out.back() += '\\'; break;
        default:
          if (separator && escaped == separator) {
            out.back() += escaped;
            break;
          }
          return fail(key, std::string("has an unknown escape '\\") + escaped + "'");
      }
    }
    if (separator && out.back().empty())
      out.pop_back();  // "a;b;" is the key file's usual spelling of a two-item list
    return out;
  }

  std::optional<std::string> text(const std::string& key) {
    auto decoded = items(key, '\0');
    if (!decoded)
      return std::nullopt;
    return decoded->front();
  }

  std::optional<long> integer(const std::string& key, long low, long high, const std::string& expected) {
    std::string value = trim_right(keys_.at(key).raw);
    bool negative = !value.empty() && value[0] == '-';
    std::size_t digits = negative ? 1 : 0;
    if (value.size() == digits || value.size() > digits + 6)
      return fail_value<long>(key, value, expected);
    long number = 0;
    for (std::size_t i = digits; i < value.size(); ++i) {
      if (!std::isdigit(static_cast<unsigned char>(value[i])))
        return fail_value<long>(key, value, expected);
      number = number * 10 + (value[i] - '0');
    }
    number = negative ? -number : number;
    if (number < low || number > high)
      return fail_value<long>(key, value, expected);
    return number;
  }

  // virt-viewer's flags are integers 0 or 1; "true"/"false" are accepted too.
  std::optional<bool> flag(const std::string& key) {
    std::string value = trim_right(keys_.at(key).raw);
    if (value == "true")
      return true;
    if (value == "false")
      return false;
    auto number = integer(key, 0, 1, "is not 0 or 1");
    if (!number)
      return std::nullopt;
    return *number == 1;
  }

  std::nullopt_t fail(const std::string& key, const std::string& problem) {
    error_ = name_ + ":" + std::to_string(keys_.at(key).line) + ": key '" + key + "' " + problem;
    return std::nullopt;
  }

  template <typename T>
  std::optional<T> fail_value(const std::string& key, const std::string& value, const std::string& expected) {
    return fail(key, "value '" + shown(value) + "' " + expected);
  }

private:
  std::string name_;
  std::map<std::string, entry> keys_;
  std::string error_;
};

connection_file_result failure(std::string message, bool delete_requested = false) {
  connection_file_result result;
  result.error = std::move(message);
  result.delete_requested = delete_requested;
  return result;
}

bool known_channel(const std::string& name) {
  static const char* const names[] = {"all",      "main",      "display",  "inputs", "cursor", "playback",
                                      "record",   "tunnel",    "smartcard", "usbredir", "port", "webdav"};
  for (const char* known : names)
    if (name == known)
      return true;
  return false;
}

}  // namespace

connection_file_result parse_connection_file(const std::string& text, const std::string& name) {
  // Pass 1: the key file's syntax, keeping only [virt-viewer]'s keys.
  std::map<std::string, entry> keys;
  bool in_section = false, seen_section = false, seen_any_group = false;
  std::size_t line_number = 0;
  for (std::size_t start = 0; start <= text.size();) {
    auto end = text.find('\n', start);
    if (end == std::string::npos)
      end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    std::string content = trim_left(line);
    if (content.empty() || content[0] == '#')
      continue;
    std::string where = name + ":" + std::to_string(line_number) + ": ";
    if (content[0] == '[') {
      std::string group = trim_right(content);
      if (group.back() != ']' || group.size() < 3)
        return failure(where + "'" + shown(group) + "' is not a [section] header");
      in_section = group.substr(1, group.size() - 2) == section_name;
      seen_section = seen_section || in_section;
      seen_any_group = true;
      continue;
    }
    auto equals = content.find('=');
    if (equals == std::string::npos)
      return failure(where + "'" + shown(content) + "' is not a [section], a key=value line or a # comment");
    if (!seen_any_group)
      return failure(where + "key=value line before any [section]");
    std::string key = trim_right(content.substr(0, equals));
    if (key.empty())
      return failure(where + "a key=value line with no key");
    if (in_section)
      keys[key] = {trim_left(content.substr(equals + 1)), line_number};  // the last one wins, as in GLib
  }
  if (!seen_section)
    return failure(name + ": no [virt-viewer] section (is this a remote-viewer connection file?)");

  // Pass 2: the keys Vigil uses. delete-this-file first, so a file with a bad
  // key is still deleted when it asked to be.
  section_reader section(name, std::move(keys));
  bool delete_requested = false;
  if (section.has("delete-this-file")) {
    auto value = section.flag("delete-this-file");
    if (!value)
      return failure(section.error());
    delete_requested = *value;
  }
  auto fail = [&] { return failure(section.error(), delete_requested); };

  if (!section.has("type"))
    return failure(name + ": [virt-viewer] has no 'type' key (expected type=spice)", delete_requested);
  auto type = section.text("type");
  if (!type)
    return fail();
  if (*type != "spice") {
    section.fail("type", "is '" + shown(*type) + "': Vigil speaks only spice");
    return fail();
  }

  connection_file file;
  if (section.has("unix-path")) {
    auto path = section.text("unix-path");
    if (!path)
      return fail();
    if (path->empty() || path->front() != '/') {
      section.fail("unix-path", "is not an absolute path");
      return fail();
    }
    file.unix_path = *path;
  }
  if (!section.has("host") && file.unix_path.empty())
    return failure(name + ": [virt-viewer] has no 'host' key", delete_requested);
  if (section.has("host")) {
    auto host = section.text("host");
    if (!host)
      return fail();
    if (host->empty() && file.unix_path.empty()) {
      section.fail("host", "is empty");
      return fail();
    }
    file.host = *host;
  }

  // "-1" is how oVirt says "no plain port"; spice-gtk then cannot use it and
  // goes to the TLS port, which is what "none" means here too.
  for (const char* key : {"port", "tls-port"}) {
    if (!section.has(key))
      continue;
    auto port = section.integer(key, -1, 65535, "is not a port number from 1 to 65535 (or -1 for none)");
    if (!port)
      return fail();
    (std::string(key) == "port" ? file.plain_port : file.tls_port) = static_cast<std::uint16_t>(*port > 0 ? *port : 0);
  }
  if (file.plain_port == 0 && file.tls_port == 0 && file.unix_path.empty())
    return failure(name + ": [virt-viewer] gives neither 'port' nor 'tls-port'", delete_requested);

  if (section.has("username")) {
    if (!(file.username = section.text("username")))
      return fail();
  }
  if (section.has("password")) {
    if (!(file.password = section.text("password")))
      return fail();
  }
  for (auto [key, target] : {std::pair<const char*, std::string*>{"ca", &file.ca_pem},
                             {"host-subject", &file.host_subject},
                             {"proxy", &file.proxy},
                             {"title", &file.title},
                             {"usb-filter", &file.usb_filter}}) {
    if (!section.has(key))
      continue;
    auto value = section.text(key);
    if (!value)
      return fail();
    *target = *value;
  }
  if (section.has("fullscreen")) {
    auto value = section.flag("fullscreen");
    if (!value)
      return fail();
    file.fullscreen = *value;
  }
  for (auto [key, target] : {std::pair<const char*, std::optional<bool>*>{"enable-usbredir", &file.enable_usbredir},
                             {"enable-usb-autoshare", &file.enable_usb_autoshare}}) {
    if (!section.has(key))
      continue;
    auto value = section.flag(key);
    if (!value)
      return fail();
    *target = *value;
  }
  if (section.has("secure-channels")) {
    auto channels = section.items("secure-channels", ';');
    if (!channels)
      return fail();
    for (auto& channel : *channels) {
      channel = trim_right(trim_left(channel));
      if (!known_channel(channel)) {
        section.fail("secure-channels", "names '" + shown(channel) +
                                            "', which is not a SPICE channel (main, display, inputs, cursor, "
                                            "playback, record, smartcard, usbredir, port, webdav) or 'all'");
        return fail();
      }
    }
    file.secure_channels = *channels;
  }
  // remote-viewer's hotkey keys: checked here so a bad one names its line.
  for (std::size_t i = 0; i < hotkey_action_count; ++i) {
    auto action = static_cast<hotkey_action>(i);
    const char* key = hotkey_action_name(action);
    if (!is_remote_viewer_action(action) || !section.has(key))
      continue;
    auto value = section.text(key);
    if (!value)
      return fail();
    if (auto problem = hotkey_map::defaults().set(action, *value)) {
      section.fail(key, "is not a hotkey: " + shown(*problem, 160));  // the problem quotes the value
      return fail();
    }
    file.hotkeys.emplace_back(action, *value);
  }
  connection_file_result result;
  result.file = std::move(file);
  result.delete_requested = delete_requested;
  return result;
}

}  // namespace vigil
