// Fuzzes the display channel: every display message parser, and the whole
// pipeline (parse, decode images, draw) on sequences of messages, at the
// production limits: the default cache and GLZ window sizes, surfaces up to
// memory.max_surface_bytes, everything charged to a memory budget of 16 MiB
// (the budget, not the fuzzer, decides what is too large; a small one keeps
// each execution fast: pixel work grows with the surfaces it allows). Every
// charge must be given back at the end.
// Input: a selector byte below 0x40, then one message body (parsers); or any
// other selector, then records of {u16 message type, u24 size, body} for the
// pipeline (3/4 of inputs).
// Seeds: captured QEMU display messages and make_seed_corpus.py's
// (tests/fuzz/corpus/fuzz_display_messages).
#include <spice/enums.h>
#include <spice/protocol.h>

#include <cstddef>
#include <cstdint>

#include "fuzz_check.hpp"
#include "protocol/display_messages.hpp"
#include "protocol/display_pipeline.hpp"
#include "protocol/stroke_messages.hpp"

using namespace vigil::protocol;

namespace {

const std::uint8_t* body_start;
const std::uint8_t* body_end;

void check_view(const byte_view& view) {
  if (view.size == 0)
    return;
  FUZZ_CHECK(view.data >= body_start && view.data + view.size <= body_end);
}

void check_image(const std::optional<image>& img) {
  if (!img)
    return;
  check_view(img->payload);
  if (img->bitmap) {
    check_view(img->bitmap->rows);
    FUZZ_CHECK(img->bitmap->rows.size == std::size_t{img->bitmap->stride} * img->bitmap->height);
  }
  if (img->lz_palette)
    check_view(img->lz_palette->payload);
}

template <class T>
void check_clip(const result<T>& parsed, std::size_t body_size) {
  if (parsed)
    FUZZ_CHECK(parsed->base.clip.rects.size() * 16 <= body_size);
}

void fuzz_parser(std::uint8_t selector, const bytes& body) {
  switch (selector % 26) {
    case 0: parse_surface_create(body); break;
    case 1: parse_surface_destroy(body); break;
    case 2: {
      auto parsed = parse_draw_fill(body);
      check_clip(parsed, body.size());
      if (parsed) {
        check_image(parsed->brush.pattern);
        check_image(parsed->mask.bitmap);
      }
      break;
    }
    case 3:
    case 4: {
      auto parsed = selector % 26 == 3 ? parse_draw_copy(body) : parse_draw_blend(body);
      check_clip(parsed, body.size());
      if (parsed) {
        check_image(parsed->source);
        check_image(parsed->mask.bitmap);
      }
      break;
    }
    case 5: {
      auto parsed = parse_draw_opaque(body);
      if (parsed) {
        check_image(parsed->source);
        check_image(parsed->brush.pattern);
      }
      break;
    }
    case 6: parse_draw_blackness(body); break;
    case 7: parse_draw_whiteness(body); break;
    case 8: parse_draw_invers(body); break;
    case 9: {
      auto parsed = parse_draw_transparent(body);
      if (parsed)
        check_image(parsed->source);
      break;
    }
    case 10: {
      auto parsed = parse_draw_alpha_blend(body);
      if (parsed)
        check_image(parsed->source);
      break;
    }
    case 11: parse_copy_bits(body); break;
    case 12: {
      auto parsed = parse_inval_list(body);
      if (parsed)
        FUZZ_CHECK(parsed->resources.size() * 9 + 2 <= body.size());
      break;
    }
    case 13: parse_inval_all_pixmaps(body); break;
    case 14: parse_inval_palette(body); break;
    case 15: {
      auto parsed = parse_monitors_config(body);
      if (parsed)
        FUZZ_CHECK(parsed->heads.size() * 28 + 4 <= body.size());
      break;
    }
    case 16: parse_stream_create(body); break;
    case 17: {
      auto parsed = parse_stream_data(body);
      if (parsed)
        check_view(parsed->frame);
      break;
    }
    case 18: {
      auto parsed = parse_stream_data_sized(body);
      if (parsed)
        check_view(parsed->frame);
      break;
    }
    case 19: parse_stream_clip(body); break;
    case 20: parse_stream_destroy(body); break;
    case 21: parse_stream_activate_report(body); break;
    case 22: {
      auto parsed = parse_draw_rop3(body);
      check_clip(parsed, body.size());
      if (parsed) {
        check_image(parsed->source);
        check_image(parsed->brush.pattern);
        check_image(parsed->mask.bitmap);
      }
      break;
    }
    case 23: {
      auto parsed = parse_draw_text(body);
      check_clip(parsed, body.size());
      if (parsed) {
        check_image(parsed->fore_brush.pattern);
        check_image(parsed->back_brush.pattern);
        for (const auto& glyph : parsed->string.glyphs) {
          check_view(glyph.data);
          FUZZ_CHECK(glyph.data.size ==
                     (std::size_t{glyph.width} * parsed->string.bits_per_pixel + 7) / 8 * glyph.height);
        }
      }
      break;
    }
    case 25: {
      auto parsed = parse_draw_stroke(body);
      check_clip(parsed, body.size());
      if (parsed) {
        check_image(parsed->brush.pattern);
        std::size_t points = 0;
        for (const auto& segment : parsed->path)
          points += segment.points.size();
        FUZZ_CHECK(parsed->path.size() * 5 + points * 8 + parsed->style.size() * 4 <= body.size());
      }
      break;
    }
    default: {
      auto parsed = parse_draw_composite(body);
      check_clip(parsed, body.size());
      if (parsed) {
        check_image(parsed->source);
        check_image(parsed->mask);
      }
      break;
    }
  }
}

void fuzz_pipeline(const std::uint8_t* data, std::size_t size) {
  auto pool = std::make_shared<fixed_memory_pool>(16u << 20);
  {
    display_settings settings;
    settings.pixmap_cache_pixels = 20 << 20;  // display.pixmap_cache_pixels
    settings.glz_window_pixels = 4 << 20;     // display.glz_window_pixels
    settings.account = memory_account(pool, "fuzz");
    display_pipeline pipeline(settings);
    std::size_t pos = 0;
    while (pos + 5 <= size) {
      const std::uint16_t type = static_cast<std::uint16_t>(data[pos] | data[pos + 1] << 8);
      std::size_t length = static_cast<std::size_t>(data[pos + 2] | data[pos + 3] << 8 | data[pos + 4] << 16);
      pos += 5;
      if (length > size - pos)
        length = size - pos;
      const bytes body(data + pos, data + pos + length);
      pos += length;
      const display_step step = pipeline.apply(type, body);
      if (const surface* primary = pipeline.surfaces().primary(); primary && !step.primary_damage.empty()) {
        FUZZ_CHECK(step.primary_damage.left >= 0 && step.primary_damage.top >= 0);
        FUZZ_CHECK(step.primary_damage.right <= static_cast<std::int64_t>(primary->width));
        FUZZ_CHECK(step.primary_damage.bottom <= static_cast<std::int64_t>(primary->height));
      }
      FUZZ_CHECK(step.outcome == display_outcome::applied || !step.error.empty() ||
                 step.outcome == display_outcome::unsupported);
      FUZZ_CHECK(pool->in_use() <= pool->limit());
    }
  }
  FUZZ_CHECK(pool->in_use() == 0);  // every surface, image and cache entry gave its memory back
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1)
    return 0;
  if (data[0] >= 0x40) {
    fuzz_pipeline(data + 1, size - 1);
    return 0;
  }
  const bytes body(data + 1, data + size);
  body_start = body.data();
  body_end = body.data() + body.size();
  fuzz_parser(data[0], body);
  return 0;
}
