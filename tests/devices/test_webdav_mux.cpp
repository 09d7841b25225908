// The webdav channel's record framing (spice-webdavd's mux).
#include <boost/test/unit_test.hpp>

#include "protocol/webdav_mux.hpp"

using namespace vigil::protocol;

namespace {

bytes text(const std::string& s) { return bytes(s.begin(), s.end()); }

}  // namespace

BOOST_AUTO_TEST_SUITE(webdav_mux)

BOOST_AUTO_TEST_CASE(a_record_is_a_little_endian_id_a_size_and_the_bytes) {
  auto request = text("PROPFIND / HTTP/1.1\r\n\r\n");
  auto wire = build_webdav_records(0x0102030405060708, request.data(), request.size());
  BOOST_REQUIRE_EQUAL(wire.size(), 10 + request.size());
  BOOST_TEST(wire[0] == 0x08);
  BOOST_TEST(wire[7] == 0x01);
  BOOST_TEST(wire[8] == request.size());
  BOOST_TEST(wire[9] == 0);
  webdav_demux demux;
  BOOST_REQUIRE(!demux.feed(wire.data(), wire.size()));
  auto record = demux.next();
  BOOST_REQUIRE(record);
  BOOST_TEST(record->client == 0x0102030405060708);
  BOOST_TEST(record->data == request);
  BOOST_TEST(!demux.next());
}

BOOST_AUTO_TEST_CASE(records_split_anywhere_come_out_whole_and_in_order) {
  auto a = text("GET /a HTTP/1.1\r\n\r\n");
  auto b = text("GET /b HTTP/1.1\r\n\r\n");
  auto wire = build_webdav_records(1, a.data(), a.size());
  auto second = build_webdav_records(2, b.data(), b.size());
  wire.insert(wire.end(), second.begin(), second.end());
  auto close = build_webdav_close(1);
  wire.insert(wire.end(), close.begin(), close.end());
  webdav_demux demux;
  for (std::size_t at = 0; at < wire.size(); at += 3)
    BOOST_REQUIRE(!demux.feed(wire.data() + at, std::min<std::size_t>(3, wire.size() - at)));
  auto first = demux.next();
  auto then = demux.next();
  auto last = demux.next();
  BOOST_REQUIRE(first && then && last);
  BOOST_TEST(first->client == 1);
  BOOST_TEST(first->data == a);
  BOOST_TEST(then->client == 2);
  BOOST_TEST(then->data == b);
  BOOST_TEST(last->client == 1);
  BOOST_TEST(last->closes());
  BOOST_TEST(demux.buffered() == 0u);
}

BOOST_AUTO_TEST_CASE(large_data_is_cut_into_records_of_at_most_65535_bytes) {
  bytes body(150000, 0x42);
  auto wire = build_webdav_records(9, body.data(), body.size());
  BOOST_TEST(wire.size() == body.size() + 3 * 10);
  webdav_demux demux;
  BOOST_REQUIRE(!demux.feed(wire.data(), wire.size()));
  std::size_t total = 0;
  while (auto record = demux.next()) {
    BOOST_TEST(record->data.size() <= webdav_max_record_data);
    total += record->data.size();
  }
  BOOST_TEST(total == body.size());
}

BOOST_AUTO_TEST_CASE(undrained_records_past_the_bound_are_an_error) {
  bytes body(1000, 1);
  auto wire = build_webdav_records(3, body.data(), body.size());
  webdav_demux demux(1500);
  BOOST_TEST(!demux.feed(wire.data(), wire.size()));
  auto error = demux.feed(wire.data(), wire.size());
  BOOST_REQUIRE(error);
  BOOST_TEST(error->message.find("WEBDAV") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
