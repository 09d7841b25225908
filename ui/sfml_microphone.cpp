#include "ui/sfml_microphone.hpp"

#include <mutex>

#include <SFML/Audio/SoundRecorder.hpp>

#include "common/log.hpp"

namespace vigil {

namespace {

class sfml_microphone final : public audio_capture, private sf::SoundRecorder {
public:
  explicit sfml_microphone(std::string device) : device_(std::move(device)) {
    setProcessingInterval(sf::milliseconds(10));
  }
  ~sfml_microphone() override { sf::SoundRecorder::stop(); }  // SFML requires it of derived recorders

  std::string name() const override { return device_.empty() ? "default input" : device_; }

  bool start(const protocol::audio_format& format, capture_sink sink) override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      error_.clear();
      sink_ = std::move(sink);
    }
    if (!sf::SoundRecorder::isAvailable())
      return fail("no audio capture on this system (OpenAL has no capture device)");
    if (!device_.empty() && !setDevice(device_)) {
      std::string names;
      for (const auto& available : getAvailableDevices())
        names += (names.empty() ? "" : ", ") + available;
      return fail("no capture device '" + device_ + "' (available: " + (names.empty() ? "none" : names) + ")");
    }
    setChannelCount(format.channels);
    if (getChannelCount() != format.channels)
      return fail("the device cannot capture " + std::to_string(format.channels) + " channels");
    if (!sf::SoundRecorder::start(format.frequency))
      return fail("the device did not start at " + std::to_string(format.frequency) + " Hz");
    return true;
  }

  void stop() override {
    sf::SoundRecorder::stop();
    std::lock_guard<std::mutex> lock(mutex_);
    sink_ = nullptr;
  }

  std::string error() const override {
    std::lock_guard<std::mutex> lock(mutex_);
    return error_;
  }

private:
  bool onProcessSamples(const sf::Int16* samples, std::size_t count) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (sink_)
      sink_(samples, count);
    return true;
  }

  bool fail(const std::string& why) {
    std::lock_guard<std::mutex> lock(mutex_);
    error_ = why;
    sink_ = nullptr;
    return false;
  }

  std::string device_;
  mutable std::mutex mutex_;
  capture_sink sink_;
  std::string error_;
};

}  // namespace

std::unique_ptr<audio_capture> make_sfml_microphone(const std::string& device) {
  return std::make_unique<sfml_microphone>(device);
}

}  // namespace vigil
