#include <map>

#include <boost/test/unit_test.hpp>

#include "ui/connection_file.hpp"

using vigil::parse_connection_file;

namespace {

// What oVirt hands out, trimmed: TLS only, a one-time password, the CA in
// the key file's "\n" escapes, and keys Vigil ignores.
const char* const ovirt_file =
  "[virt-viewer]\n"
  "type=spice\n"
  "host=192.0.2.10\n"
  "port=-1\n"
  "password=one-time\n"
  "# Password is valid for 120 seconds.\n"
  "delete-this-file=1\n"
  "fullscreen=0\n"
  "title=vm1:%d - Press SHIFT+F12 to Release Cursor\n"
  "toggle-fullscreen=shift+f11\n"
  "release-cursor=shift+f12\n"
  "tls-port=5901\n"
  "enable-smartcard=0\n"
  "enable-usb-autoshare=1\n"
  "usb-filter=-1,-1,-1,-1,0\n"
  "host-subject=O=example.com,CN=192.0.2.10\n"
  "ca=-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n\n"
  "secure-channels=main;inputs;cursor;playback;record;display;smartcard;usbredir\n"
  "\n"
  "[ovirt]\n"
  "host=engine.example.com:443\n"
  "vm-guid=0000\n";

std::string error_of(const std::string& text) {
  auto parsed = parse_connection_file(text, "x.vv");
  BOOST_TEST(!parsed.file);
  return parsed.error;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(connection_file)

BOOST_AUTO_TEST_CASE(ovirt_file_gives_every_key_vigil_uses) {
  auto parsed = parse_connection_file(ovirt_file, "console.vv");
  BOOST_REQUIRE_MESSAGE(parsed.file, parsed.error);
  const auto& file = *parsed.file;
  BOOST_TEST(file.host == "192.0.2.10");
  BOOST_TEST(file.plain_port == 0);  // port=-1: none
  BOOST_TEST(file.tls_port == 5901);
  BOOST_TEST(*file.password == "one-time");
  BOOST_TEST(file.ca_pem == "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
  BOOST_TEST(file.host_subject == "O=example.com,CN=192.0.2.10");
  BOOST_TEST(file.title == "vm1:%d - Press SHIFT+F12 to Release Cursor");
  BOOST_TEST(!file.fullscreen);
  BOOST_TEST(file.secure_channels.size() == 8u);
  BOOST_TEST(file.secure_channels.front() == "main");
  BOOST_TEST(parsed.delete_requested);
  BOOST_REQUIRE(file.hotkeys.size() == 2u);
  std::map<vigil::hotkey_action, std::string> hotkeys(file.hotkeys.begin(), file.hotkeys.end());
  BOOST_TEST(hotkeys[vigil::hotkey_action::toggle_fullscreen] == "shift+f11");
  BOOST_TEST(hotkeys[vigil::hotkey_action::release_cursor] == "shift+f12");
}

BOOST_AUTO_TEST_CASE(a_bad_hotkey_names_its_line_and_key) {
  BOOST_TEST(error_of("[virt-viewer]\ntype=spice\nhost=h\nport=1\nsecure-attention=ctrl+alt+ende\n") ==
             "x.vv:5: key 'secure-attention' is not a hotkey: unknown key 'ende' in 'ctrl+alt+ende'");
}

BOOST_AUTO_TEST_CASE(minimal_plain_file) {
  auto parsed = parse_connection_file("[virt-viewer]\ntype=spice\nhost=localhost\nport=5900\n", "x.vv");
  BOOST_REQUIRE_MESSAGE(parsed.file, parsed.error);
  BOOST_TEST(parsed.file->plain_port == 5900);
  BOOST_TEST(parsed.file->tls_port == 0);
  BOOST_TEST(!parsed.file->password);
  BOOST_TEST(parsed.file->ca_pem.empty());
  BOOST_TEST(!parsed.delete_requested);
}

BOOST_AUTO_TEST_CASE(key_file_syntax_crlf_spaces_and_last_value_wins) {
  auto parsed = parse_connection_file(
    "# comment\r\n\r\n  [virt-viewer]  \r\ntype = spice\r\nhost=h\r\nport=1\r\nport = 5902 \r\nfullscreen=true\r\n", "x.vv");
  BOOST_REQUIRE_MESSAGE(parsed.file, parsed.error);
  BOOST_TEST(parsed.file->plain_port == 5902);
  BOOST_TEST(parsed.file->fullscreen);
}

BOOST_AUTO_TEST_CASE(string_escapes_are_decoded) {
  auto parsed = parse_connection_file(
    "[virt-viewer]\ntype=spice\nhost=h\nport=1\npassword=\\sa\\\\b\\tc\ntitle=x\\ny\n", "x.vv");
  BOOST_REQUIRE_MESSAGE(parsed.file, parsed.error);
  BOOST_TEST(*parsed.file->password == " a\\b\tc");
  BOOST_TEST(parsed.file->title == "x\ny");
}

BOOST_AUTO_TEST_CASE(secure_channels_all_and_trailing_separator) {
  auto parsed = parse_connection_file("[virt-viewer]\ntype=spice\nhost=h\ntls-port=2\nsecure-channels=all;\n", "x.vv");
  BOOST_REQUIRE_MESSAGE(parsed.file, parsed.error);
  BOOST_TEST(parsed.file->secure_channels == std::vector<std::string>{"all"});
}

BOOST_AUTO_TEST_CASE(keys_in_other_sections_are_ignored) {
  auto parsed =
    parse_connection_file("[other]\nport=99999\n[virt-viewer]\ntype=spice\nhost=h\nport=3\n[ovirt]\nhost=x\n", "x.vv");
  BOOST_REQUIRE_MESSAGE(parsed.file, parsed.error);
  BOOST_TEST(parsed.file->host == "h");
}

BOOST_AUTO_TEST_CASE(missing_section_is_named) {
  BOOST_TEST(error_of("[remote]\ntype=spice\n") ==
             "x.vv: no [virt-viewer] section (is this a remote-viewer connection file?)");
  BOOST_TEST(error_of("").find("no [virt-viewer] section") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(type_other_than_spice_names_line_and_key) {
  BOOST_TEST(error_of("[virt-viewer]\nhost=h\ntype=vnc\nport=5900\n") ==
             "x.vv:3: key 'type' is 'vnc': Vigil speaks only spice");
  BOOST_TEST(error_of("[virt-viewer]\nhost=h\nport=5900\n") ==
             "x.vv: [virt-viewer] has no 'type' key (expected type=spice)");
}

BOOST_AUTO_TEST_CASE(bad_ports_name_line_key_and_value) {
  BOOST_TEST(error_of("[virt-viewer]\ntype=spice\nhost=h\nport=65536\n") ==
             "x.vv:4: key 'port' value '65536' is not a port number from 1 to 65535 (or -1 for none)");
  BOOST_TEST(error_of("[virt-viewer]\ntype=spice\nhost=h\ntls-port=59o1\n").find("x.vv:4: key 'tls-port' value '59o1'") ==
             0u);
  BOOST_TEST(error_of("[virt-viewer]\ntype=spice\nhost=h\nport=\n").find("x.vv:4: key 'port'") == 0u);
  BOOST_TEST(error_of("[virt-viewer]\ntype=spice\nhost=h\nport=-1\n") ==
             "x.vv: [virt-viewer] gives neither 'port' nor 'tls-port'");
}

BOOST_AUTO_TEST_CASE(missing_host_is_named) {
  BOOST_TEST(error_of("[virt-viewer]\ntype=spice\nport=1\n") == "x.vv: [virt-viewer] has no 'host' key");
}

BOOST_AUTO_TEST_CASE(syntax_errors_name_the_line) {
  BOOST_TEST(error_of("[virt-viewer]\ntype=spice\njunk\n") ==
             "x.vv:3: 'junk' is not a [section], a key=value line or a # comment");
  BOOST_TEST(error_of("type=spice\n[virt-viewer]\n") == "x.vv:1: key=value line before any [section]");
  BOOST_TEST(error_of("[virt-viewer\n") == "x.vv:1: '[virt-viewer' is not a [section] header");
  BOOST_TEST(error_of("[virt-viewer]\n=x\n") == "x.vv:2: a key=value line with no key");
}

BOOST_AUTO_TEST_CASE(bad_escape_and_bad_flag_name_the_key) {
  BOOST_TEST(error_of("[virt-viewer]\ntype=spice\nhost=h\nport=1\npassword=a\\q\n") ==
             "x.vv:5: key 'password' has an unknown escape '\\q'");
  BOOST_TEST(error_of("[virt-viewer]\ntype=spice\nhost=h\nport=1\nfullscreen=2\n") ==
             "x.vv:5: key 'fullscreen' value '2' is not 0 or 1");
}

BOOST_AUTO_TEST_CASE(unknown_secure_channel_is_refused) {
  BOOST_TEST(error_of("[virt-viewer]\ntype=spice\nhost=h\ntls-port=1\nsecure-channels=main;dispaly\n")
               .find("x.vv:5: key 'secure-channels' names 'dispaly'") == 0u);
}

BOOST_AUTO_TEST_CASE(delete_request_survives_a_bad_key) {
  auto parsed = parse_connection_file("[virt-viewer]\ndelete-this-file=1\ntype=vnc\n", "x.vv");
  BOOST_TEST(!parsed.file);
  BOOST_TEST(parsed.delete_requested);
}

BOOST_AUTO_TEST_CASE(errors_never_echo_a_long_value_whole) {
  std::string long_port(5000, '9');
  auto error = error_of("[virt-viewer]\ntype=spice\nhost=h\nport=" + long_port + "\n");
  BOOST_TEST(error.size() < 200u);
}

BOOST_AUTO_TEST_CASE(proxmox_file_gives_pseudo_host_proxy_and_tls_port) {
  auto parsed = parse_connection_file(
    "[virt-viewer]\n"
    "secure-attention=Ctrl+Alt+Ins\n"
    "release-cursor=Ctrl+Alt+R\n"
    "toggle-fullscreen=Shift+F11\n"
    "delete-this-file=1\n"
    "proxy=http://192.0.2.5:3128\n"
    "type=spice\n"
    "title=VM 100 - vm1\n"
    "host=pvespiceproxy:66f0c0de:100:node1::9a8b7c6d5e4f\n"
    "password=abc\n"
    "host-subject=OU=PVE Cluster Node,O=Proxmox Virtual Environment,CN=node1.example\n"
    "tls-port=61000\n"
    "ca=-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n\n",
    "pve-spice.vv");
  BOOST_REQUIRE(parsed.file);
  BOOST_TEST(parsed.file->host == "pvespiceproxy:66f0c0de:100:node1::9a8b7c6d5e4f");
  BOOST_TEST(parsed.file->proxy == "http://192.0.2.5:3128");
  BOOST_TEST(parsed.file->tls_port == 61000);
  BOOST_TEST(parsed.file->plain_port == 0);
  BOOST_TEST(parsed.delete_requested);
}

BOOST_AUTO_TEST_CASE(unix_path_needs_no_host_or_port) {
  auto parsed = parse_connection_file("[virt-viewer]\ntype=spice\nunix-path=/run/vm.sock\nusername=alice\n", "x.vv");
  BOOST_REQUIRE(parsed.file);
  BOOST_TEST(parsed.file->unix_path == "/run/vm.sock");
  BOOST_TEST(*parsed.file->username == "alice");
  BOOST_TEST(error_of("[virt-viewer]\ntype=spice\nunix-path=vm.sock\n").find("x.vv:3: key 'unix-path'") == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(usb_keys_enable_usbredir_autoshare_and_the_filter) {
  auto parsed = parse_connection_file(ovirt_file, "ovirt.vv");
  BOOST_REQUIRE(parsed.file);
  BOOST_TEST(!parsed.file->enable_usbredir.has_value());
  BOOST_REQUIRE(parsed.file->enable_usb_autoshare.has_value());
  BOOST_TEST(*parsed.file->enable_usb_autoshare);
  BOOST_TEST(parsed.file->usb_filter == "-1,-1,-1,-1,0");
  auto off = parse_connection_file("[virt-viewer]\ntype=spice\nhost=h\nport=1\nenable-usbredir=0\n", "off.vv");
  BOOST_REQUIRE(off.file);
  BOOST_TEST((off.file->enable_usbredir == std::optional<bool>(false)));
}

BOOST_AUTO_TEST_CASE(a_usb_flag_that_is_not_a_boolean_is_named) {
  auto error = error_of("[virt-viewer]\ntype=spice\nhost=h\nport=1\nenable-usb-autoshare=maybe\n");
  BOOST_TEST(error.find("enable-usb-autoshare") != std::string::npos);
}
