// USB mass storage as a device: the bulk-only transport (BOT) carrying SCSI
// block commands, the pure half of the virtual USB disk (--usb-disk).
//
// The host (the guest's usb-storage driver) sends a 31-byte command block
// wrapper (CBW) on the bulk OUT endpoint, then data OUT or IN as the command
// says, then reads a 13-byte command status wrapper (CSW) on bulk IN.
// `bot_device` is that state machine plus the SCSI commands a Linux or
// Windows host sends to a removable disk. Blocks come from a `block_store`
// the caller provides (a file for the real disk, memory in the tests), so
// this file does no I/O of its own. Data is read from the store one IN
// transfer at a time and written one OUT transfer at a time: a 32 MB READ
// never holds more than one transfer in memory.
//
// Read-only disks report write protect in MODE SENSE (the host mounts them
// read-only) and fail every WRITE with DATA PROTECT / WRITE PROTECTED.
// SYNCHRONIZE CACHE flushes the store (fsync for a file), and the caching
// mode page announces a write-back cache so hosts send it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "protocol/result.hpp"

namespace vigil::protocol::usb {

// Where the disk's bytes live. Calls are synchronous: the caller runs the
// device where blocking on them is allowed.
class block_store {
public:
  virtual ~block_store() = default;
  virtual std::uint64_t size_bytes() const = 0;
  // false: an I/O error, reported to the host as MEDIUM ERROR.
  virtual bool read(std::uint64_t offset, std::uint8_t* out, std::size_t size) = 0;
  virtual bool write(std::uint64_t offset, const std::uint8_t* data, std::size_t size) = 0;
  virtual bool flush() = 0;
};

// What INQUIRY reports (padded or cut to SCSI's fixed widths).
struct disk_identity {
  std::string vendor = "Vigil";         // 8 characters
  std::string product = "Virtual Disk";  // 16
  std::string revision = "1.0";          // 4
  std::string serial = "000000000001";   // VPD page 0x80
};

struct scsi_sense {
  std::uint8_t key = 0;   // 0 no sense, 2 not ready, 3 medium error, 5 illegal request, 7 data protect
  std::uint8_t asc = 0;
  std::uint8_t ascq = 0;
};

struct mass_storage_counters {
  std::uint64_t commands = 0;
  std::uint64_t failed_commands = 0;   // CSW status 1 (the host asks for sense)
  std::uint64_t phase_errors = 0;      // CSW status 2 or an invalid CBW
  std::uint64_t bytes_read = 0;        // data sent to the host from the store
  std::uint64_t bytes_written = 0;     // data written to the store
  std::uint64_t flushes = 0;           // SYNCHRONIZE CACHE
  std::uint64_t refused_writes = 0;    // WRITEs to a read-only disk
  std::uint64_t resets = 0;            // Bulk-Only Mass Storage Resets
};

enum class transfer_status { ok, stall };

struct bulk_in_reply {
  transfer_status status = transfer_status::ok;
  bytes data;
};

class bot_device {
public:
  static constexpr std::uint32_t block_size = 512;
  static constexpr std::size_t cbw_size = 31;
  static constexpr std::size_t csw_size = 13;

  bot_device(block_store& store, bool read_only, disk_identity identity = {});

  // One bulk OUT transfer from the host (a CBW or command data). `stall`: the
  // OUT endpoint is halted (an invalid CBW; a reset is needed).
  transfer_status bulk_out(const std::uint8_t* data, std::size_t size);
  // One bulk IN transfer of at most `max` bytes. nullopt: nothing to send
  // yet (no command is running): the host's transfer waits for one.
  std::optional<bulk_in_reply> bulk_in(std::size_t max);
  // Class request 0xFF: back to waiting for a CBW; halts stay until cleared.
  void reset();
  // CLEAR_FEATURE(ENDPOINT_HALT). After an invalid CBW both endpoints stay
  // halted until a reset (BOT 6.6.1), as the host's reset recovery expects.
  void clear_halt(bool in_endpoint);
  bool halted(bool in_endpoint) const { return in_endpoint ? in_halted_ : out_halted_; }

  bool read_only() const { return read_only_; }
  std::uint64_t blocks() const { return blocks_; }
  const mass_storage_counters& counters() const { return counters_; }

private:
  enum class phase { command, data_in, data_out, status };
  enum class data_source { none, buffer, store };

  void run_command(const std::uint8_t* cbw);
  // Sets up the command's data (a buffer or a store range), or fails it
  // with its sense.
  void scsi(const std::uint8_t* cdb, std::size_t cdb_length);
  void respond(bytes data, std::size_t allocation_length);
  void read_blocks(std::uint64_t lba, std::uint64_t count);
  void write_blocks(std::uint64_t lba, std::uint64_t count);
  bool range_ok(std::uint64_t lba, std::uint64_t count);
  void fail(std::uint8_t key, std::uint8_t asc, std::uint8_t ascq = 0);
  bytes inquiry(const std::uint8_t* cdb);
  bytes mode_sense(bool ten_byte, std::uint8_t page);
  bytes csw();
  void invalid_cbw();

  block_store& store_;
  bool read_only_;
  disk_identity identity_;
  std::uint64_t blocks_;
  mass_storage_counters counters_;

  phase phase_ = phase::command;
  bool in_halted_ = false;
  bool out_halted_ = false;
  bool needs_reset_ = false;
  scsi_sense sense_;  // of the last failed command, for REQUEST SENSE

  // The command being run.
  std::uint32_t tag_ = 0;
  std::uint32_t host_length_ = 0;     // dCBWDataTransferLength
  bool host_in_ = false;              // bmCBWFlags direction
  std::uint8_t status_ = 0;           // CSW status: 0 passed, 1 failed, 2 phase error
  data_source source_ = data_source::none;
  bool device_in_ = false;            // the command's data direction
  bytes buffer_;                      // a small response (INQUIRY, sense, ...)
  std::uint64_t store_offset_ = 0;    // READ/WRITE: next byte in the store
  std::uint64_t device_length_ = 0;   // bytes the command moves
  std::uint64_t device_done_ = 0;
  std::uint64_t host_done_ = 0;
  bool write_failed_ = false;
};

}  // namespace vigil::protocol::usb
