// Fuzzes the virtual USB disk: the usbredir stream a guest side sends
// (protocol/usb/usbredir_disk.hpp, libusbredirparser underneath) and the
// BOT/SCSI device behind it (protocol/usb/mass_storage.hpp).
//
// Input: one config byte, then the rest.
//   bit 0: read-only disk
//   bit 1: BOT mode: the rest is a list of operations on bot_device
//          directly (op byte: 0 bulk OUT of the next n bytes, 1 bulk IN of
//          n bytes, 2 reset, 3 clear halt), so the fuzzer reaches SCSI
//          without having to learn usbredir framing first
//   bit 2: (usbredir mode) prepend a valid guest hello
//   bits 3-7: piece size seed for feeding the stream
// Checks: no crash or sanitizer report; output only follows input; the store
// is never touched outside its size; a read-only disk is never written.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include <usbredirparser.h>

#include "fuzz_check.hpp"
#include "protocol/usb/usbredir_disk.hpp"

using namespace vigil::protocol;
using namespace vigil::protocol::usb;

namespace {

class checked_store : public block_store {
public:
  explicit checked_store(bool read_only) : data_(64 * 1024, 0x5a), read_only_(read_only) {}
  std::uint64_t size_bytes() const override { return data_.size(); }
  bool read(std::uint64_t offset, std::uint8_t* out, std::size_t size) override {
    FUZZ_CHECK(offset <= data_.size() && size <= data_.size() - offset);
    std::memcpy(out, data_.data() + offset, size);
    return true;
  }
  bool write(std::uint64_t offset, const std::uint8_t* in, std::size_t size) override {
    FUZZ_CHECK(!read_only_);
    FUZZ_CHECK(offset <= data_.size() && size <= data_.size() - offset);
    std::memcpy(data_.data() + offset, in, size);
    return true;
  }
  bool flush() override { return true; }

private:
  std::vector<std::uint8_t> data_;
  bool read_only_;
};

// A guest side's hello, as QEMU would send it.
const bytes& guest_hello() {
  static const bytes hello = [] {
    bytes out;
    auto* parser = usbredirparser_create();
    parser->priv = &out;
    parser->log_func = [](void*, int, const char*) {};
    parser->write_func = [](void* priv, std::uint8_t* data, int count) {
      auto& sink = *static_cast<bytes*>(priv);
      sink.insert(sink.end(), data, data + count);
      return count;
    };
    std::uint32_t caps[USB_REDIR_CAPS_SIZE] = {};
    for (int cap : {usb_redir_cap_connect_device_version, usb_redir_cap_filter, usb_redir_cap_ep_info_max_packet_size,
                    usb_redir_cap_64bits_ids, usb_redir_cap_32bits_bulk_length})
      usbredirparser_caps_set_cap(caps, cap);
    usbredirparser_init(parser, "fuzz guest", caps, USB_REDIR_CAPS_SIZE, 0);
    usbredirparser_do_write(parser);
    usbredirparser_destroy(parser);
    return out;
  }();
  return hello;
}

void fuzz_bot(bool read_only, const std::uint8_t* data, std::size_t size) {
  checked_store store(read_only);
  bot_device device(store, read_only);
  std::size_t at = 0;
  while (at + 3 <= size) {
    std::uint8_t op = data[at] & 3;
    std::size_t n = data[at + 1] | data[at + 2] << 8;
    at += 3;
    switch (op) {
      case 0: {
        n = std::min(n, size - at);
        device.bulk_out(data + at, n);
        at += n;
        break;
      }
      case 1:
        if (auto reply = device.bulk_in(n))
          FUZZ_CHECK(reply->data.size() <= n);
        break;
      case 2: device.reset(); break;
      case 3: device.clear_halt(n & 1); break;
    }
  }
  FUZZ_CHECK(device.counters().bytes_written <= device.counters().commands * (64 * 1024ull));
}

void fuzz_usbredir(bool read_only, bool hello, unsigned piece_seed, const std::uint8_t* data, std::size_t size) {
  checked_store store(read_only);
  usbredir_disk disk(store, usb_disk_options{read_only});
  FUZZ_CHECK(!disk.take_output().empty());  // our hello
  if (hello)
    FUZZ_CHECK(!disk.feed(guest_hello().data(), guest_hello().size()));
  std::size_t piece = 1 + piece_seed * 37;
  for (std::size_t at = 0; at < size; at += piece) {
    std::size_t n = std::min(piece, size - at);
    if (disk.feed(data + at, n))
      break;  // the channel would end here
    disk.take_output();
  }
  FUZZ_CHECK(disk.counters().bulk_transfers <= size);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1)
    return 0;
  std::uint8_t config = data[0];
  bool read_only = config & 1;
  if (config & 2)
    fuzz_bot(read_only, data + 1, size - 1);
  else
    fuzz_usbredir(read_only, config & 4, config >> 3, data + 1, size - 1);
  return 0;
}
