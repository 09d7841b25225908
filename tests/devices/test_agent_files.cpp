// What the clipboard and file transfer add to the vdagent layer: line ends,
// MAX_CLIPBOARD, clipboard types, FILE_XFER messages, and the uri-list a
// drop brings.
#include <spice/vd_agent.h>

#include <boost/test/unit_test.hpp>

#include "protocol/agent_clipboard.hpp"
#include "protocol/agent_file_xfer.hpp"
#include "protocol/uri_list.hpp"

using namespace vigil::protocol;

namespace {

bytes text(const std::string& s) { return bytes(s.begin(), s.end()); }

bytes with_id(std::uint32_t id, const std::string& key_file) {
  std::string wire;
  for (int shift = 0; shift < 32; shift += 8)
    wire += static_cast<char>(id >> shift);
  return text(wire + key_file);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(agent_clipboard)

BOOST_AUTO_TEST_CASE(line_ends_become_crlf_for_a_windows_guest_and_come_back_as_lf) {
  BOOST_TEST(lf_to_crlf("a\nb\n") == "a\r\nb\r\n");
  BOOST_TEST(lf_to_crlf("a\r\nb") == "a\r\nb");  // already CRLF: not doubled
  BOOST_TEST(lf_to_crlf("\n") == "\r\n");
  BOOST_TEST(crlf_to_lf("a\r\nb\r\n") == "a\nb\n");
  BOOST_TEST(crlf_to_lf("a\rb\r") == "a\rb\r");  // a lone CR stays
  BOOST_TEST(crlf_to_lf(lf_to_crlf("x\ny\n\nz")) == "x\ny\n\nz");
}

BOOST_AUTO_TEST_CASE(max_clipboard_is_one_signed_word) {
  auto wire = build_max_clipboard(1048576);
  BOOST_TEST(wire == (bytes{0x00, 0x00, 0x10, 0x00}));
  auto max = parse_max_clipboard(wire);
  BOOST_REQUIRE(max);
  BOOST_TEST(*max == 1048576);
  BOOST_TEST(*parse_max_clipboard(build_max_clipboard(-1)) == -1);
  auto short_one = parse_max_clipboard(bytes{1, 2});
  BOOST_REQUIRE(!short_one);
  BOOST_TEST(short_one.error().message.find("VDAgentMaxClipboard") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(image_types_map_to_their_mime_types_and_back) {
  BOOST_TEST(std::string(clipboard_image_mime(VD_AGENT_CLIPBOARD_IMAGE_PNG)) == "image/png");
  BOOST_TEST(std::string(clipboard_image_mime(VD_AGENT_CLIPBOARD_IMAGE_BMP)) == "image/bmp");
  BOOST_TEST(clipboard_image_mime(VD_AGENT_CLIPBOARD_UTF8_TEXT) == nullptr);
  BOOST_TEST(*clipboard_type_of_mime("image/jpeg") == VD_AGENT_CLIPBOARD_IMAGE_JPG);
  BOOST_TEST(!clipboard_type_of_mime("text/html"));
  BOOST_TEST(clipboard_type_name(VD_AGENT_CLIPBOARD_IMAGE_PNG) == "IMAGE_PNG");
  BOOST_TEST(clipboard_type_name(99) == "type 99");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(agent_file_xfer)

BOOST_AUTO_TEST_CASE(start_is_an_id_and_a_nul_terminated_key_file) {
  auto wire = build_file_xfer_start({7, "report.pdf", 12345});
  std::string expected = "[vdagent-file-xfer]\nname=report.pdf\nsize=12345\n";
  BOOST_REQUIRE_EQUAL(wire.size(), 4 + expected.size() + 1);
  BOOST_TEST(wire[0] == 7);
  BOOST_TEST(std::string(wire.begin() + 4, wire.end() - 1) == expected);
  BOOST_TEST(wire.back() == 0);
  auto start = parse_file_xfer_start(wire);
  BOOST_REQUIRE(start);
  BOOST_TEST(start->id == 7u);
  BOOST_TEST(start->name == "report.pdf");
  BOOST_TEST(start->size == 12345u);
}

BOOST_AUTO_TEST_CASE(names_are_escaped_as_gkeyfile_does) {
  auto wire = build_file_xfer_start({1, " a\\b\nc\td", 1});
  std::string key_file(wire.begin() + 4, wire.end() - 1);
  BOOST_TEST(key_file.find("name=\\sa\\\\b\\nc\\td\n") != std::string::npos);
  auto start = parse_file_xfer_start(wire);
  BOOST_REQUIRE(start);
  BOOST_TEST(start->name == " a\\b\nc\td");
}

BOOST_AUTO_TEST_CASE(a_start_without_size_or_with_a_bad_one_is_refused_with_the_field) {
  auto no_size = parse_file_xfer_start(with_id(1, "[vdagent-file-xfer]\nname=x\n"));
  BOOST_REQUIRE(!no_size);
  BOOST_TEST(no_size.error().message == "FILE_XFER_START: the key file has no size");
  auto bad = parse_file_xfer_start(with_id(1, "[vdagent-file-xfer]\nname=x\nsize=12a\n"));
  BOOST_REQUIRE(!bad);
  BOOST_TEST(bad.error().message == "FILE_XFER_START: field size is not a number");
  auto huge = parse_file_xfer_start(with_id(1, "[vdagent-file-xfer]\nname=x\nsize=99999999999999999999\n"));
  BOOST_REQUIRE(!huge);
  auto other_group = parse_file_xfer_start(with_id(1, "[other]\nname=x\nsize=1\n"));
  BOOST_REQUIRE(!other_group);
  BOOST_TEST(!parse_file_xfer_start(bytes{1, 2}));
}

BOOST_AUTO_TEST_CASE(data_carries_its_size_which_must_match) {
  auto payload = text("hello");
  auto wire = build_file_xfer_data(3, payload.data(), payload.size());
  BOOST_REQUIRE_EQUAL(wire.size(), 4 + 8 + 5u);
  auto piece = parse_file_xfer_data(wire);
  BOOST_REQUIRE(piece);
  BOOST_TEST(piece->id == 3u);
  BOOST_TEST(piece->data == payload);
  wire.pop_back();
  auto cut = parse_file_xfer_data(wire);
  BOOST_REQUIRE(!cut);
  BOOST_TEST(cut.error().message.find("field size 5 does not match the 4 bytes") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(status_details_are_read_when_present_and_described) {
  file_xfer_status space{9, VD_AGENT_FILE_XFER_STATUS_NOT_ENOUGH_SPACE, 4096, {}};
  auto parsed = parse_file_xfer_status(build_file_xfer_status(space));
  BOOST_REQUIRE(parsed);
  BOOST_TEST(parsed->id == 9u);
  BOOST_TEST(*parsed->free_space == 4096u);
  BOOST_TEST(describe_file_xfer_status(*parsed) == "not enough space in the guest (4096 bytes free)");

  file_xfer_status error{2, VD_AGENT_FILE_XFER_STATUS_ERROR, {}, 14};
  parsed = parse_file_xfer_status(build_file_xfer_status(error));
  BOOST_REQUIRE(parsed);
  BOOST_TEST(*parsed->error_code == 14u);
  BOOST_TEST(describe_file_xfer_status(*parsed) == "the guest could not write the file (I/O error 14)");

  // Without details (an agent without DETAILED_ERRORS): still described.
  auto plain = parse_file_xfer_status(bytes{1, 0, 0, 0, VD_AGENT_FILE_XFER_STATUS_NOT_ENOUGH_SPACE, 0, 0, 0});
  BOOST_REQUIRE(plain);
  BOOST_TEST(!plain->free_space);
  BOOST_TEST(describe_file_xfer_status(*plain) == "not enough space in the guest");
  BOOST_TEST(describe_file_xfer_status({1, VD_AGENT_FILE_XFER_STATUS_DISABLED, {}, {}}) ==
             "file transfer is disabled in the guest");
  BOOST_TEST(!parse_file_xfer_status(bytes{1, 0, 0, 0}));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(uri_list)

BOOST_AUTO_TEST_CASE(file_uris_become_local_paths) {
  auto paths = local_paths_of_uri_list(
    "# a comment\r\nfile:///tmp/a%20b.txt\r\nfile://localhost/home/x/%C3%A9t%C3%A9\r\n"
    "http://example.com/x\r\nfile://otherhost/etc/passwd\r\nfile:///bad%zz\r\nfile:///last");
  BOOST_TEST(paths.size() == 3u);
  BOOST_TEST(paths.at(0) == "/tmp/a b.txt");
  BOOST_TEST(paths.at(1) == "/home/x/\xC3\xA9t\xC3\xA9");
  BOOST_TEST(paths.at(2) == "/last");
  BOOST_TEST(local_paths_of_uri_list("").empty());
  BOOST_TEST(local_paths_of_uri_list("file:///a%00b\n").empty());
}

BOOST_AUTO_TEST_SUITE_END()
