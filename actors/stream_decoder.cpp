#include "actors/stream_decoder.hpp"

#include <chrono>
#include <mutex>
#include <vector>

#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <caf/spawn_options.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

namespace vigil {

// Recycled picture buffers, shared by the decoder (which takes them) and
// whoever holds a picture last (which gives it back, on another thread).
class picture_pool : public std::enable_shared_from_this<picture_pool> {
public:
  explicit picture_pool(std::size_t keep) : keep_(keep) {}

  std::unique_ptr<protocol::decoded_image> take() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (free_.empty())
      return std::make_unique<protocol::decoded_image>();
    auto picture = std::move(free_.back());
    free_.pop_back();
    return picture;
  }

  // Shares `picture`; its buffer comes back here when the last holder lets go.
  std::shared_ptr<const protocol::decoded_image> share(std::unique_ptr<protocol::decoded_image> picture) {
    std::weak_ptr<picture_pool> pool = weak_from_this();
    return std::shared_ptr<const protocol::decoded_image>(picture.release(), [pool](const protocol::decoded_image* p) {
      std::unique_ptr<protocol::decoded_image> owned(const_cast<protocol::decoded_image*>(p));
      if (auto alive = pool.lock())
        alive->give_back(std::move(owned));
    });
  }

private:
  void give_back(std::unique_ptr<protocol::decoded_image> picture) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (free_.size() < keep_)
      free_.push_back(std::move(picture));
  }

  std::mutex mutex_;
  std::size_t keep_;
  std::vector<std::unique_ptr<protocol::decoded_image>> free_;
};

stream_frame_decoder::stream_frame_decoder(const stream_decoder_spec& spec)
    : pool_(std::make_shared<picture_pool>(spec.pool_pictures)) {
  auto made = spec.factory ? spec.factory(spec.codec, spec.options)
                           : protocol::video_decoder::create(spec.codec, spec.options);
  if (made)
    decoder_ = std::move(*made);
  else
    create_error_ = made.error().message;
}

void stream_frame_decoder::decode(const std::uint8_t* data, std::size_t size, decoded_video_frame& answer) {
  if (!decoder_) {
    answer.error = create_error_;
    return;
  }
  answer.backend = decoder_->backend();
  const auto started = std::chrono::steady_clock::now();
  try {
    auto picture = pool_->take();
    auto decoded = decoder_->decode(data, size, *picture);
    if (!decoded)
      answer.error = decoded.error().message;
    else if (*decoded)
      answer.picture = pool_->share(std::move(picture));
  } catch (const std::exception& error) {  // std::bad_alloc from a picture buffer
    answer.error = protocol::video_codec_name(decoder_->codec()) + ": " + error.what();
  }
  answer.decode_us = static_cast<std::uint32_t>(
    std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count());
}

bool stream_frame_decoder::decode_onto(const std::uint8_t* data, std::size_t size, const protocol::pixel_rows& target,
                                       decoded_video_frame& answer) {
  if (!decoder_)
    return false;  // decode() tells why
  const auto started = std::chrono::steady_clock::now();
  auto written = decoder_->decode_onto(data, size, target);
  if (written && !*written)
    return false;
  answer.backend = decoder_->backend();
  answer.drawn = true;
  if (!written)
    answer.error = written.error().message;
  answer.decode_us = static_cast<std::uint32_t>(
    std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count());
  return true;
}

namespace {

struct stream_decoder_state {
  std::unique_ptr<stream_frame_decoder> decoder;
  static inline const char* name = "stream_decoder";
};

using decoder_actor = stream_decoder_actor::stateful_base<stream_decoder_state>;

stream_decoder_actor::behavior_type stream_decoder(decoder_actor* self, caf::actor channel, stream_decoder_spec spec) {
  self->state.decoder = std::make_unique<stream_frame_decoder>(spec);
  // The channel kills its decoders when their streams end; this covers the
  // channel going away first.
  self->monitor(channel);
  self->set_down_handler([self](caf::down_msg&) { self->quit(); });
  return {
    [self, channel](video_frame_atom, encoded_video_frame& frame) {
      decoded_video_frame answer;
      static_cast<video_frame_header&>(answer) = frame;
      self->state.decoder->decode(frame.data.data(), frame.data.size(), answer);
      // The answer names its stream and decoder, so it needs no sender; a
      // typed actor may only send() to typed ones, and the channel is not.
      caf::anon_send(channel, video_picture_atom::value, std::move(answer));
    },
  };
}

}  // namespace

stream_decoder_actor spawn_stream_decoder(caf::actor_system& system, caf::actor channel, stream_decoder_spec spec) {
  return system.spawn<caf::detached>(stream_decoder, std::move(channel), std::move(spec));
}

}  // namespace vigil
