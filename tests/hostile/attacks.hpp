// The messages of vigil-hostile-server's attacks (security review 2026-12,
// issue 13): message bodies a hostile SPICE server sends, built byte by byte.
// Every builder returns one body (no header); attack_names() lists the
// scenarios the server plays.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/result.hpp"

namespace vigil::hostile {

using protocol::bytes;

// "surface-flood", "bomb-quic", ...: every scenario, for --help and the tests.
const std::vector<std::string>& scenario_names();

// Main channel.
bytes main_init(std::uint32_t session_id, bool agent_connected);
bytes channels_list(const std::vector<std::pair<std::uint8_t, std::uint8_t>>& channels);
bytes ping(std::uint32_t id, std::uint64_t timestamp);
bytes mouse_mode(std::uint16_t current);
// One AGENT_DATA body: `size` bytes of empty VDAgentMessages (20 bytes each).
bytes agent_data_of_empty_messages(std::size_t size);

// Common.
bytes set_ack(std::uint32_t generation, std::uint32_t window);

// Display channel.
bytes surface_create(std::uint32_t id, std::uint32_t width, std::uint32_t height, bool primary);
// A DRAW_COPY of `image` (descriptor + payload) onto surface 0 at (0,0), box
// w x h; the image starts at this offset of the body (pointers in it count from there).
constexpr std::uint32_t draw_copy_image_offset = 57;
bytes draw_copy(std::uint32_t width, std::uint32_t height, const bytes& image);
// A COPY_BITS of the whole w x h surface 0, one pixel down and right.
bytes copy_bits(std::uint32_t width, std::uint32_t height);
// A DRAW_FILL of surface 0 clipped by `count` staggered overlapping rectangles.
bytes fill_with_staggered_clip(std::uint32_t side, std::uint32_t count);

// Images: descriptor (id, type, flags, width, height) and payload.
bytes image_from_cache_miss(std::uint64_t id, std::uint32_t width, std::uint32_t height);
// A decompression bomb of `codec` ("quic", "lz_rgb", "lz_plt", "glz",
// "zlib_glz", "jpeg", "lz4") whose descriptor says `descriptor_side` square
// and whose codec header claims 16384 x 16384 (or its own trick: a stride,
// a glz_data_size), with as much payload as the old client needed to accept it.
bytes bomb_image(const std::string& codec, std::uint32_t descriptor_side);

// Playback channel.
bytes playback_mode_raw();
bytes playback_start(std::uint32_t channels, std::uint32_t frequency, std::uint32_t time);
bytes playback_data(std::uint32_t time, std::uint32_t channels, std::uint32_t frames);

}  // namespace vigil::hostile
