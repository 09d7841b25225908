// The record channel's messages (protocol/record_messages.hpp): the server's
// START/VOLUME/MUTE as spice-server 0.15 lays them out, the client's
// MODE/START_MARK/DATA byte for byte, and malformed bodies named.
#include <boost/test/unit_test.hpp>

#include <spice/enums.h>

#include "captured_stream.hpp"
#include "protocol/record_messages.hpp"

using namespace vigil::protocol;
using namespace vigil::test;

BOOST_AUTO_TEST_SUITE(record_messages)

BOOST_AUTO_TEST_CASE(start_carries_channels_format_and_frequency) {
  auto start = parse_record_start(body_builder{}.u32(2).u16(SPICE_AUDIO_FMT_S16).u32(48000).out);
  BOOST_TEST_REQUIRE(start.ok(), error_text(start));
  BOOST_TEST(start->channels == 2u);
  BOOST_TEST(start->format == SPICE_AUDIO_FMT_S16);
  BOOST_TEST(start->frequency == 48000u);
  auto mono = parse_record_start(body_builder{}.u32(1).u16(SPICE_AUDIO_FMT_S16).u32(22050).out);
  BOOST_TEST_REQUIRE(mono.ok(), error_text(mono));
  BOOST_TEST(mono->channels == 1u);
  BOOST_TEST(mono->frequency == 22050u);
}

BOOST_AUTO_TEST_CASE(start_in_a_format_no_client_can_capture_is_an_error) {
  VIGIL_CHECK_CONTAINS(parse_record_start(body_builder{}.u32(2).u16(2).u32(48000).out).error().message,
                       "RECORD_START: field format is 2");
  VIGIL_CHECK_CONTAINS(parse_record_start(body_builder{}.u32(0).u16(1).u32(48000).out).error().message,
                       "field channels is 0");
  VIGIL_CHECK_CONTAINS(parse_record_start(body_builder{}.u32(3).u16(1).u32(48000).out).error().message,
                       "field channels is 3");
  VIGIL_CHECK_CONTAINS(parse_record_start(body_builder{}.u32(2).u16(1).u32(0).out).error().message,
                       "field frequency is 0");
  VIGIL_CHECK_CONTAINS(parse_record_start(body_builder{}.u32(2).u16(1).u32(400000).out).error().message,
                       "field frequency is 400000");
}

BOOST_AUTO_TEST_CASE(volume_and_mute_parse) {
  auto volume = parse_record_volume(body_builder{}.u8(2).u16(1000).u16(65535).out);
  BOOST_TEST_REQUIRE(volume.ok(), error_text(volume));
  BOOST_TEST(volume->volume == (std::vector<std::uint16_t>{1000, 65535}), boost::test_tools::per_element());
  auto none = parse_record_volume(body_builder{}.u8(0).out);
  BOOST_TEST_REQUIRE(none.ok(), error_text(none));
  BOOST_TEST(none->volume.empty());
  auto mute = parse_record_mute(body_builder{}.u8(1).out);
  BOOST_TEST_REQUIRE(mute.ok(), error_text(mute));
  BOOST_TEST(mute->mute);
  BOOST_TEST(!parse_record_mute(body_builder{}.u8(0).out)->mute);
}

BOOST_AUTO_TEST_CASE(truncated_bodies_name_the_message_and_field) {
  VIGIL_CHECK_CONTAINS(parse_record_start(bytes{2, 0, 0, 0, 1}).error().message, "RECORD_START: field format");
  VIGIL_CHECK_CONTAINS(parse_record_start(body_builder{}.u32(2).u16(1).out).error().message,
                       "RECORD_START: field frequency");
  VIGIL_CHECK_CONTAINS(parse_record_volume(bytes{}).error().message, "RECORD_VOLUME: field nchannels");
  // Three volumes announced, two present: the count is checked against the body before anything is read.
  VIGIL_CHECK_CONTAINS(parse_record_volume(body_builder{}.u8(3).u16(1).u16(2).out).error().message, "RECORD_VOLUME");
  VIGIL_CHECK_CONTAINS(parse_record_mute(bytes{}).error().message, "RECORD_MUTE: field mute");
  VIGIL_CHECK_CONTAINS(parse_record_data(bytes{1, 2, 3}).error().message, "RECORD_DATA: field time");
}

BOOST_AUTO_TEST_CASE(client_messages_are_little_endian_as_spice_proto_lays_them_out) {
  BOOST_TEST(build_record_mode(0x01020304, SPICE_AUDIO_DATA_MODE_OPUS) ==
               (bytes{0x04, 0x03, 0x02, 0x01, SPICE_AUDIO_DATA_MODE_OPUS, 0x00}),
             boost::test_tools::per_element());
  BOOST_TEST(build_record_start_mark(0xa0b0c0d0) == (bytes{0xd0, 0xc0, 0xb0, 0xa0}), boost::test_tools::per_element());
  const std::uint8_t payload[] = {9, 8, 7};
  BOOST_TEST(build_record_data(5, payload, sizeof payload) == (bytes{5, 0, 0, 0, 9, 8, 7}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(data_round_trips_through_the_servers_parser) {
  const std::uint8_t payload[] = {1, 2, 3, 4, 5};
  auto packet = parse_record_data(build_record_data(123456, payload, sizeof payload));
  BOOST_TEST_REQUIRE(packet.ok(), error_text(packet));
  BOOST_TEST(packet->time == 123456u);
  BOOST_TEST(packet->data == (bytes{1, 2, 3, 4, 5}), boost::test_tools::per_element());
  auto empty = parse_record_data(build_record_data(7, nullptr, 0));
  BOOST_TEST_REQUIRE(empty.ok(), error_text(empty));
  BOOST_TEST(empty->data.empty());
}

BOOST_AUTO_TEST_SUITE_END()
