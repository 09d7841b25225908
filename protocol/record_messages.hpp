// The record channel (microphone; spice.proto RecordChannel), as spice-server
// 0.15 speaks it.
//
// Server: RECORD_START 101 {u32 channels, u16 format, u32 frequency}: the
//   guest opened its capture device, send audio in this format;
//   RECORD_STOP 102; RECORD_VOLUME 103 {u8 nchannels, u16 volume[n]} and
//   RECORD_MUTE 104 {u8 mute}: the guest's capture volume and mute.
// Client: RECORD_MODE 102 {u32 time, u16 mode, data} (which encoding the
//   DATA packets use: SPICE_AUDIO_DATA_MODE_RAW or _OPUS, the latter only
//   when the server has SPICE_RECORD_CAP_OPUS), then RECORD_START_MARK 103
//   {u32 time}, then RECORD_DATA 101 {u32 time, data to the end} packets.
//   `time` is the client's estimate of the server's multimedia time at
//   capture.
#pragma once

#include <cstdint>
#include <vector>

#include "protocol/audio_messages.hpp"
#include "protocol/result.hpp"

namespace vigil::protocol {

struct record_start {
  std::uint32_t channels = 0;
  std::uint16_t format = 0;  // SPICE_AUDIO_FMT_S16
  std::uint32_t frequency = 0;
};
using record_volume = audio_volume;  // protocol/audio_messages.hpp
using record_mute = audio_mute;

// Also rejects what a client cannot capture: a format other than S16, no
// channels or more than 2, a frequency of 0 or above 192 kHz.
result<record_start> parse_record_start(const bytes& body);
result<record_volume> parse_record_volume(const bytes& body);
result<record_mute> parse_record_mute(const bytes& body);

bytes build_record_mode(std::uint32_t time, std::uint16_t mode);
bytes build_record_start_mark(std::uint32_t time);
bytes build_record_data(std::uint32_t time, const std::uint8_t* data, std::size_t size);

// The server's side, for the tests' servers.
struct record_packet {
  std::uint32_t time = 0;
  bytes data;
};
result<record_packet> parse_record_data(const bytes& body);

}  // namespace vigil::protocol
