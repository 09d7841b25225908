// A sound input for the record channel (actors/record_channel.cpp): the
// microphone, through SFML's SoundRecorder in the client
// (ui/sfml_microphone.cpp). The channel starts it when the guest starts
// recording (RECORD_START) and stops it at RECORD_STOP or when the channel
// ends: nothing is captured while the guest does not record.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "protocol/codecs/audio_decoder.hpp"

namespace vigil {

// Receives captured audio, interleaved S16, on the device's own thread. It
// must return quickly and never wait for an actor.
using capture_sink = std::function<void(const std::int16_t* samples, std::size_t count)>;

class audio_capture {
public:
  virtual ~audio_capture() = default;
  // What is captured ("default device", a device's name).
  virtual std::string name() const = 0;
  // Starts capturing `format` into `sink`; false (and error() says why) when
  // there is no device or it refuses the format. May take as long as opening
  // the device does.
  virtual bool start(const protocol::audio_format& format, capture_sink sink) = 0;
  // Stops capturing; `sink` is not called after this returns.
  virtual void stop() = 0;
  virtual std::string error() const = 0;
};

// The user's microphone switch (the window's mute toggle): while muted the
// record channel sends silence, so the guest's recording keeps its timing.
struct microphone_switch {
  std::atomic<bool> muted{false};
};

struct record_options {
  bool enabled = true;           // record.enabled / --no-record: connect the record channel
  bool offer_opus = true;        // record.opus: send Opus when the server takes it
  std::string device;            // record.device: "" the default input
  std::uint32_t buffer_ms = 200; // record.buffer_ms: captured audio waiting to be sent, at most
  // Makes the capture device (null: the channel has none and sends nothing).
  std::function<std::unique_ptr<audio_capture>()> make_capture;
  std::shared_ptr<microphone_switch> microphone = std::make_shared<microphone_switch>();
};

}  // namespace vigil
