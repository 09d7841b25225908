#include "protocol/display_pipeline.hpp"

#include <spice/enums.h>

#include <algorithm>
#include <cstdlib>

namespace vigil::protocol {
namespace {

display_step outcome_only(display_outcome outcome, std::string error) {
  display_step step;
  step.outcome = outcome;
  step.error = std::move(error);
  return step;
}

display_step fatal(std::string error) { return outcome_only(display_outcome::fatal, std::move(error)); }

display_step over_budget(std::string error) { return outcome_only(display_outcome::over_budget, std::move(error)); }

std::string named(const char* message, const std::string& error) { return std::string(message) + ": " + error; }

}  // namespace

display_pipeline::display_pipeline(const display_settings& settings)
    : decode_streams_inline_(settings.decode_streams_inline),
      canvas_(settings.account, settings.limits),
      images_(settings.pixmap_cache_pixels, settings.glz_window_pixels, settings.account, settings.limits),
      account_(settings.account),
      limits_(settings.limits) {}

display_step display_pipeline::apply(std::uint16_t message_type, const bytes& body) {
  switch (message_type) {
    case SPICE_MSG_DISPLAY_SURFACE_CREATE: return on_surface_create(body);
    case SPICE_MSG_DISPLAY_SURFACE_DESTROY: return on_surface_destroy(body);
    case SPICE_MSG_DISPLAY_MARK: return {};  // the primary is complete; every drawing is shown already
    case SPICE_MSG_DISPLAY_RESET: return on_reset();
    case SPICE_MSG_DISPLAY_DRAW_FILL: return on_fill(body);
    case SPICE_MSG_DISPLAY_DRAW_COPY:
    case SPICE_MSG_DISPLAY_DRAW_BLEND: return on_copy(message_type, body);
    case SPICE_MSG_DISPLAY_DRAW_OPAQUE: return on_opaque(body);
    case SPICE_MSG_DISPLAY_DRAW_ROP3: return on_rop3(body);
    case SPICE_MSG_DISPLAY_DRAW_TEXT: return on_text(body);
    case SPICE_MSG_DISPLAY_DRAW_COMPOSITE: return on_composite(body);
    case SPICE_MSG_DISPLAY_DRAW_STROKE: return on_stroke(body);
    case SPICE_MSG_DISPLAY_DRAW_BLACKNESS:
    case SPICE_MSG_DISPLAY_DRAW_WHITENESS:
    case SPICE_MSG_DISPLAY_DRAW_INVERS: return on_constant(message_type, body);
    case SPICE_MSG_DISPLAY_DRAW_TRANSPARENT: return on_transparent(body);
    case SPICE_MSG_DISPLAY_DRAW_ALPHA_BLEND: return on_alpha_blend(body);
    case SPICE_MSG_DISPLAY_COPY_BITS: return on_copy_bits(body);
    case SPICE_MSG_DISPLAY_INVAL_LIST: return on_inval_list(body);
    case SPICE_MSG_DISPLAY_INVAL_ALL_PIXMAPS: {
      // The wait list orders this against other display channels; with one
      // channel per session nothing can be pending elsewhere.
      auto parsed = parse_inval_all_pixmaps(body);
      if (!parsed)
        return skip(parsed.error().message);
      images_.invalidate_all_pixmaps();
      return {};
    }
    case SPICE_MSG_DISPLAY_INVAL_PALETTE: {
      auto parsed = parse_inval_palette(body);
      if (!parsed)
        return skip(parsed.error().message);
      images_.invalidate_palette(parsed->id);
      return {};
    }
    case SPICE_MSG_DISPLAY_INVAL_ALL_PALETTES: images_.invalidate_all_palettes(); return {};
    case SPICE_MSG_DISPLAY_MONITORS_CONFIG: return on_monitors_config(body);
    case SPICE_MSG_DISPLAY_STREAM_CREATE: return on_stream_create(body);
    case SPICE_MSG_DISPLAY_STREAM_DATA: {
      auto parsed = parse_stream_data(body);
      if (!parsed)
        return skip(parsed.error().message);
      return on_stream_frame(parsed->stream_id, parsed->multi_media_time, parsed->frame, nullptr,
                             "DISPLAY_STREAM_DATA");
    }
    case SPICE_MSG_DISPLAY_STREAM_DATA_SIZED: {
      auto parsed = parse_stream_data_sized(body);
      if (!parsed)
        return skip(parsed.error().message);
      return on_stream_frame(parsed->stream_id, parsed->multi_media_time, parsed->frame, &parsed->dest,
                             "DISPLAY_STREAM_DATA_SIZED");
    }
    case SPICE_MSG_DISPLAY_STREAM_CLIP: return on_stream_clip(body);
    case SPICE_MSG_DISPLAY_STREAM_DESTROY: return on_stream_destroy(body);
    case SPICE_MSG_DISPLAY_STREAM_DESTROY_ALL: {
      display_step step;
      step.streams_ended = end_streams(std::nullopt);
      return step;
    }
    default: return outcome_only(display_outcome::unsupported, {});
  }
}

display_step display_pipeline::skip(std::string error) {
  ++counters_.skipped;
  return outcome_only(display_outcome::skipped, std::move(error));
}

display_step display_pipeline::refused(const parse_error& error) {
  if (error.budget_exceeded)
    return over_budget(error.message);
  return skip(error.message);
}

display_step display_pipeline::drawn(std::uint32_t surface_id, const result<rect>& damage, const char* message) {
  if (!damage)
    return refused(with_context(message, damage.error()));
  ++counters_.drawings;
  display_step step;
  const surface* target = canvas_.find(surface_id);
  if (target && target->primary)
    step.primary_damage = *damage;
  return step;
}

display_step display_pipeline::on_surface_create(const bytes& body) {
  auto parsed = parse_surface_create(body);
  if (!parsed)
    return fatal(parsed.error().message);
  auto created = canvas_.create_surface(*parsed);
  if (!created && created.error().budget_exceeded)
    return over_budget(named("DISPLAY_SURFACE_CREATE", created.error().message));
  if (!created)
    return fatal(named("DISPLAY_SURFACE_CREATE", created.error().message));
  display_step step;
  if (parsed->flags & SPICE_SURFACE_FLAGS_PRIMARY) {
    step.primary_damage = *created;
    step.primary_replaced = true;
  }
  return step;
}

display_step display_pipeline::on_surface_destroy(const bytes& body) {
  auto parsed = parse_surface_destroy(body);
  if (!parsed)
    return fatal(parsed.error().message);
  const surface* target = canvas_.find(parsed->surface_id);
  const bool was_primary = target && target->primary;
  auto destroyed = canvas_.destroy_surface(parsed->surface_id);
  if (!destroyed)
    return skip(named("DISPLAY_SURFACE_DESTROY", destroyed.error().message));
  display_step step;
  step.streams_ended = end_streams(parsed->surface_id);
  step.primary_replaced = was_primary;
  return step;
}

display_step display_pipeline::on_reset() {
  // The server starts over: the primary goes black and palettes are forgotten.
  images_.invalidate_all_palettes();
  const surface* primary = canvas_.primary();
  if (!primary)
    return {};
  display_base whole;
  whole.surface_id = primary->id;
  whole.box = primary->bounds();
  return drawn(primary->id, canvas_.constant(whole, constant_operation::blackness, nullptr), "DISPLAY_RESET");
}

result<image_pixels> display_pipeline::source_pixels(const std::optional<image>& source, const char* message,
                                                     const char* field) {
  if (!source)
    return parse_error{std::string(message) + ": field " + field + " is a null pointer"};
  auto pixels = images_.decode(*source, canvas_);
  if (!pixels)
    return with_context(std::string(message) + ": " + field, pixels.error());
  return pixels;
}

result<paint> display_pipeline::brush_paint(const brush& brush, const char* message, image_pixels& pattern_holder) {
  paint out;
  out.type = brush.type;
  out.color = brush.color;
  out.pattern_position = brush.pattern_position;
  if (brush.type == SPICE_BRUSH_TYPE_PATTERN) {
    auto pattern = source_pixels(brush.pattern, message, "brush.pattern");
    if (!pattern)
      return pattern.error();
    pattern_holder = std::move(*pattern);
    out.pattern = pattern_holder.get();
  }
  return out;
}

result<std::optional<display_pipeline::decoded_mask>> display_pipeline::mask_bits(const qmask& mask,
                                                                                   const char* message) {
  if (!mask.bitmap)
    return std::optional<decoded_mask>{};
  auto bits = images_.decode_mask(*mask.bitmap, canvas_);
  if (!bits)
    return with_context(std::string(message) + ": mask.bitmap", bits.error());
  decoded_mask out;
  out.bits = std::move(*bits);
  out.view.bits = out.bits.get();
  out.view.position = mask.position;
  out.view.inverted = (mask.flags & SPICE_MASK_FLAGS_INVERS) != 0;
  return std::optional<decoded_mask>{std::move(out)};
}

display_step display_pipeline::on_fill(const bytes& body) {
  const char* message = "DISPLAY_DRAW_FILL";
  auto parsed = parse_draw_fill(body);
  if (!parsed)
    return skip(parsed.error().message);
  image_pixels pattern;
  auto brush = brush_paint(parsed->brush, message, pattern);
  if (!brush)
    return refused(brush.error());
  auto mask = mask_bits(parsed->mask, message);
  if (!mask)
    return refused(mask.error());
  const mask_image* mask_view = *mask ? &(*mask)->view : nullptr;
  return drawn(parsed->base.surface_id, canvas_.fill(parsed->base, *brush, parsed->rop, mask_view), message);
}

display_step display_pipeline::on_copy(std::uint16_t message_type, const bytes& body) {
  const bool blend = message_type == SPICE_MSG_DISPLAY_DRAW_BLEND;
  const char* message = blend ? "DISPLAY_DRAW_BLEND" : "DISPLAY_DRAW_COPY";
  auto parsed = blend ? parse_draw_blend(body) : parse_draw_copy(body);
  if (!parsed)
    return skip(parsed.error().message);
  if (auto step = copy_in_place(*parsed, message))
    return std::move(*step);
  auto source = source_pixels(parsed->source, message, "src_bitmap");
  if (!source)
    return refused(source.error());
  auto mask = mask_bits(parsed->mask, message);
  if (!mask)
    return refused(mask.error());
  const mask_image* mask_view = *mask ? &(*mask)->view : nullptr;
  return drawn(parsed->base.surface_id,
               canvas_.copy(parsed->base, **source, parsed->source_area, parsed->rop, mask_view), message);
}

std::optional<display_step> display_pipeline::copy_in_place(const draw_copy& parsed, const char* message) {
  const rect& box = parsed.base.box;
  const rect& area = parsed.source_area;
  if (!parsed.source || parsed.mask.bitmap ||
      !raster_operation(parsed.rop, SPICE_ROPD_INVERS_SRC, SPICE_ROPD_INVERS_DEST).is_plain_copy())
    return std::nullopt;
  const auto& descriptor = parsed.source->descriptor;
  if (area.top != 0 || area.left != 0 || area.width() != descriptor.width || area.height() != descriptor.height ||
      box.width() != area.width() || box.height() != area.height())
    return std::nullopt;
  const auto pixels = canvas_.whole_box(parsed.base);
  if (!pixels)
    return std::nullopt;
  auto decoded = images_.decode_into(*parsed.source, pixels->first, pixels->stride);
  if (decoded && !*decoded)
    return std::nullopt;
  if (!decoded)
    return refused(with_context(std::string(message) + ": src_bitmap", decoded.error()));
  return drawn(parsed.base.surface_id, box, message);
}

template <class Parsed, class Draw>
display_step display_pipeline::draw_with_source_and_brush(const Parsed& parsed, const char* message, Draw draw) {
  auto source = source_pixels(parsed.source, message, "src_bitmap");
  if (!source)
    return refused(source.error());
  image_pixels pattern;
  auto brush = brush_paint(parsed.brush, message, pattern);
  if (!brush)
    return refused(brush.error());
  auto mask = mask_bits(parsed.mask, message);
  if (!mask)
    return refused(mask.error());
  const mask_image* mask_view = *mask ? &(*mask)->view : nullptr;
  return drawn(parsed.base.surface_id, draw(**source, *brush, mask_view), message);
}

display_step display_pipeline::on_opaque(const bytes& body) {
  auto parsed = parse_draw_opaque(body);
  if (!parsed)
    return skip(parsed.error().message);
  return draw_with_source_and_brush(*parsed, "DISPLAY_DRAW_OPAQUE",
                                    [&](const decoded_image& source, const paint& brush, const mask_image* mask) {
                                      return canvas_.opaque(parsed->base, source, parsed->source_area, brush,
                                                            parsed->rop, mask);
                                    });
}

display_step display_pipeline::on_rop3(const bytes& body) {
  auto parsed = parse_draw_rop3(body);
  if (!parsed)
    return skip(parsed.error().message);
  return draw_with_source_and_brush(*parsed, "DISPLAY_DRAW_ROP3",
                                    [&](const decoded_image& source, const paint& brush, const mask_image* mask) {
                                      return canvas_.rop3(parsed->base, source, parsed->source_area, brush,
                                                          parsed->rop3, mask);
                                    });
}

display_step display_pipeline::on_text(const bytes& body) {
  const char* message = "DISPLAY_DRAW_TEXT";
  auto parsed = parse_draw_text(body);
  if (!parsed)
    return skip(parsed.error().message);
  // The reference canvas refuses a back area with any fore mode but PUT
  // (it says only OVER makes sense for text) and draws nothing at all.
  if (!parsed->back_area.empty() && parsed->fore_mode != SPICE_ROPD_OP_PUT)
    return {};
  const surface* target = canvas_.find(parsed->base.surface_id);
  if (!target)
    return drawn(parsed->base.surface_id, canvas_.text(parsed->base, {}, {}, {}, {}), message);
  image_pixels fore_pattern, back_pattern;
  auto fore = brush_paint(parsed->fore_brush, message, fore_pattern);
  if (!fore)
    return refused(fore.error());
  auto back = brush_paint(parsed->back_brush, message, back_pattern);
  if (!back)
    return refused(back.error());
  auto glyphs = rasterize_glyphs(parsed->string, intersection(parsed->base.box, target->bounds()), account_);
  if (!glyphs)
    return refused(with_context(message, glyphs.error()));
  return drawn(parsed->base.surface_id, canvas_.text(parsed->base, parsed->back_area, *back, *fore, *glyphs), message);
}

result<composite_layer> display_pipeline::composite_image(const std::optional<image>& source, const char* field,
                                                          image_pixels& holder) {
  const char* message = "DISPLAY_DRAW_COMPOSITE";
  composite_layer layer;
  // A surface is read in place, in its own format (an A8 mask stays A8).
  if (source && source->descriptor.type == SPICE_IMAGE_TYPE_SURFACE) {
    layer.from_surface = canvas_.find(source->surface_id);
    if (!layer.from_surface)
      return parse_error{std::string(message) + ": " + field + ": SURFACE image names surface " +
                         std::to_string(source->surface_id) + ", which does not exist"};
    return layer;
  }
  auto pixels = source_pixels(source, message, field);
  if (!pixels)
    return pixels.error();
  holder = std::move(*pixels);
  layer.image = holder.get();
  return layer;
}

display_step display_pipeline::on_composite(const bytes& body) {
  const char* message = "DISPLAY_DRAW_COMPOSITE";
  auto parsed = parse_draw_composite(body);
  if (!parsed)
    return skip(parsed.error().message);
  image_pixels source_holder, mask_holder;
  auto source = composite_image(parsed->source, "src_bitmap", source_holder);
  if (!source)
    return refused(source.error());
  std::optional<composite_layer> mask;
  if (parsed->mask) {
    auto layer = composite_image(parsed->mask, "mask_bitmap", mask_holder);
    if (!layer)
      return refused(layer.error());
    mask = *layer;
  }
  return drawn(parsed->base.surface_id, canvas_.composite(*parsed, *source, mask ? &*mask : nullptr), message);
}

display_step display_pipeline::on_constant(std::uint16_t message_type, const bytes& body) {
  const char* message = nullptr;
  constant_operation operation = constant_operation::blackness;
  result<draw_masked_area> parsed = parse_error{};
  switch (message_type) {
    case SPICE_MSG_DISPLAY_DRAW_BLACKNESS:
      message = "DISPLAY_DRAW_BLACKNESS";
      parsed = parse_draw_blackness(body);
      break;
    case SPICE_MSG_DISPLAY_DRAW_WHITENESS:
      message = "DISPLAY_DRAW_WHITENESS";
      operation = constant_operation::whiteness;
      parsed = parse_draw_whiteness(body);
      break;
    default:
      message = "DISPLAY_DRAW_INVERS";
      operation = constant_operation::invers;
      parsed = parse_draw_invers(body);
  }
  if (!parsed)
    return skip(parsed.error().message);
  auto mask = mask_bits(parsed->mask, message);
  if (!mask)
    return refused(mask.error());
  const mask_image* mask_view = *mask ? &(*mask)->view : nullptr;
  return drawn(parsed->base.surface_id, canvas_.constant(parsed->base, operation, mask_view), message);
}

display_step display_pipeline::on_transparent(const bytes& body) {
  const char* message = "DISPLAY_DRAW_TRANSPARENT";
  auto parsed = parse_draw_transparent(body);
  if (!parsed)
    return skip(parsed.error().message);
  auto source = source_pixels(parsed->source, message, "src_bitmap");
  if (!source)
    return refused(source.error());
  // The reference client keys on true_color (the colour as the surface stores it).
  return drawn(parsed->base.surface_id,
               canvas_.transparent(parsed->base, **source, parsed->source_area, parsed->true_color), message);
}

display_step display_pipeline::on_alpha_blend(const bytes& body) {
  const char* message = "DISPLAY_DRAW_ALPHA_BLEND";
  auto parsed = parse_draw_alpha_blend(body);
  if (!parsed)
    return skip(parsed.error().message);
  auto source = source_pixels(parsed->source, message, "src_bitmap");
  if (!source)
    return refused(source.error());
  // A surface source says through the flags whether its A is meaningful; a
  // decoded image knows it itself.
  const bool from_surface = parsed->source->descriptor.type == SPICE_IMAGE_TYPE_SURFACE;
  const bool source_has_alpha = from_surface ? (parsed->alpha_flags & SPICE_ALPHA_FLAGS_SRC_SURFACE_HAS_ALPHA) != 0
                                             : (*source)->has_alpha;
  const bool dest_has_alpha = (parsed->alpha_flags & SPICE_ALPHA_FLAGS_DEST_HAS_ALPHA) != 0;
  return drawn(parsed->base.surface_id,
               canvas_.alpha_blend(parsed->base, **source, source_has_alpha, parsed->source_area, parsed->alpha,
                                   dest_has_alpha),
               message);
}

display_step display_pipeline::on_copy_bits(const bytes& body) {
  auto parsed = parse_copy_bits(body);
  if (!parsed)
    return skip(parsed.error().message);
  display_step step = drawn(parsed->base.surface_id, canvas_.copy_bits(parsed->base, parsed->source_position),
                            "DISPLAY_COPY_BITS");
  // Unclipped, it moved one rectangle (the box within the surface); a
  // consumer can repeat the move instead of taking the pixels, when the
  // whole source was inside the surface.
  // The wire's positions are any int32; a move that stays within the surface
  // is never longer than the surface, so longer ones are not moves.
  const surface* target = canvas_.find(parsed->base.surface_id);
  if (!step.primary_damage.empty() && parsed->base.clip.type == SPICE_CLIP_TYPE_NONE && target) {
    const std::int64_t dx = std::int64_t{parsed->source_position.x} - parsed->base.box.left;
    const std::int64_t dy = std::int64_t{parsed->source_position.y} - parsed->base.box.top;
    if (std::abs(dx) <= target->width && std::abs(dy) <= target->height) {
      surface_move move{step.primary_damage, static_cast<std::int32_t>(dx), static_cast<std::int32_t>(dy)};
      if (contains(target->bounds(), move.from()))
        step.primary_move = move;
    }
  }
  return step;
}

display_step display_pipeline::on_inval_list(const bytes& body) {
  auto parsed = parse_inval_list(body);
  if (!parsed)
    return skip(parsed.error().message);
  for (const auto& resource : parsed->resources)
    if (resource.type == SPICE_RES_TYPE_PIXMAP)
      images_.invalidate_pixmap(resource.id);
  return {};
}

display_step display_pipeline::on_monitors_config(const bytes& body) {
  auto parsed = parse_monitors_config(body);
  if (!parsed)
    return skip(parsed.error().message);
  monitors_ = std::move(parsed->heads);
  return {};
}

display_step display_pipeline::on_stream_create(const bytes& body) {
  auto parsed = parse_stream_create(body);
  if (!parsed)
    return skip(parsed.error().message);
  if (streams_.size() >= max_video_streams && streams_.count(parsed->stream_id) == 0)
    return skip("DISPLAY_STREAM_CREATE: stream " + std::to_string(parsed->stream_id) + " would be more than " +
                std::to_string(max_video_streams) + " streams at once");
  if (!canvas_.find(parsed->surface_id))
    return skip("DISPLAY_STREAM_CREATE: surface " + std::to_string(parsed->surface_id) + " does not exist");
  // The stream's size bounds every frame its decoder may produce.
  const std::uint64_t frame_bytes = std::uint64_t{parsed->stream_width} * parsed->stream_height * 4;
  if (frame_bytes > limits_.max_surface_bytes)
    return over_budget(over_cap("DISPLAY_STREAM_CREATE: stream " + std::to_string(parsed->stream_id) + " (" +
                                  std::to_string(parsed->stream_width) + "x" + std::to_string(parsed->stream_height) +
                                  ")",
                                frame_bytes, limits_.max_surface_bytes, "memory.max_surface_bytes")
                         .message);
  video_stream stream;
  stream.clip = parsed->clip;
  stream.created = std::move(*parsed);
  display_step step;
  step.stream_began = stream_started{stream.created.stream_id, stream.created.codec, stream.created.stream_width,
                                     stream.created.stream_height};
  streams_[stream.created.stream_id] = std::move(stream);
  return step;
}

display_step display_pipeline::on_stream_frame(std::uint32_t stream_id, std::uint32_t mm_time,
                                               const byte_view& frame, const rect* sized_dest, const char* message) {
  auto found = streams_.find(stream_id);
  if (found == streams_.end())
    return skip(named(message, "stream " + std::to_string(stream_id) + " does not exist"));
  video_stream& stream = found->second;
  if (!decode_streams_inline_) {
    display_step step;
    step.stream_frame = stream_frame_view{stream_id, mm_time, frame, std::nullopt};
    if (sized_dest)
      step.stream_frame->sized_dest = *sized_dest;
    return step;
  }
  const std::string what = "frame of stream " + std::to_string(stream_id);
  video_decoder_options options;
  options.max_pixels = std::min(
    std::max<std::uint64_t>(std::uint64_t{stream.created.stream_width} * stream.created.stream_height * 4, 64 * 64),
    max_video_frame_pixels);
  if (!stream.inline_decoder) {
    auto decoder = video_decoder::create(stream.created.codec, options);
    if (!decoder)
      return skip(named(message, what + ": " + decoder.error().message));
    stream.inline_decoder = std::move(*decoder);
  }
  // The decoded picture and the decoder's own frame, as large as the decoder allows at most.
  auto charge = account_.charge(decode_peak_bytes(SPICE_IMAGE_TYPE_JPEG, static_cast<std::uint32_t>(options.max_pixels), 1),
                                named(message, what + " (up to " + std::to_string(options.max_pixels) + " pixels)"));
  if (!charge)
    return over_budget(charge.error().message);
  decoded_image picture;
  auto decoded = stream.inline_decoder->decode(frame.data, frame.size, picture);
  if (!decoded)
    return skip(named(message, what + ": " + decoded.error().message));
  if (!*decoded)
    return {};  // the codec holds it back; nothing to draw yet
  return draw_stream_picture(stream, picture, sized_dest, message);
}

display_step display_pipeline::put_stream_picture(std::uint32_t stream_id, const decoded_image& picture,
                                                  const std::optional<rect>& sized_dest) {
  auto found = streams_.find(stream_id);
  if (found == streams_.end())
    return {};  // ended while the frame was decoded
  return draw_stream_picture(found->second, picture, sized_dest ? &*sized_dest : nullptr, "stream picture");
}

std::optional<pixel_rows> display_pipeline::stream_picture_rows(std::uint32_t stream_id,
                                                                 const std::optional<rect>& sized_dest) {
  auto found = streams_.find(stream_id);
  if (found == streams_.end())
    return std::nullopt;
  const video_stream& stream = found->second;
  const bool top_down = (stream.created.flags & SPICE_STREAM_FLAGS_TOP_DOWN) != 0;
  return canvas_.frame_rows(stream.created.surface_id, sized_dest ? *sized_dest : stream.created.dest, stream.clip,
                            top_down);
}

display_step display_pipeline::stream_picture_written(std::uint32_t stream_id, const std::optional<rect>& sized_dest) {
  auto found = streams_.find(stream_id);
  if (found == streams_.end())
    return {};
  return stream_picture_drawn(found->second, sized_dest ? *sized_dest : found->second.created.dest);
}

display_step display_pipeline::draw_stream_picture(const video_stream& stream, const decoded_image& picture,
                                                   const rect* sized_dest, const char* message) {
  const rect& dest = sized_dest ? *sized_dest : stream.created.dest;
  const bool top_down = (stream.created.flags & SPICE_STREAM_FLAGS_TOP_DOWN) != 0;
  auto damage = canvas_.put_frame(stream.created.surface_id, dest, stream.clip, picture, top_down);
  if (!damage)
    return skip(named(message, damage.error().message));
  return stream_picture_drawn(stream, *damage);
}

display_step display_pipeline::stream_picture_drawn(const video_stream& stream, const rect& damage) {
  ++counters_.stream_frames;
  display_step step;
  const surface* target = canvas_.find(stream.created.surface_id);
  if (target && target->primary)
    step.primary_damage = damage;
  return step;
}

std::vector<std::uint32_t> display_pipeline::end_streams(const std::optional<std::uint32_t>& surface_id) {
  std::vector<std::uint32_t> ended;
  for (auto it = streams_.begin(); it != streams_.end();) {
    if (!surface_id || it->second.created.surface_id == *surface_id) {
      ended.push_back(it->first);
      it = streams_.erase(it);
    } else {
      ++it;
    }
  }
  return ended;
}

display_step display_pipeline::on_stream_clip(const bytes& body) {
  auto parsed = parse_stream_clip(body);
  if (!parsed)
    return skip(parsed.error().message);
  auto found = streams_.find(parsed->stream_id);
  if (found == streams_.end())
    return skip("DISPLAY_STREAM_CLIP: stream " + std::to_string(parsed->stream_id) + " does not exist");
  found->second.clip = std::move(parsed->clip);
  return {};
}

display_step display_pipeline::on_stream_destroy(const bytes& body) {
  auto parsed = parse_stream_destroy(body);
  if (!parsed)
    return skip(parsed.error().message);
  if (streams_.erase(parsed->stream_id) == 0)
    return skip("DISPLAY_STREAM_DESTROY: stream " + std::to_string(parsed->stream_id) + " does not exist");
  display_step step;
  step.streams_ended.push_back(parsed->stream_id);
  return step;
}

}  // namespace vigil::protocol
