#include "protocol/usb/mass_storage.hpp"

#include <algorithm>

namespace vigil::protocol::usb {

namespace {

constexpr std::uint32_t cbw_signature = 0x43425355;  // "USBC"
constexpr std::uint32_t csw_signature = 0x53425355;  // "USBS"

// Sense keys and additional sense codes (SPC-4, annex D).
constexpr std::uint8_t medium_error = 0x03;
constexpr std::uint8_t illegal_request = 0x05;
constexpr std::uint8_t data_protect = 0x07;
constexpr std::uint8_t asc_write_error = 0x0C;
constexpr std::uint8_t asc_unrecovered_read_error = 0x11;
constexpr std::uint8_t asc_invalid_opcode = 0x20;
constexpr std::uint8_t asc_lba_out_of_range = 0x21;
constexpr std::uint8_t asc_invalid_field_in_cdb = 0x24;
constexpr std::uint8_t asc_lun_not_supported = 0x25;
constexpr std::uint8_t asc_write_protected = 0x27;

std::uint32_t le32(const std::uint8_t* p) {
  return p[0] | p[1] << 8 | p[2] << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}
std::uint16_t be16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }
std::uint32_t be32(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) << 24 | p[1] << 16 | p[2] << 8 | p[3];
}
std::uint64_t be64(const std::uint8_t* p) { return static_cast<std::uint64_t>(be32(p)) << 32 | be32(p + 4); }

void put_le32(bytes& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i)
    out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void put_be32(std::uint8_t* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i)
    p[i] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
}
void put_be64(std::uint8_t* p, std::uint64_t v) {
  put_be32(p, static_cast<std::uint32_t>(v >> 32));
  put_be32(p + 4, static_cast<std::uint32_t>(v));
}

// `text` padded with spaces or cut to `width` (INQUIRY's ASCII fields).
void put_text(bytes& out, const std::string& text, std::size_t width) {
  for (std::size_t i = 0; i < width; ++i)
    out.push_back(i < text.size() ? static_cast<std::uint8_t>(text[i]) : ' ');
}

// The CDB length an opcode's group needs (SAM: the top three bits).
std::size_t cdb_length_of(std::uint8_t opcode) {
  switch (opcode >> 5) {
    case 0: return 6;
    case 1: case 2: return 10;
    case 4: return 16;
    case 5: return 12;
    default: return 6;  // vendor-specific groups: rejected by opcode anyway
  }
}

}  // namespace

bot_device::bot_device(block_store& store, bool read_only, disk_identity identity)
    : store_(store), read_only_(read_only), identity_(std::move(identity)),
      blocks_(store.size_bytes() / block_size) {}

transfer_status bot_device::bulk_out(const std::uint8_t* data, std::size_t size) {
  if (out_halted_)
    return transfer_status::stall;
  if (phase_ != phase::data_out) {
    // A CBW. One arriving instead of a data-in or status read means the host
    // gave up on the last command: the new one replaces it.
    if (size != cbw_size || le32(data) != cbw_signature) {
      invalid_cbw();
      return transfer_status::stall;
    }
    run_command(data);
    return transfer_status::ok;
  }
  std::uint64_t take = std::min<std::uint64_t>(size, host_length_ - host_done_);
  if (source_ == data_source::store && !write_failed_) {
    std::uint64_t useful = std::min<std::uint64_t>(take, device_length_ - device_done_);
    if (useful > 0) {
      if (store_.write(store_offset_ + device_done_, data, static_cast<std::size_t>(useful))) {
        device_done_ += useful;
        counters_.bytes_written += useful;
      } else {
        write_failed_ = true;
        fail(medium_error, asc_write_error);
      }
    }
  }
  host_done_ += take;
  if (host_done_ >= host_length_)
    phase_ = phase::status;
  return transfer_status::ok;
}

std::optional<bulk_in_reply> bot_device::bulk_in(std::size_t max) {
  if (in_halted_)
    return bulk_in_reply{transfer_status::stall, {}};
  switch (phase_) {
    case phase::command:
      return std::nullopt;
    case phase::data_out:
      // A status read queued ahead of the data it follows: it waits.
      return std::nullopt;
    case phase::status:
      if (max < csw_size) {
        in_halted_ = true;
        return bulk_in_reply{transfer_status::stall, {}};
      }
      phase_ = phase::command;
      return bulk_in_reply{transfer_status::ok, csw()};
    case phase::data_in:
      break;
  }
  std::uint64_t want = std::min<std::uint64_t>(max, host_length_ - host_done_);
  std::uint64_t count = std::min<std::uint64_t>(want, device_length_ - device_done_);
  bulk_in_reply reply;
  if (source_ == data_source::buffer) {
    auto from = buffer_.begin() + static_cast<std::ptrdiff_t>(device_done_);
    reply.data.assign(from, from + static_cast<std::ptrdiff_t>(count));
  } else if (source_ == data_source::store && count > 0) {
    reply.data.resize(static_cast<std::size_t>(count));
    if (store_.read(store_offset_ + device_done_, reply.data.data(), reply.data.size())) {
      counters_.bytes_read += count;
    } else {
      reply.data.clear();
      count = 0;
      fail(medium_error, asc_unrecovered_read_error);
    }
  }
  device_done_ += count;
  host_done_ += count;
  // A short transfer ends the host's data stage, as does the last byte it asked for.
  if (count < max || host_done_ >= host_length_)
    phase_ = phase::status;
  return reply;
}

void bot_device::reset() {
  ++counters_.resets;
  phase_ = phase::command;
  needs_reset_ = false;
}

void bot_device::clear_halt(bool in_endpoint) {
  if (needs_reset_)
    return;
  (in_endpoint ? in_halted_ : out_halted_) = false;
}

void bot_device::invalid_cbw() {
  ++counters_.phase_errors;
  in_halted_ = out_halted_ = true;
  needs_reset_ = true;
  phase_ = phase::command;
}

void bot_device::run_command(const std::uint8_t* cbw) {
  phase_ = phase::command;
  tag_ = le32(cbw + 4);
  host_length_ = le32(cbw + 8);
  host_in_ = (cbw[12] & 0x80) != 0;
  std::uint8_t lun = cbw[13] & 0x0f;
  std::size_t cdb_length = cbw[14] & 0x1f;
  status_ = 0;
  source_ = data_source::none;
  device_in_ = false;
  buffer_.clear();
  store_offset_ = device_length_ = device_done_ = host_done_ = 0;
  write_failed_ = false;
  ++counters_.commands;

  if (lun != 0)
    fail(illegal_request, asc_lun_not_supported);
  else if (cdb_length == 0 || cdb_length > 16)
    fail(illegal_request, asc_invalid_field_in_cdb);
  else
    scsi(cbw + 15, cdb_length);

  // Compare what the host expects with what the command moves (BOT's
  // thirteen cases, 6.7): a mismatch in direction, or more data than the
  // host allows, is a phase error and moves no data.
  bool mismatch = device_length_ > 0 &&
                  (host_length_ == 0 || host_in_ != device_in_ || device_length_ > host_length_);
  if (mismatch) {
    status_ = 2;
    ++counters_.phase_errors;
    source_ = data_source::none;
    device_length_ = 0;
  }
  if (host_length_ == 0)
    phase_ = phase::status;
  else
    phase_ = host_in_ ? phase::data_in : phase::data_out;
}

void bot_device::fail(std::uint8_t key, std::uint8_t asc, std::uint8_t ascq) {
  if (status_ == 0)
    ++counters_.failed_commands;
  status_ = 1;
  sense_ = scsi_sense{key, asc, ascq};
  if (phase_ != phase::data_in && phase_ != phase::data_out) {
    source_ = data_source::none;
    device_length_ = 0;
    buffer_.clear();
  }
}

void bot_device::respond(bytes data, std::size_t allocation_length) {
  if (data.size() > allocation_length)
    data.resize(allocation_length);
  buffer_ = std::move(data);
  source_ = data_source::buffer;
  device_in_ = true;
  device_length_ = buffer_.size();
}

bool bot_device::range_ok(std::uint64_t lba, std::uint64_t count) {
  if (count <= blocks_ && lba <= blocks_ - count)
    return true;
  fail(illegal_request, asc_lba_out_of_range);
  return false;
}

void bot_device::read_blocks(std::uint64_t lba, std::uint64_t count) {
  if (!range_ok(lba, count))
    return;
  source_ = data_source::store;
  device_in_ = true;
  store_offset_ = lba * block_size;
  device_length_ = count * block_size;
}

void bot_device::write_blocks(std::uint64_t lba, std::uint64_t count) {
  if (read_only_) {
    ++counters_.refused_writes;
    fail(data_protect, asc_write_protected);
    return;
  }
  if (!range_ok(lba, count))
    return;
  source_ = data_source::store;
  device_in_ = false;
  store_offset_ = lba * block_size;
  device_length_ = count * block_size;
}

void bot_device::scsi(const std::uint8_t* cdb, std::size_t cdb_length) {
  std::uint8_t opcode = cdb[0];
  if (cdb_length < cdb_length_of(opcode)) {
    fail(illegal_request, asc_invalid_field_in_cdb);
    return;
  }
  if (opcode != 0x03)
    sense_ = {};
  switch (opcode) {
    case 0x00:  // TEST UNIT READY
    case 0x1B:  // START STOP UNIT
    case 0x1E:  // PREVENT ALLOW MEDIUM REMOVAL
    case 0x2F:  // VERIFY(10): the medium is always readable
      return;
    case 0x03: {  // REQUEST SENSE (fixed format)
      bytes sense(18, 0);
      sense[0] = 0x70;
      sense[2] = sense_.key;
      sense[7] = 10;
      sense[12] = sense_.asc;
      sense[13] = sense_.ascq;
      sense_ = {};
      respond(std::move(sense), cdb[4]);
      return;
    }
    case 0x12: {  // INQUIRY
      auto data = inquiry(cdb);
      if (status_ == 0)
        respond(std::move(data), be16(cdb + 3));
      return;
    }
    case 0x1A: {  // MODE SENSE(6)
      auto data = mode_sense(false, cdb[2]);
      if (status_ == 0)
        respond(std::move(data), cdb[4]);
      return;
    }
    case 0x5A: {  // MODE SENSE(10)
      auto data = mode_sense(true, cdb[2]);
      if (status_ == 0)
        respond(std::move(data), be16(cdb + 7));
      return;
    }
    case 0x23: {  // READ FORMAT CAPACITIES
      bytes data(12, 0);
      data[3] = 8;
      put_be32(data.data() + 4, static_cast<std::uint32_t>(std::min<std::uint64_t>(blocks_, 0xFFFFFFFF)));
      data[8] = 0x02;  // formatted media
      data[10] = block_size >> 8;
      data[11] = block_size & 0xff;
      respond(std::move(data), be16(cdb + 7));
      return;
    }
    case 0x25: {  // READ CAPACITY(10)
      bytes data(8, 0);
      std::uint64_t last = blocks_ == 0 ? 0 : blocks_ - 1;
      put_be32(data.data(), static_cast<std::uint32_t>(std::min<std::uint64_t>(last, 0xFFFFFFFF)));
      put_be32(data.data() + 4, block_size);
      respond(std::move(data), data.size());
      return;
    }
    case 0x9E:  // SERVICE ACTION IN(16): READ CAPACITY(16)
      if ((cdb[1] & 0x1f) != 0x10) {
        fail(illegal_request, asc_invalid_field_in_cdb);
        return;
      } else {
        bytes data(32, 0);
        put_be64(data.data(), blocks_ == 0 ? 0 : blocks_ - 1);
        put_be32(data.data() + 8, block_size);
        respond(std::move(data), be32(cdb + 10));
        return;
      }
    case 0x28: read_blocks(be32(cdb + 2), be16(cdb + 7)); return;   // READ(10)
    case 0xA8: read_blocks(be32(cdb + 2), be32(cdb + 6)); return;   // READ(12)
    case 0x88: read_blocks(be64(cdb + 2), be32(cdb + 10)); return;  // READ(16)
    case 0x2A: write_blocks(be32(cdb + 2), be16(cdb + 7)); return;  // WRITE(10)
    case 0xAA: write_blocks(be32(cdb + 2), be32(cdb + 6)); return;  // WRITE(12)
    case 0x8A: write_blocks(be64(cdb + 2), be32(cdb + 10)); return; // WRITE(16)
    case 0x35:  // SYNCHRONIZE CACHE(10)
    case 0x91:  // SYNCHRONIZE CACHE(16)
      ++counters_.flushes;
      if (!store_.flush())
        fail(medium_error, asc_write_error);
      return;
    default:
      fail(illegal_request, asc_invalid_opcode);
  }
}

bytes bot_device::inquiry(const std::uint8_t* cdb) {
  bool vital_product_data = (cdb[1] & 0x01) != 0;
  std::uint8_t page = cdb[2];
  bytes out;
  if (!vital_product_data) {
    if (page != 0) {
      fail(illegal_request, asc_invalid_field_in_cdb);
      return out;
    }
    out = {0x00, 0x80, 0x04, 0x02, 31, 0, 0, 0};  // disk, removable, SPC-2, response format 2
    put_text(out, identity_.vendor, 8);
    put_text(out, identity_.product, 16);
    put_text(out, identity_.revision, 4);
    return out;
  }
  if (page == 0x00) {
    out = {0x00, 0x00, 0x00, 2, 0x00, 0x80};  // supported pages: this one and the serial number
  } else if (page == 0x80) {
    std::size_t length = std::min<std::size_t>(identity_.serial.size(), 250);
    out = {0x00, 0x80, 0x00, static_cast<std::uint8_t>(length)};
    put_text(out, identity_.serial, length);
  } else {
    fail(illegal_request, asc_invalid_field_in_cdb);
  }
  return out;
}

bytes bot_device::mode_sense(bool ten_byte, std::uint8_t page_byte) {
  std::uint8_t page = page_byte & 0x3f;
  bool changeable = (page_byte >> 6) == 1;
  bytes pages;
  if (page == 0x08 || page == 0x3f) {
    // Caching: write cache enabled (WCE), so hosts send SYNCHRONIZE CACHE;
    // nothing is changeable.
    pages = {0x08, 0x12};
    pages.resize(20, 0);
    if (!changeable)
      pages[2] = 0x04;
  } else if (page != 0x00) {
    fail(illegal_request, asc_invalid_field_in_cdb);
    return {};
  }
  std::uint8_t device_specific = read_only_ ? 0x80 : 0x00;  // WP
  bytes out;
  if (ten_byte) {
    std::size_t length = 8 + pages.size() - 2;
    out = {static_cast<std::uint8_t>(length >> 8), static_cast<std::uint8_t>(length), 0, device_specific, 0, 0, 0, 0};
  } else {
    out = {static_cast<std::uint8_t>(4 + pages.size() - 1), 0, device_specific, 0};
  }
  out.insert(out.end(), pages.begin(), pages.end());
  return out;
}

bytes bot_device::csw() {
  bytes out;
  out.reserve(csw_size);
  put_le32(out, csw_signature);
  put_le32(out, tag_);
  std::uint64_t residue = host_length_ > device_done_ ? host_length_ - device_done_ : 0;
  put_le32(out, static_cast<std::uint32_t>(residue));
  out.push_back(status_);
  return out;
}

}  // namespace vigil::protocol::usb
