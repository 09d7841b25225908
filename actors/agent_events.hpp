// What the window exchanges with the guest's vdagent, which lives in main
// (actors/main_agent.hpp).
//
// window -> guest: (agent_atom, agent_command), straight to the current main
// channel: main announces itself to the frontend once it is up
// ((agent_channel_atom, agent_actor), actors/frontend.hpp), before the other
// channels, because the agent speaks right after INIT and the window answers
// at once. The window's edge to main is bounded with the fault policy
// (edge_ids::window_agent, acknowledged per command); with no main channel
// the command is dropped: a grab belongs to one session. Inside main the
// bound is the outgoing agent queue (agent.max_queued_bytes): past it a
// message is refused, counted and logged, never waited for.
//
// guest -> window: (agent_event_atom, agent_event), from main straight to the
// frontend over a fault-policy bounded edge of 16 (edge_ids::agent_events;
// clipboard data must not be lost silently): a frontend that stops reading
// costs a refusal in the health snapshot, never a wait.
//
// `selection` is VD_AGENT_CLIPBOARD_SELECTION_* (0 CLIPBOARD, 1 PRIMARY),
// `type` and `types` VD_AGENT_CLIPBOARD_* (1 UTF-8 text, 2 PNG, 3 BMP, ...).
// Clipboard text is UTF-8 with "\n" line ends both ways (main converts for
// guests that announced CRLF).
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

namespace vigil {

using agent_atom = caf::atom_constant<caf::atom("agent")>;
using agent_event_atom = caf::atom_constant<caf::atom("agentevent")>;
// Either side owns the selection now, offering these types (another local X
// client copied, or the guest did).
struct clipboard_grab {
  std::uint8_t selection = 0;
  std::vector<std::uint32_t> types;
};
// That side's data is gone.
struct clipboard_release {
  std::uint8_t selection = 0;
};
// Send me your data of this type.
struct clipboard_request {
  std::uint8_t selection = 0;
  std::uint32_t type = 0;
};
// The data, as asked (empty: nothing to give).
struct clipboard_data {
  std::uint8_t selection = 0;
  std::uint32_t type = 0;
  std::string data;
};
// window -> guest: send this local file to the guest's agent.
struct file_send {
  std::string path;
};
// window -> guest: stop sending transfer `id`.
struct file_cancel {
  std::uint32_t id = 0;
};
// One guest head as the window asks for it: its id (the index in the
// agent's monitors array), position and size.
struct monitor_placement {
  std::uint32_t id = 0;
  std::int32_t x = 0;
  std::int32_t y = 0;
  std::uint32_t width = 0;
  std::uint32_t height = 0;
};
// window -> guest: every head's size and position (the window was resized).
struct monitors_config {
  std::vector<monitor_placement> heads;
};
// guest -> window: a file transfer started, moved on or ended. `outcome`:
// "saved in the guest" or what went wrong; id 0: refused before it started.
struct file_progress {
  std::uint32_t id = 0;
  std::string name;
  std::uint64_t sent = 0;
  std::uint64_t size = 0;
  bool finished = false;
  std::string outcome;
};
// guest -> window: the agent came or went, or said whether it takes MONITORS_CONFIG.
struct agent_state {
  bool connected = false;
  bool monitors_config = false;
};

using agent_command = std::variant<clipboard_grab, clipboard_release, clipboard_request, clipboard_data, file_send,
                                   file_cancel, monitors_config>;
using agent_event = std::variant<clipboard_grab, clipboard_release, clipboard_request, clipboard_data, file_progress,
                                 agent_state>;

// The main channel's agent as the window sees it.
using agent_actor = caf::typed_actor<caf::reacts_to<agent_atom, agent_command>>;

}  // namespace vigil

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::agent_command)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::agent_event)
