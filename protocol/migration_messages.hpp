// Live migration messages (spice.proto): where the main channel is told to
// go, and the common MIGRATE that announces a channel's data transfer. Pure;
// every field a server sends is checked here, so a bogus host, port or
// certificate subject is refused with a message naming it, before anything
// would dial it.
//
//   DstInfo        {u16 port, u16 sport, u32 host_size, u32 host_data offset,
//                   u32 cert_subject_size, u32 cert_subject_data offset}
//                  host and subject are NUL-terminated; sizes count the NUL;
//                  a subject offset of 0 means none; a port of 0xFFFF is
//                  spice-server's -1 (QEMU was given no such port), read as 0
//   MAIN_MIGRATE_BEGIN            {DstInfo}
//   MAIN_MIGRATE_BEGIN_SEAMLESS   {DstInfo, u32 src_mig_version}
//   MAIN_MIGRATE_SWITCH_HOST      {the DstInfo fields}
//   MIGRATE (common)              {u32 flags: NEED_FLUSH 1, NEED_DATA_TRANSFER 2}
#pragma once

#include <cstdint>
#include <string>

#include "protocol/result.hpp"

namespace vigil::protocol {

// Where a migration sends the client.
struct migration_target {
  std::string host;          // a host name or IP literal (checked: no spaces, controls or NULs)
  std::uint16_t port = 0;    // plain port; 0: none (also when the server sent 0xFFFF)
  std::uint16_t tls_port = 0;  // "sport"; 0: none (idem)
  std::string cert_subject;  // the destination certificate's expected subject; empty: check the host name
};

struct migrate_begin_seamless {
  migration_target target;
  std::uint32_t source_version = 0;  // echoed in MIGRATE_DST_DO_SEAMLESS
};

constexpr std::size_t max_migration_host = 255;
constexpr std::size_t max_migration_subject = 1024;

result<migration_target> parse_migrate_begin(const bytes& body);
result<migrate_begin_seamless> parse_migrate_begin_seamless(const bytes& body);
result<migration_target> parse_migrate_switch_host(const bytes& body);

// The common MIGRATE: flags within SPICE_MIGRATE_FLAGS_MASK.
result<std::uint32_t> parse_migrate_flags(const bytes& body);

// MAIN_MIGRATE_DST_DO_SEAMLESS {u32 src_version}.
bytes build_migrate_dst_do_seamless(std::uint32_t source_version);

}  // namespace vigil::protocol
