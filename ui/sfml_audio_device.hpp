// The window's sound output: an sf::SoundStream that pulls from the audio
// sink's jitter buffer on SFML's own audio thread (actors/audio_sink.hpp).
#pragma once

#include <memory>

#include "actors/audio_sink.hpp"

namespace vigil {

std::shared_ptr<audio_device> make_sfml_audio_device();

}  // namespace vigil
