// Process exit codes, documented in README.md and docs/operations.md.
#pragma once

namespace vigil::exit_codes {

constexpr int ok = 0;                // ran for --duration with the session up, or ended on request
constexpr int usage_error = 1;       // bad command line, URI, config or password file
constexpr int connect_failed = 2;    // refused, unreachable, TLS or certificate failure, link refused
constexpr int auth_failed = 3;       // wrong password
constexpr int session_lost = 4;      // the session was up and then dropped
constexpr int protocol_error = 5;    // the server sent something we could not parse
constexpr int recovered = 6;         // up at the end of --duration, but only after reconnecting

}  // namespace vigil::exit_codes
