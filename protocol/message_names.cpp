// Names for log lines and errors. Built from spice-protocol's own constants so
// a typo cannot silently mislabel a message.
#include <spice/enums.h>

#include <array>
#include <string>

#include "protocol/common_messages.hpp"

namespace vigil::protocol {
namespace {

struct named_message {
  std::uint16_t type;
  const char* name;
};

// MSG(MAIN_INIT) -> {SPICE_MSG_MAIN_INIT, "MAIN_INIT"}
#define MSG(name) named_message{SPICE_MSG_##name, #name}

constexpr named_message common_messages[] = {
    MSG(MIGRATE), MSG(MIGRATE_DATA), MSG(SET_ACK), MSG(PING),
    MSG(WAIT_FOR_CHANNELS), MSG(DISCONNECTING), MSG(NOTIFY), MSG(LIST),
};

constexpr named_message main_messages[] = {
    MSG(MAIN_MIGRATE_BEGIN), MSG(MAIN_MIGRATE_CANCEL), MSG(MAIN_INIT),
    MSG(MAIN_CHANNELS_LIST), MSG(MAIN_MOUSE_MODE), MSG(MAIN_MULTI_MEDIA_TIME),
    MSG(MAIN_AGENT_CONNECTED), MSG(MAIN_AGENT_DISCONNECTED), MSG(MAIN_AGENT_DATA),
    MSG(MAIN_AGENT_TOKEN), MSG(MAIN_MIGRATE_SWITCH_HOST), MSG(MAIN_MIGRATE_END),
    MSG(MAIN_NAME), MSG(MAIN_UUID), MSG(MAIN_AGENT_CONNECTED_TOKENS),
    MSG(MAIN_MIGRATE_BEGIN_SEAMLESS), MSG(MAIN_MIGRATE_DST_SEAMLESS_ACK),
    MSG(MAIN_MIGRATE_DST_SEAMLESS_NACK),
};

constexpr named_message display_messages[] = {
    MSG(DISPLAY_MODE), MSG(DISPLAY_MARK), MSG(DISPLAY_RESET), MSG(DISPLAY_COPY_BITS),
    MSG(DISPLAY_INVAL_LIST), MSG(DISPLAY_INVAL_ALL_PIXMAPS), MSG(DISPLAY_INVAL_PALETTE),
    MSG(DISPLAY_INVAL_ALL_PALETTES), MSG(DISPLAY_STREAM_CREATE), MSG(DISPLAY_STREAM_DATA),
    MSG(DISPLAY_STREAM_CLIP), MSG(DISPLAY_STREAM_DESTROY), MSG(DISPLAY_STREAM_DESTROY_ALL),
    MSG(DISPLAY_DRAW_FILL), MSG(DISPLAY_DRAW_OPAQUE), MSG(DISPLAY_DRAW_COPY),
    MSG(DISPLAY_DRAW_BLEND), MSG(DISPLAY_DRAW_BLACKNESS), MSG(DISPLAY_DRAW_WHITENESS),
    MSG(DISPLAY_DRAW_INVERS), MSG(DISPLAY_DRAW_ROP3), MSG(DISPLAY_DRAW_STROKE),
    MSG(DISPLAY_DRAW_TEXT), MSG(DISPLAY_DRAW_TRANSPARENT), MSG(DISPLAY_DRAW_ALPHA_BLEND),
    MSG(DISPLAY_SURFACE_CREATE), MSG(DISPLAY_SURFACE_DESTROY), MSG(DISPLAY_STREAM_DATA_SIZED),
    MSG(DISPLAY_MONITORS_CONFIG), MSG(DISPLAY_DRAW_COMPOSITE),
    MSG(DISPLAY_STREAM_ACTIVATE_REPORT), MSG(DISPLAY_GL_SCANOUT_UNIX), MSG(DISPLAY_GL_DRAW),
    MSG(DISPLAY_QUALITY_INDICATOR),
};

constexpr named_message inputs_messages[] = {
    MSG(INPUTS_INIT), MSG(INPUTS_KEY_MODIFIERS), MSG(INPUTS_MOUSE_MOTION_ACK),
};

constexpr named_message cursor_messages[] = {
    MSG(CURSOR_INIT), MSG(CURSOR_RESET), MSG(CURSOR_SET), MSG(CURSOR_MOVE),
    MSG(CURSOR_HIDE), MSG(CURSOR_TRAIL), MSG(CURSOR_INVAL_ONE), MSG(CURSOR_INVAL_ALL),
};

constexpr named_message playback_messages[] = {
    MSG(PLAYBACK_DATA), MSG(PLAYBACK_MODE), MSG(PLAYBACK_START), MSG(PLAYBACK_STOP),
    MSG(PLAYBACK_VOLUME), MSG(PLAYBACK_MUTE), MSG(PLAYBACK_LATENCY),
};

constexpr named_message record_messages[] = {
    MSG(RECORD_START), MSG(RECORD_STOP), MSG(RECORD_VOLUME), MSG(RECORD_MUTE),
};

constexpr named_message smartcard_messages[] = {MSG(SMARTCARD_DATA)};

// usbredir, webdav and port carry spicevmc data; port adds its own two.
constexpr named_message port_messages[] = {
    MSG(SPICEVMC_DATA), MSG(SPICEVMC_COMPRESSED_DATA), MSG(PORT_INIT), MSG(PORT_EVENT),
};

#undef MSG

template <std::size_t N>
const char* find_name(const named_message (&table)[N], std::uint16_t type) {
  for (const named_message& entry : table)
    if (entry.type == type)
      return entry.name;
  return nullptr;
}

const char* channel_message_name(std::uint8_t channel_type, std::uint16_t type) {
  switch (channel_type) {
    case SPICE_CHANNEL_MAIN: return find_name(main_messages, type);
    case SPICE_CHANNEL_DISPLAY: return find_name(display_messages, type);
    case SPICE_CHANNEL_INPUTS: return find_name(inputs_messages, type);
    case SPICE_CHANNEL_CURSOR: return find_name(cursor_messages, type);
    case SPICE_CHANNEL_PLAYBACK: return find_name(playback_messages, type);
    case SPICE_CHANNEL_RECORD: return find_name(record_messages, type);
    case SPICE_CHANNEL_SMARTCARD: return find_name(smartcard_messages, type);
    case SPICE_CHANNEL_USBREDIR:
    case SPICE_CHANNEL_WEBDAV:
    case SPICE_CHANNEL_PORT: return find_name(port_messages, type);
    default: return nullptr;
  }
}

}  // namespace

const char* channel_type_name(std::uint8_t channel_type) {
  switch (channel_type) {
    case SPICE_CHANNEL_MAIN: return "main";
    case SPICE_CHANNEL_DISPLAY: return "display";
    case SPICE_CHANNEL_INPUTS: return "inputs";
    case SPICE_CHANNEL_CURSOR: return "cursor";
    case SPICE_CHANNEL_PLAYBACK: return "playback";
    case SPICE_CHANNEL_RECORD: return "record";
    case SPICE_CHANNEL_TUNNEL: return "tunnel";
    case SPICE_CHANNEL_SMARTCARD: return "smartcard";
    case SPICE_CHANNEL_USBREDIR: return "usbredir";
    case SPICE_CHANNEL_PORT: return "port";
    case SPICE_CHANNEL_WEBDAV: return "webdav";
    default: break;
  }
  // Stable storage for the returned pointer; built once, thread-safely.
  static const std::array<std::string, 256> unknown_names = [] {
    std::array<std::string, 256> names;
    for (std::size_t i = 0; i < names.size(); ++i)
      names[i] = "channel-" + std::to_string(i);
    return names;
  }();
  return unknown_names[channel_type].c_str();
}

std::string message_type_name(std::uint8_t channel_type, std::uint16_t message_type) {
  const char* name = message_type < SPICE_MSG_BASE_LAST
                         ? find_name(common_messages, message_type)
                         : channel_message_name(channel_type, message_type);
  return name != nullptr ? name : "type-" + std::to_string(message_type);
}

}  // namespace vigil::protocol
