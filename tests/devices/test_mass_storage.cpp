// The BOT/SCSI device as a host driver sees it: CBW, data, CSW.
#include <boost/test/unit_test.hpp>

#include "memory_block_store.hpp"
#include "protocol/usb/mass_storage.hpp"

using namespace vigil::protocol;
using namespace vigil::protocol::usb;

namespace {

bytes cbw(std::uint32_t tag, std::uint32_t length, bool in, bytes cdb) {
  bytes out = {0x55, 0x53, 0x42, 0x43};
  for (int i = 0; i < 4; ++i)
    out.push_back(static_cast<std::uint8_t>(tag >> (8 * i)));
  for (int i = 0; i < 4; ++i)
    out.push_back(static_cast<std::uint8_t>(length >> (8 * i)));
  out.push_back(in ? 0x80 : 0x00);
  out.push_back(0);  // LUN
  out.push_back(static_cast<std::uint8_t>(cdb.size()));
  cdb.resize(16, 0);
  out.insert(out.end(), cdb.begin(), cdb.end());
  return out;
}

bytes rw10(std::uint8_t opcode, std::uint32_t lba, std::uint16_t blocks) {
  return {opcode, 0, static_cast<std::uint8_t>(lba >> 24), static_cast<std::uint8_t>(lba >> 16),
          static_cast<std::uint8_t>(lba >> 8), static_cast<std::uint8_t>(lba), 0,
          static_cast<std::uint8_t>(blocks >> 8), static_cast<std::uint8_t>(blocks), 0};
}

struct csw_fields {
  std::uint32_t tag, residue;
  std::uint8_t status;
};

csw_fields read_csw(bot_device& device) {
  auto reply = device.bulk_in(512);
  BOOST_REQUIRE(reply);
  BOOST_REQUIRE(reply->status == transfer_status::ok);
  BOOST_REQUIRE_EQUAL(reply->data.size(), 13u);
  auto& d = reply->data;
  BOOST_REQUIRE(d[0] == 0x55 && d[1] == 0x53 && d[2] == 0x42 && d[3] == 0x53);
  auto le = [&](int at) { return d[at] | d[at + 1] << 8 | d[at + 2] << 16 | std::uint32_t(d[at + 3]) << 24; };
  return {le(4), le(8), d[12]};
}

// Runs one IN command and returns its data (read in `chunk`-byte transfers).
bytes command_in(bot_device& device, std::uint32_t tag, std::uint32_t length, bytes cdb, std::size_t chunk = 16384) {
  auto wrapper = cbw(tag, length, true, std::move(cdb));
  BOOST_REQUIRE(device.bulk_out(wrapper.data(), wrapper.size()) == transfer_status::ok);
  bytes data;
  while (data.size() < length) {
    auto reply = device.bulk_in(chunk);
    BOOST_REQUIRE(reply);
    data.insert(data.end(), reply->data.begin(), reply->data.end());
    if (reply->data.size() < chunk)
      break;
  }
  return data;
}

scsi_sense request_sense(bot_device& device) {
  auto sense = command_in(device, 99, 18, {0x03, 0, 0, 0, 18, 0});
  BOOST_REQUIRE_EQUAL(read_csw(device).status, 0);
  BOOST_REQUIRE_GE(sense.size(), 14u);
  return {static_cast<std::uint8_t>(sense[2] & 0x0f), sense[12], sense[13]};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mass_storage)

BOOST_AUTO_TEST_CASE(inquiry_names_a_removable_direct_access_disk) {
  vigil::test::memory_block_store store(1 << 20);
  bot_device device(store, false);
  auto data = command_in(device, 7, 36, {0x12, 0, 0, 0, 36, 0});
  BOOST_REQUIRE_EQUAL(data.size(), 36u);
  BOOST_TEST(data[0] == 0x00);
  BOOST_TEST(data[1] == 0x80);
  BOOST_TEST(std::string(data.begin() + 8, data.begin() + 13) == "Vigil");
  auto status = read_csw(device);
  BOOST_TEST(status.tag == 7u);
  BOOST_TEST(status.status == 0);
  BOOST_TEST(status.residue == 0u);
}

BOOST_AUTO_TEST_CASE(read_capacity_reports_the_last_block_and_512_byte_blocks) {
  vigil::test::memory_block_store store(4 << 20);
  bot_device device(store, false);
  auto data = command_in(device, 1, 8, {0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  BOOST_REQUIRE_EQUAL(data.size(), 8u);
  std::uint32_t last = data[0] << 24 | data[1] << 16 | data[2] << 8 | data[3];
  BOOST_TEST(last == 8191u);
  BOOST_TEST((data[6] << 8 | data[7]) == 512);
  BOOST_TEST(read_csw(device).status == 0);
}

BOOST_AUTO_TEST_CASE(write_then_read_round_trips_through_the_store_in_small_transfers) {
  vigil::test::memory_block_store store(1 << 20);
  bot_device device(store, false);
  bytes payload(4 * 512);
  for (std::size_t i = 0; i < payload.size(); ++i)
    payload[i] = static_cast<std::uint8_t>(i * 7 + 3);
  auto wrapper = cbw(2, static_cast<std::uint32_t>(payload.size()), false, rw10(0x2A, 10, 4));
  BOOST_REQUIRE(device.bulk_out(wrapper.data(), wrapper.size()) == transfer_status::ok);
  BOOST_REQUIRE(!device.bulk_in(512));  // nothing to read while data is owed
  // The host may split the data stage anywhere.
  BOOST_REQUIRE(device.bulk_out(payload.data(), 700) == transfer_status::ok);
  BOOST_REQUIRE(device.bulk_out(payload.data() + 700, payload.size() - 700) == transfer_status::ok);
  BOOST_TEST(read_csw(device).status == 0);
  BOOST_TEST(std::equal(payload.begin(), payload.end(), store.data.begin() + 10 * 512));

  auto back = command_in(device, 3, static_cast<std::uint32_t>(payload.size()), rw10(0x28, 10, 4), 1000);
  BOOST_TEST(back == payload);
  auto status = read_csw(device);
  BOOST_TEST(status.tag == 3u);
  BOOST_TEST(status.status == 0);
  BOOST_TEST(device.counters().bytes_written == payload.size());
  BOOST_TEST(device.counters().bytes_read == payload.size());
}

BOOST_AUTO_TEST_CASE(synchronize_cache_flushes_the_store) {
  vigil::test::memory_block_store store(1 << 20);
  bot_device device(store, false);
  auto wrapper = cbw(4, 0, false, {0x35, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  BOOST_REQUIRE(device.bulk_out(wrapper.data(), wrapper.size()) == transfer_status::ok);
  BOOST_TEST(read_csw(device).status == 0);
  BOOST_TEST(store.flushes == 1);
}

BOOST_AUTO_TEST_CASE(read_only_disk_reports_write_protect_and_refuses_writes_with_data_protect) {
  vigil::test::memory_block_store store(1 << 20);
  bot_device device(store, true);
  auto mode = command_in(device, 5, 192, {0x1A, 0, 0x3F, 0, 192, 0});
  BOOST_REQUIRE_GE(mode.size(), 4u);
  BOOST_TEST((mode[2] & 0x80) != 0);  // WP
  BOOST_TEST(read_csw(device).status == 0);

  bytes payload(512, 0xAB);
  auto wrapper = cbw(6, 512, false, rw10(0x2A, 0, 1));
  BOOST_REQUIRE(device.bulk_out(wrapper.data(), wrapper.size()) == transfer_status::ok);
  BOOST_REQUIRE(device.bulk_out(payload.data(), payload.size()) == transfer_status::ok);  // accepted, discarded
  auto status = read_csw(device);
  BOOST_TEST(status.status == 1);
  BOOST_TEST(status.residue == 512u);
  BOOST_TEST(store.data[0] == 0);
  auto sense = request_sense(device);
  BOOST_TEST(sense.key == 0x07);
  BOOST_TEST(sense.asc == 0x27);
  BOOST_TEST(device.counters().refused_writes == 1u);
}

BOOST_AUTO_TEST_CASE(writable_disk_announces_a_write_back_cache_without_write_protect) {
  vigil::test::memory_block_store store(1 << 20);
  bot_device device(store, false);
  auto mode = command_in(device, 5, 192, {0x1A, 0, 0x08, 0, 192, 0});
  BOOST_REQUIRE_EQUAL(mode.size(), 24u);
  BOOST_TEST((mode[2] & 0x80) == 0);
  BOOST_TEST(mode[4] == 0x08);
  BOOST_TEST((mode[6] & 0x04) != 0);  // WCE
  BOOST_TEST(read_csw(device).status == 0);
}

BOOST_AUTO_TEST_CASE(a_read_past_the_end_fails_with_lba_out_of_range) {
  vigil::test::memory_block_store store(8 * 512);
  bot_device device(store, false);
  auto data = command_in(device, 8, 2 * 512, rw10(0x28, 7, 2));
  BOOST_TEST(data.empty());
  auto status = read_csw(device);
  BOOST_TEST(status.status == 1);
  BOOST_TEST(status.residue == 1024u);
  auto sense = request_sense(device);
  BOOST_TEST(sense.key == 0x05);
  BOOST_TEST(sense.asc == 0x21);
}

BOOST_AUTO_TEST_CASE(an_unknown_opcode_fails_with_invalid_command_operation_code) {
  vigil::test::memory_block_store store(1 << 20);
  bot_device device(store, false);
  auto wrapper = cbw(9, 0, false, {0xC7, 0, 0, 0, 0, 0});
  BOOST_REQUIRE(device.bulk_out(wrapper.data(), wrapper.size()) == transfer_status::ok);
  BOOST_TEST(read_csw(device).status == 1);
  auto sense = request_sense(device);
  BOOST_TEST(sense.key == 0x05);
  BOOST_TEST(sense.asc == 0x20);
}

BOOST_AUTO_TEST_CASE(an_io_error_is_a_medium_error) {
  vigil::test::memory_block_store store(1 << 20);
  bot_device device(store, false);
  store.fail_io = true;
  auto data = command_in(device, 10, 512, rw10(0x28, 0, 1));
  BOOST_TEST(data.empty());
  BOOST_TEST(read_csw(device).status == 1);
  store.fail_io = false;
  BOOST_TEST(request_sense(device).key == 0x03);
}

BOOST_AUTO_TEST_CASE(host_expecting_less_than_the_command_moves_is_a_phase_error) {
  vigil::test::memory_block_store store(1 << 20);
  bot_device device(store, false);
  auto data = command_in(device, 11, 512, rw10(0x28, 0, 2));  // two blocks asked, one block allowed
  BOOST_TEST(data.empty());
  BOOST_TEST(read_csw(device).status == 2);
}

BOOST_AUTO_TEST_CASE(an_invalid_cbw_halts_both_endpoints_until_reset_recovery) {
  vigil::test::memory_block_store store(1 << 20);
  bot_device device(store, false);
  bytes garbage(31, 0x11);
  BOOST_TEST((device.bulk_out(garbage.data(), garbage.size()) == transfer_status::stall));
  BOOST_TEST((device.bulk_in(13)->status == transfer_status::stall));
  device.clear_halt(true);
  BOOST_TEST(device.halted(true));  // a clear without the reset does not help
  device.reset();
  device.clear_halt(true);
  device.clear_halt(false);
  BOOST_TEST(!device.halted(true));
  BOOST_TEST(!device.halted(false));
  auto data = command_in(device, 12, 36, {0x12, 0, 0, 0, 36, 0});
  BOOST_TEST(data.size() == 36u);
  BOOST_TEST(read_csw(device).status == 0);
}

BOOST_AUTO_TEST_CASE(a_short_response_ends_the_data_stage_with_a_residue) {
  vigil::test::memory_block_store store(1 << 20);
  bot_device device(store, false);
  auto data = command_in(device, 13, 96, {0x12, 0, 0, 0, 96, 0});  // INQUIRY has 36 bytes
  BOOST_TEST(data.size() == 36u);
  auto status = read_csw(device);
  BOOST_TEST(status.status == 0);
  BOOST_TEST(status.residue == 60u);
}

BOOST_AUTO_TEST_SUITE_END()
