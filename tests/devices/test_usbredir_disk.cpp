// The virtual disk's usbredir side against libusbredirparser playing the
// usb-guest side (what QEMU's usb-redir runs), so every byte crosses a real
// usbredir parser both ways.
#include <boost/test/unit_test.hpp>

#include <cstring>
#include <map>

#include <usbredirparser.h>

#include "memory_block_store.hpp"
#include "protocol/usb/usbredir_disk.hpp"

using namespace vigil::protocol;
using namespace vigil::protocol::usb;

namespace {

// The guest side: sends requests, records what the device answered.
class guest_side {
public:
  guest_side() {
    parser_ = usbredirparser_create();
    parser_->priv = this;
    parser_->log_func = [](void*, int, const char*) {};
    parser_->read_func = [](void* priv, std::uint8_t* data, int count) {
      auto& self = *static_cast<guest_side*>(priv);
      int n = std::min<int>(count, static_cast<int>(self.input_.size()));
      std::memcpy(data, self.input_.data(), static_cast<std::size_t>(n));
      self.input_.erase(self.input_.begin(), self.input_.begin() + n);
      return n;
    };
    parser_->write_func = [](void* priv, std::uint8_t* data, int count) {
      auto& out = static_cast<guest_side*>(priv)->output_;
      out.insert(out.end(), data, data + count);
      return count;
    };
    parser_->hello_func = [](void* priv, usb_redir_hello_header*) { static_cast<guest_side*>(priv)->hello = true; };
    parser_->interface_info_func = [](void* priv, usb_redir_interface_info_header* info) {
      auto& self = *static_cast<guest_side*>(priv);
      self.interface_class = info->interface_class[0];
      self.events.push_back("interface_info");
    };
    parser_->ep_info_func = [](void* priv, usb_redir_ep_info_header* info) {
      auto& self = *static_cast<guest_side*>(priv);
      self.bulk_in_max_packet = info->max_packet_size[0x11];
      self.events.push_back("ep_info");
    };
    parser_->device_connect_func = [](void* priv, usb_redir_device_connect_header* connect) {
      auto& self = *static_cast<guest_side*>(priv);
      self.vendor = connect->vendor_id;
      self.events.push_back("device_connect");
    };
    parser_->device_disconnect_func = [](void* priv) {
      static_cast<guest_side*>(priv)->events.push_back("device_disconnect");
    };
    parser_->configuration_status_func = [](void* priv, std::uint64_t, usb_redir_configuration_status_header* status) {
      static_cast<guest_side*>(priv)->configuration = status->configuration;
    };
    parser_->control_packet_func = [](void* priv, std::uint64_t id, usb_redir_control_packet_header* header,
                                      std::uint8_t* data, int length) {
      auto& self = *static_cast<guest_side*>(priv);
      self.replies[id] = {header->status, bytes(data, data + length)};
      usbredirparser_free_packet_data(self.parser_, data);
    };
    parser_->bulk_packet_func = [](void* priv, std::uint64_t id, usb_redir_bulk_packet_header* header,
                                   std::uint8_t* data, int length) {
      auto& self = *static_cast<guest_side*>(priv);
      self.replies[id] = {header->status, bytes(data, data + length)};
      usbredirparser_free_packet_data(self.parser_, data);
    };
    std::uint32_t caps[USB_REDIR_CAPS_SIZE] = {};
    for (int cap : {usb_redir_cap_connect_device_version, usb_redir_cap_filter, usb_redir_cap_ep_info_max_packet_size,
                    usb_redir_cap_64bits_ids, usb_redir_cap_32bits_bulk_length})
      usbredirparser_caps_set_cap(caps, cap);
    usbredirparser_init(parser_, "test guest", caps, USB_REDIR_CAPS_SIZE, 0);
  }
  ~guest_side() { usbredirparser_destroy(parser_); }

  // Moves bytes both ways until neither side has more to say.
  void exchange(usbredir_disk& disk) {
    for (int round = 0; round < 8; ++round) {
      usbredirparser_do_write(parser_);
      auto to_disk = std::move(output_);
      output_.clear();
      if (!to_disk.empty())
        BOOST_REQUIRE(!disk.feed(to_disk.data(), to_disk.size()));
      auto from_disk = disk.take_output();
      if (to_disk.empty() && from_disk.empty())
        return;
      input_.insert(input_.end(), from_disk.begin(), from_disk.end());
      usbredirparser_do_read(parser_);
    }
  }

  std::uint64_t control_in(std::uint8_t type, std::uint8_t request, std::uint16_t value, std::uint16_t length) {
    usb_redir_control_packet_header header{0x80, request, type, 0, value, 0, length};
    usbredirparser_send_control_packet(parser_, ++id_, &header, nullptr, 0);
    return id_;
  }
  std::uint64_t bulk_out(const bytes& data) {
    usb_redir_bulk_packet_header header{0x02, 0, static_cast<std::uint16_t>(data.size()), 0,
                                        static_cast<std::uint16_t>(data.size() >> 16)};
    usbredirparser_send_bulk_packet(parser_, ++id_, &header, const_cast<std::uint8_t*>(data.data()),
                                    static_cast<int>(data.size()));
    return id_;
  }
  std::uint64_t bulk_in(std::uint32_t length) {
    usb_redir_bulk_packet_header header{0x81, 0, static_cast<std::uint16_t>(length), 0,
                                        static_cast<std::uint16_t>(length >> 16)};
    usbredirparser_send_bulk_packet(parser_, ++id_, &header, nullptr, 0);
    return id_;
  }
  void set_configuration(std::uint8_t value) {
    usb_redir_set_configuration_header header{value};
    usbredirparser_send_set_configuration(parser_, ++id_, &header);
  }
  void cancel(std::uint64_t id) { usbredirparser_send_cancel_data_packet(parser_, id); }

  struct reply {
    std::uint8_t status;
    bytes data;
  };
  bool hello = false;
  std::vector<std::string> events;
  std::uint8_t interface_class = 0;
  std::uint16_t bulk_in_max_packet = 0;
  std::uint16_t vendor = 0;
  int configuration = -1;
  std::map<std::uint64_t, reply> replies;

private:
  usbredirparser* parser_;
  bytes input_, output_;
  std::uint64_t id_ = 0;
};

bytes read10_cbw(std::uint32_t tag, std::uint32_t lba, std::uint16_t blocks) {
  bytes out = {0x55, 0x53, 0x42, 0x43};
  for (int i = 0; i < 4; ++i)
    out.push_back(static_cast<std::uint8_t>(tag >> (8 * i)));
  std::uint32_t length = blocks * 512u;
  for (int i = 0; i < 4; ++i)
    out.push_back(static_cast<std::uint8_t>(length >> (8 * i)));
  bytes rest = {0x80, 0, 10, 0x28, 0, static_cast<std::uint8_t>(lba >> 24), static_cast<std::uint8_t>(lba >> 16),
                static_cast<std::uint8_t>(lba >> 8), static_cast<std::uint8_t>(lba), 0,
                static_cast<std::uint8_t>(blocks >> 8), static_cast<std::uint8_t>(blocks), 0};
  out.insert(out.end(), rest.begin(), rest.end());
  out.resize(31, 0);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(usbredir_disk_device)

BOOST_AUTO_TEST_CASE(after_the_hello_the_device_announces_interfaces_then_endpoints_then_connects) {
  vigil::test::memory_block_store store(1 << 20);
  usbredir_disk disk(store, {});
  guest_side guest;
  guest.exchange(disk);
  BOOST_TEST(guest.hello);
  BOOST_TEST(disk.counters().peer_hello);
  BOOST_TEST(disk.counters().peer_version == "test guest");
  BOOST_REQUIRE_EQUAL(guest.events.size(), 3u);
  BOOST_TEST(guest.events[0] == "interface_info");
  BOOST_TEST(guest.events[1] == "ep_info");
  BOOST_TEST(guest.events[2] == "device_connect");
  BOOST_TEST(guest.interface_class == 0x08);
  BOOST_TEST(guest.bulk_in_max_packet == 512);
  BOOST_TEST(guest.vendor == 0x1209);
}

BOOST_AUTO_TEST_CASE(descriptors_describe_a_bulk_only_mass_storage_device) {
  vigil::test::memory_block_store store(1 << 20);
  usbredir_disk disk(store, {});
  guest_side guest;
  guest.exchange(disk);
  auto device = guest.control_in(0x80, 6, 0x0100, 18);
  auto config = guest.control_in(0x80, 6, 0x0200, 255);
  auto bos = guest.control_in(0x80, 6, 0x0F00, 5);
  guest.set_configuration(1);
  guest.exchange(disk);
  BOOST_REQUIRE(guest.replies.count(device));
  BOOST_TEST(guest.replies[device].data.size() == 18u);
  BOOST_TEST(guest.replies[device].data[1] == 1);
  auto& cfg = guest.replies[config].data;
  BOOST_REQUIRE_EQUAL(cfg.size(), 32u);
  BOOST_TEST(cfg[9 + 5] == 0x08);   // interface class
  BOOST_TEST(cfg[9 + 7] == 0x50);   // bulk-only
  BOOST_TEST(guest.replies[bos].status == usb_redir_stall);
  BOOST_TEST(guest.configuration == 1);
}

BOOST_AUTO_TEST_CASE(a_bulk_in_sent_before_its_command_waits_and_is_answered_with_the_blocks) {
  vigil::test::memory_block_store store(1 << 20);
  for (std::size_t i = 0; i < 1024; ++i)
    store.data[512 * 3 + i] = static_cast<std::uint8_t>(i ^ 0x5a);
  usbredir_disk disk(store, {});
  guest_side guest;
  guest.exchange(disk);
  auto early_in = guest.bulk_in(1024);  // pipelined ahead of the CBW
  guest.exchange(disk);
  BOOST_TEST(!guest.replies.count(early_in));
  guest.bulk_out(read10_cbw(1, 3, 2));
  auto status_in = guest.bulk_in(13);
  guest.exchange(disk);
  BOOST_REQUIRE(guest.replies.count(early_in));
  auto& data = guest.replies[early_in].data;
  BOOST_REQUIRE_EQUAL(data.size(), 1024u);
  BOOST_TEST(data[5] == (5 ^ 0x5a));
  BOOST_REQUIRE(guest.replies.count(status_in));
  BOOST_TEST(guest.replies[status_in].data.size() == 13u);
  BOOST_TEST(guest.replies[status_in].data[12] == 0);
}

BOOST_AUTO_TEST_CASE(a_cancelled_transfer_is_answered_as_cancelled) {
  vigil::test::memory_block_store store(1 << 20);
  usbredir_disk disk(store, {});
  guest_side guest;
  guest.exchange(disk);
  auto waiting = guest.bulk_in(512);
  guest.exchange(disk);
  guest.cancel(waiting);
  guest.exchange(disk);
  BOOST_REQUIRE(guest.replies.count(waiting));
  BOOST_TEST(guest.replies[waiting].status == usb_redir_cancelled);
  BOOST_TEST(disk.counters().cancelled == 1u);
}

BOOST_AUTO_TEST_CASE(unplug_sends_device_disconnect) {
  vigil::test::memory_block_store store(1 << 20);
  usbredir_disk disk(store, {});
  guest_side guest;
  guest.exchange(disk);
  disk.unplug();
  guest.exchange(disk);
  BOOST_TEST(guest.events.back() == "device_disconnect");
  BOOST_TEST(!disk.counters().connected);
}

BOOST_AUTO_TEST_CASE(a_stream_of_unknown_packets_is_an_error_not_a_crash) {
  vigil::test::memory_block_store store(1 << 20);
  usbredir_disk disk(store, {});
  // Headers (type, length, 32-bit id before the hellos) of a packet type usbredir does not have.
  bytes garbage;
  for (int i = 0; i < 64; ++i)
    garbage.insert(garbage.end(), {0x77, 0x77, 0, 0, 0, 0, 0, 0, static_cast<std::uint8_t>(i), 0, 0, 0});
  auto error = disk.feed(garbage.data(), garbage.size());
  BOOST_REQUIRE(error.has_value());
  BOOST_TEST(error->message.find("did not parse") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
