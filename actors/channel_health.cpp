#include "actors/channel_health.hpp"

namespace vigil {

const char* to_string(channel_state state) {
  switch (state) {
    case channel_state::connecting: return "connecting";
    case channel_state::linking: return "linking";
    case channel_state::up: return "up";
    case channel_state::closed: return "closed";
    case channel_state::failed: return "failed";
  }
  return "unknown";
}

const char* to_string(failure_kind kind) {
  switch (kind) {
    case failure_kind::connect_failed: return "connect_failed";
    case failure_kind::tls_failed: return "tls_failed";
    case failure_kind::auth_failed: return "auth_failed";
    case failure_kind::link_refused: return "link_refused";
    case failure_kind::protocol_error: return "protocol_error";
    case failure_kind::connection_lost: return "connection_lost";
    case failure_kind::link_timeout: return "link_timeout";
    case failure_kind::stuck: return "stuck";
    case failure_kind::mailbox_over_bound: return "mailbox_over_bound";
    case failure_kind::server_silent: return "server_silent";
    case failure_kind::edge_overflow: return "edge_overflow";
    case failure_kind::memory_budget: return "memory_budget";
    case failure_kind::protocol_violation: return "protocol_violation";
  }
  return "unknown";
}

bool is_permanent(failure_kind kind) {
  return kind == failure_kind::auth_failed || kind == failure_kind::tls_failed;
}

}  // namespace vigil
