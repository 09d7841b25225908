// Live migration, as the actors carry it out (docs/architecture.md, "Live
// migration"). The server's messages are parsed in
// protocol/migration_messages.hpp; this is what the main channel, the
// session, the channel supervisor and every channel say to each other about
// them, and where a destination is reached.
//
//   main ──(migrate_begin_atom, migration_begin) -> migration_link──▶ session
//          a request: main answers the server MIGRATE_CONNECTED(_SEAMLESS) or
//          MIGRATE_CONNECT_ERROR with what comes back (or with the error)
//   main ──(migration_atom, migration_notice)──▶ session
//          END, CANCEL, SWITCH_HOST, and "main has moved" (seamless); main's
//          migration phase admits each at most once per migration, and a
//          BEGIN only when no other is being connected: bounded by the protocol
//   session ──(migrate_connect_atom, migration_order) -> migration_link──▶ channel supervisor
//          ──▶ every channel, main first: each links a second connection to
//          the destination and holds it (channel_endpoint)
//   session ──(migrate_switch_atom, connection_settings)──▶ channel supervisor ──▶ channels
//          semi-seamless MIGRATE_END: every channel moves to its held link,
//          main last (its source closing drops the others' source connections)
//   session ──(migrate_abort_atom)──▶ channel supervisor ──▶ channels
//          CANCEL or a failed connect: the held links are closed
//   session ──(migrate_done_atom, connection_settings)──▶ channel supervisor
//          seamless: main has moved; each channel moves on its own MIGRATE
//   channel supervisor ──(migrate_release_atom)──▶ main
//          seamless: every channel has moved; main closes its source
//          connection now (spice-server drops the whole client with it)
//   session ──(session_migrated_atom, migration_report)──▶ session supervisor
//          the session is on the destination now (or must relink there:
//          SWITCH_HOST); reconnects go there from now on
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/channel_endpoint.hpp"
#include "protocol/migration_messages.hpp"

namespace vigil {

using migrate_begin_atom = caf::atom_constant<caf::atom("migbegin")>;
using migration_atom = caf::atom_constant<caf::atom("migration")>;
using migrate_connect_atom = caf::atom_constant<caf::atom("migconn")>;
using migrate_switch_atom = caf::atom_constant<caf::atom("migswitch")>;
using migrate_abort_atom = caf::atom_constant<caf::atom("migabort")>;
using migrate_done_atom = caf::atom_constant<caf::atom("migdone")>;
using migrate_release_atom = caf::atom_constant<caf::atom("migrelease")>;
using session_migrated_atom = caf::atom_constant<caf::atom("sessmig")>;

enum class migration_mode { semi_seamless, seamless, switch_host };
const char* to_string(migration_mode mode);

// MIGRATE_BEGIN or MIGRATE_BEGIN_SEAMLESS, checked (main -> session).
struct migration_begin {
  std::uint32_t id = 0;  // main counts its migrations; notices name the one they are about
  protocol::migration_target target;
  bool seamless = false;
  std::uint32_t source_version = 0;  // BEGIN_SEAMLESS's, echoed in MIGRATE_DST_DO_SEAMLESS
};

// What main tells the session besides BEGIN.
enum class migration_step {
  end,         // MIGRATE_END (semi-seamless): move every channel to the destination now
  cancel,      // MIGRATE_CANCEL: stay on the source
  moved,       // seamless: main itself has moved (its MIGRATE_DATA went to the destination)
  switch_host  // SWITCH_HOST: the destination could not be prepared; relink there from scratch
};
const char* to_string(migration_step step);

struct migration_notice {
  std::uint32_t id = 0;
  migration_step step = migration_step::cancel;
  protocol::migration_target target;  // switch_host only
};

// Where every channel links its second connection (session -> channel supervisor -> channels).
struct migration_order {
  connection_settings destination;
  std::uint32_t connection_id = 0;  // the session's id (INIT): the destination expects it on every link
  bool seamless = false;
  std::uint32_t source_version = 0;
};

// A destination link's outcome: one channel's, or (from the channel
// supervisor) all of them. `seamless`: main's destination acknowledged
// MIGRATE_DST_DO_SEAMLESS.
struct migration_link {
  bool linked = false;
  bool seamless = false;
  std::string error;  // why not, naming the channel
};

struct migration_report {
  connection_settings destination;
  std::string where;  // describe_destination(destination)
  migration_mode mode = migration_mode::semi_seamless;
};

// The session as the main channel sees it during a migration.
using migration_coordinator = caf::typed_actor<caf::replies_to<migrate_begin_atom, migration_begin>::with<migration_link>,
                                               caf::reacts_to<migration_atom, migration_notice>>;

// The connection a session migrates to: the destination's host and ports,
// the source's CA, password, user name and proxy; the destination's
// certificate checked against the subject the server sent (or, without one,
// against the destination's host name, as remote-viewer does). A session
// that used TLS uses the destination's TLS port; one that had a plain port
// (or a Unix socket) may use the destination's plain port. Nothing when the
// destination offers no port this session can use: `error` says why.
std::optional<connection_settings> migration_destination(const connection_settings& source,
                                                         const protocol::migration_target& target, std::string& error);

// "127.0.0.1:5931 (TLS)", "dst.example:5930", for logs and the snapshot.
std::string describe_destination(const connection_settings& destination);

}  // namespace vigil

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::migration_begin)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::migration_notice)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::migration_order)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::migration_link)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::migration_report)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::connection_settings)
