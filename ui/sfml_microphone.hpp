// The microphone for the record channel: an sf::SoundRecorder (OpenAL
// capture, through whatever sound server OpenAL finds: PulseAudio, PipeWire's
// pulse server, ALSA) delivering 10 ms chunks on SFML's capture thread
// (actors/audio_capture.hpp). `device` "" is the system's default input;
// otherwise one of sf::SoundRecorder::getAvailableDevices() (the names are
// logged when the one asked for is not there).
#pragma once

#include <memory>
#include <string>

#include "actors/audio_capture.hpp"

namespace vigil {

std::unique_ptr<audio_capture> make_sfml_microphone(const std::string& device);

}  // namespace vigil
