#include "ui/sfml_audio_device.hpp"

#include <SFML/Audio/SoundStream.hpp>

#include "protocol/codecs/pcm.hpp"

namespace vigil {

namespace {

// SFML asks for the next chunk on its audio thread while it still plays the
// ones it has (it keeps three queued). Each request takes 20 ms from the
// jitter buffer under the shared mutex (silence when there is none) and
// never returns false, so the stream keeps running between server streams.
class playback_stream final : public sf::SoundStream {
public:
  explicit playback_stream(std::shared_ptr<shared_playback> playback) : playback_(std::move(playback)) {}
  ~playback_stream() override { stop(); }

  void open(const protocol::audio_format& format) {
    stop();
    format_ = format;
    initialize(format.channels, format.frequency);
    play();
  }

private:
  bool onGetData(Chunk& data) override {
    const std::size_t frames = format_.frequency / 50;
    chunk_.resize(frames * format_.channels);
    {
      std::lock_guard<std::mutex> lock(playback_->mutex);
      // The buffer may already hold a new START's format while this device
      // still plays the old one (the sink reopens it right after): the
      // device's channel count bounds what is written (security review H6).
      playback_->buffer.pull(chunk_.data(), frames, format_.channels);
      protocol::apply_volume(chunk_.data(), frames, format_.channels, playback_->volume.volume,
                             playback_->volume.mute);
    }
    data.samples = chunk_.data();
    data.sampleCount = chunk_.size();
    return true;
  }

  void onSeek(sf::Time) override {}  // a live stream cannot seek

  std::shared_ptr<shared_playback> playback_;
  protocol::audio_format format_;
  std::vector<std::int16_t> chunk_;
};

class sfml_audio_device final : public audio_device {
public:
  std::string name() const override { return "sfml"; }
  // SFML keeps three 20 ms chunks queued: on average about 50 ms pulled and not yet heard.
  std::uint32_t latency_ms() const override { return 50; }
  void bind(std::shared_ptr<shared_playback> playback) override { playback_ = std::move(playback); }
  // OpenAL opens the sound device with the first stream, so a session
  // without audio never touches it.
  void start(const protocol::audio_format& format) override {
    if (!stream_)
      stream_ = std::make_unique<playback_stream>(playback_);
    stream_->open(format);
  }
  void stop() override {
    if (stream_)
      stream_->stop();
  }
  // OpenAL reports a missing device only on stderr (through sf::err()); SFML
  // then plays into nothing, which is what we want without a sound card.
  std::string error() const override { return ""; }

private:
  std::shared_ptr<shared_playback> playback_;
  std::unique_ptr<playback_stream> stream_;
};

}  // namespace

std::shared_ptr<audio_device> make_sfml_audio_device() { return std::make_shared<sfml_audio_device>(); }

}  // namespace vigil
