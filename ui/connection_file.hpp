// remote-viewer connection files (".vv"): the `[virt-viewer]` section of a
// GLib key file, as oVirt, Proxmox and libvirt tooling hand them out. Pure:
// text in, the settings Vigil uses (or an error naming file, line, key and
// problem) out. Reading the file, deleting it and checking the CA's PEM are
// the caller's (ui/command_line.cpp).
//
// Keys read: type (must be "spice"), host, port, tls-port, unix-path,
// username, password, proxy (an HTTP CONNECT proxy URL), ca (PEM,
// lines joined with the key file's "\n" escape), host-subject, title,
// fullscreen, delete-this-file, secure-channels (";"-separated channel names,
// or "all"), remote-viewer's hotkeys (toggle-fullscreen, release-cursor,
// secure-attention, zoom-in, ...: ui/hotkeys.hpp), enable-usbredir,
// enable-usb-autoshare and usb-filter (checked by the caller, like `proxy`).
// Other keys and other sections are ignored, as remote-viewer ignores what
// it does not use.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ui/hotkeys.hpp"

namespace vigil {

struct connection_file {
  std::string host;
  std::uint16_t plain_port = 0;  // 0: none (also for "port=-1", which oVirt writes for "TLS only")
  std::uint16_t tls_port = 0;    // 0: none
  std::string unix_path;         // set: a Unix socket; host and ports may then be absent
  std::optional<std::string> username;  // for SASL
  std::optional<std::string> password;
  std::string proxy;             // as written; parsed (and checked) by the caller, like `ca`
  std::string ca_pem;            // empty: not given
  std::string host_subject;
  std::string title;
  bool fullscreen = false;
  std::vector<std::string> secure_channels;  // channel names ("main", "display", ...) or "all"
  // The hotkey keys it names, in no particular order, each a valid hotkey.
  // Like remote-viewer, the viewer then drops remote-viewer's other hotkeys.
  std::vector<std::pair<hotkey_action, std::string>> hotkeys;
  std::optional<bool> enable_usbredir;       // not given: the client's default (on)
  std::optional<bool> enable_usb_autoshare;
  std::string usb_filter;                    // as written; empty: not given
};

struct connection_file_result {
  std::optional<connection_file> file;
  std::string error;  // "NAME:LINE: key 'port': ..." when file is empty
  // The file asked to be deleted once read (delete-this-file=1). Set whenever
  // the [virt-viewer] section says so, even if another key is bad: the file
  // usually holds a one-time password that should not stay on disk.
  bool delete_requested = false;
};

// `name` is only used in error messages (the path as the user gave it).
connection_file_result parse_connection_file(const std::string& text, const std::string& name);

}  // namespace vigil
