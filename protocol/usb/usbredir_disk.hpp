// The virtual USB disk on the wire: the usb-host side of a usbredir stream
// (what a SPICE usbredir channel carries in SPICEVMC_DATA) presenting one
// high-speed mass-storage device whose BOT/SCSI logic is `bot_device`.
//
// libusbredirparser does the usbredir framing both ways; this class answers
// what QEMU's usb-redir (the usb-guest side) asks: after the hello it
// announces interface_info, ep_info and device_connect (QEMU wants the
// interface info first), answers configuration and alternate-setting
// requests, the standard control requests (descriptors, status, clear
// halt) and the two BOT class requests, and moves bulk transfers to and
// from the mass-storage device. A bulk IN transfer the device cannot answer
// yet waits in a bounded queue (the guest's driver queues at most a few).
//
// Our hello announces ep_info_max_packet_size, 32bits_bulk_length and
// 64bits_ids, without which QEMU refuses a device on an xHCI controller.
//
// Pure: bytes in (`feed`), bytes out (`take_output`), no I/O but the block
// store's calls.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include "protocol/result.hpp"
#include "protocol/usb/mass_storage.hpp"

struct usbredirparser;

namespace vigil::protocol::usb {

struct usb_disk_options {
  bool read_only = false;
  std::uint16_t vendor_id = 0x1209;   // pid.codes
  std::uint16_t product_id = 0x0001;  // pid.codes' test PID
  disk_identity identity;
  std::size_t max_pending_in = 16;    // bulk IN transfers waiting for data
  std::size_t max_parse_errors = 16;  // then the stream is given up as garbage
};

struct usbredir_disk_counters {
  std::string peer_version;           // from the guest side's hello
  bool peer_hello = false;
  bool connected = false;             // device_connect sent, not unplugged since
  bool rejected = false;              // the guest side's filter refused the device
  std::uint8_t configuration = 0;
  std::uint64_t control_transfers = 0;
  std::uint64_t stalled_control_transfers = 0;
  std::uint64_t bulk_transfers = 0;
  std::uint64_t cancelled = 0;
  std::uint64_t parse_errors = 0;
  std::uint64_t device_resets = 0;
};

class usbredir_disk {
public:
  usbredir_disk(block_store& store, usb_disk_options options);
  ~usbredir_disk();
  usbredir_disk(const usbredir_disk&) = delete;
  usbredir_disk& operator=(const usbredir_disk&) = delete;

  // Bytes from the usb-guest side, in any split. An error (the stream is
  // not usbredir, or a pending-transfer bound was broken) means the peer
  // cannot be served: the caller ends the connection.
  std::optional<parse_error> feed(const std::uint8_t* data, std::size_t size);
  // Everything to send to the usb-guest side since the last call (our
  // hello first, from construction).
  bytes take_output();
  // Hot-unplug: tells the guest the device is gone (device_disconnect).
  void unplug();

  const usbredir_disk_counters& counters() const { return counters_; }
  const bot_device& storage() const { return bot_; }

private:
  struct pending_in {
    std::uint64_t id;
    std::uint8_t endpoint;
    std::uint32_t length;
  };
  struct callbacks;
  friend struct callbacks;

  void announce_device();
  void on_control(std::uint64_t id, const void* header, const std::uint8_t* data, int data_length);
  void on_bulk(std::uint64_t id, const void* header, const std::uint8_t* data, int data_length);
  void serve_pending_in();
  void reply_bulk(std::uint64_t id, std::uint8_t endpoint, std::uint8_t status, const bytes& data);
  bytes descriptor(std::uint8_t type, std::uint8_t index) const;

  usb_disk_options options_;
  bot_device bot_;
  usbredirparser* parser_ = nullptr;
  usbredir_disk_counters counters_;
  std::deque<pending_in> pending_in_;
  std::string error_;  // set by a callback; reported by feed

  const std::uint8_t* input_ = nullptr;  // what feed() is handing the parser
  std::size_t input_left_ = 0;
  bytes output_;
};

}  // namespace vigil::protocol::usb
