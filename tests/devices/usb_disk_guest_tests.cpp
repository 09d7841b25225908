// The virtual USB disk end to end: real QEMU (qemu-xhci + a usb-redir device
// on a spicevmc chardev) boots the real Linux test guest (tests/guest: the
// Debian kernel, busybox, the usb module group, workload usb-disk); vigil
// --usb-disk plugs an image into it over the usbredir channel. The guest
// reads a known 64 KiB payload from the disk, writes its SHA-256 back at
// sector 2048 with fsync, and reports on the serial port. The image is then
// checked on the host.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>

#include <nlohmann/json.hpp>
#include <openssl/sha.h>

#include "client_run.hpp"
#include "linux_guest.hpp"
#include "temp_directory.hpp"
#include "waiting.hpp"

using namespace vigil::test_support;
using namespace std::chrono_literals;

namespace {

constexpr std::size_t payload_size = 64 * 1024;
constexpr std::size_t image_size = 8 * 1024 * 1024;
constexpr std::size_t checksum_offset = 2048 * 512;
constexpr auto guest_deadline = 240s;  // TCG boot + USB enumeration on a loaded 2-core machine

std::vector<std::uint8_t> payload() {
  std::vector<std::uint8_t> out(payload_size);
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<std::uint8_t>((i * 7 + 3) ^ (i >> 9));
  return out;
}

std::string sha256_hex(const std::vector<std::uint8_t>& data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(data.data(), data.size(), digest);
  std::ostringstream out;
  for (unsigned char byte : digest) {
    const char* hex = "0123456789abcdef";
    out << hex[byte >> 4] << hex[byte & 15];
  }
  return out.str();
}

std::vector<std::uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The usbredir channel's `usb` part of a snapshot (empty when there is none).
nlohmann::json usb_part(const nlohmann::json& snapshot) {
  for (const auto& channel : snapshot.value("channels", nlohmann::json::array()))
    if (channel.value("channel", "") == "usbredir" && channel.contains("usb"))
      return channel.at("usb");
  return nlohmann::json::object();
}

struct guest_run {
  std::string serial;
  std::optional<nlohmann::json> usb_snapshot;
  client_run client;
  std::vector<std::uint8_t> image_after;
  std::string context() const { return "serial:\n" + serial + "\n" + client.context(); }
  nlohmann::json usb() const { return usb_snapshot ? usb_part(*usb_snapshot) : nlohmann::json::object(); }
};

guest_run run_guest(bool read_only) {
  temp_directory work("usb-guest");
  auto image = work.file("disk.img");
  {
    auto data = payload();
    data.resize(image_size, 0);
    std::ofstream(image, std::ios::binary).write(reinterpret_cast<const char*>(data.data()),
                                                 static_cast<std::streamsize>(data.size()));
  }
  linux_guest_options options;
  options.workload = "usb-disk";
  options.module_groups = {"usb"};
  options.spice.extra_args = {"-device", "qemu-xhci", "-chardev", "spicevmc,name=usbredir,id=ur1",
                              "-device", "usb-redir,chardev=ur1"};
  linux_guest guest(options);
  background_client client({"--headless", "--usb-disk", image + (read_only ? ",ro" : ""), plain_uri(guest.port())});
  guest_run run;
  guest.wait_for("usb-disk write", linux_guest::boot_limit + guest_deadline);
  run.serial = guest.describe();
  // The snapshot's channel part is the supervisor's latest heartbeat: wait
  // for one taken after the guest's reads.
  run.usb_snapshot = client.wait_for_snapshot(
    [read_only](const nlohmann::json& snapshot) {
      auto usb = usb_part(snapshot);
      return usb.value("bytes_read", 0ull) >= payload_size && (read_only || usb.value("flushes", 0ull) >= 1);
    },
    60s);
  run.client = client.finish(0ms);  // SIGTERM: vigil unplugs the disk, flushes, exits
  run.image_after = read_file(image);
  return run;
}

}  // namespace

BOOST_AUTO_TEST_CASE(guest_reads_the_virtual_disk_and_its_checksum_write_reaches_the_image) {
  auto run = run_guest(false);
  auto expected = sha256_hex(payload());
  BOOST_TEST_CONTEXT(run.context()) {
    BOOST_TEST(run.serial.find("usb-disk sectors=16384 ro=0") != std::string::npos);
    BOOST_TEST(run.serial.find("usb-disk read " + expected) != std::string::npos);
    BOOST_TEST(run.serial.find("usb-disk write ok") != std::string::npos);
    BOOST_REQUIRE_GE(run.image_after.size(), checksum_offset + 64);
    std::string written(run.image_after.begin() + checksum_offset, run.image_after.begin() + checksum_offset + 64);
    BOOST_TEST(written == expected);
    auto usb = run.usb();
    BOOST_TEST_MESSAGE("usbredir channel: " << usb.dump());
    BOOST_TEST(usb.value("bytes_read", 0ull) >= payload_size);
    BOOST_TEST(usb.value("bytes_written", 0ull) > 0u);
    BOOST_TEST(usb.value("flushes", 0ull) >= 1u);
    BOOST_TEST(run.client.exit_code() == 0);
  }
}

BOOST_AUTO_TEST_CASE(guest_cannot_write_a_read_only_virtual_disk) {
  auto run = run_guest(true);
  auto expected = sha256_hex(payload());
  BOOST_TEST_CONTEXT(run.context()) {
    BOOST_TEST(run.serial.find("usb-disk sectors=16384 ro=1") != std::string::npos);
    BOOST_TEST(run.serial.find("usb-disk read " + expected) != std::string::npos);
    BOOST_TEST(run.serial.find("usb-disk write failed") != std::string::npos);
    BOOST_REQUIRE_GE(run.image_after.size(), checksum_offset + 64);
    BOOST_TEST(std::all_of(run.image_after.begin() + payload_size, run.image_after.end(),
                           [](std::uint8_t byte) { return byte == 0; }));
    auto usb = run.usb();
    BOOST_TEST(usb.value("bytes_read", 0ull) >= payload_size);
    BOOST_TEST(usb.value("bytes_written", 1ull) == 0u);
    BOOST_TEST(run.client.exit_code() == 0);
  }
}
