// Drawing throughput of the canvas (protocol/canvas.hpp) for the drawings a
// session is made of, at 1024x768 and 1920x1080: each common drawing on its
// row path (a plain DRAW_COPY of a whole-screen image, a solid DRAW_FILL,
// a COPY_BITS scroll by one text line, an unscaled video frame) next to the
// same work forced through the generic raster path (an all-ones mask, a
// one-pixel pattern), and a frame patch built from the
// changed rectangles (actors/frame_patch.hpp: the only copy the window path
// adds). Bytes processed are the pixels written (width * height * 4).
// DRAW_STROKE: 200 zero-width lines across the screen, solid and dashed
// {4, 2}, the dashed ones horizontal (the closed-form way) and slanted
// (X's dash polygons); items processed are the lines' pixels.
#include <benchmark/benchmark.h>
#include <spice/enums.h>

#include <cstdint>
#include <random>
#include <vector>

#include "actors/frame_patch.hpp"
#include "protocol/canvas.hpp"
#include "protocol/stroke_dash.hpp"

namespace {

using namespace vigil::protocol;

struct screen {
  canvas surfaces;
  decoded_image picture;  // a whole-screen image to copy
  decoded_image ones;     // an all-ones mask bitmap
  mask_image everywhere;  // a mask allowing every pixel (the generic path)
  std::int32_t width, height;

  screen(std::int32_t w, std::int32_t h) : width(w), height(h) {
    surface_create create;
    create.width = static_cast<std::uint32_t>(w);
    create.height = static_cast<std::uint32_t>(h);
    create.format = SPICE_SURFACE_FMT_32_xRGB;
    create.flags = SPICE_SURFACE_FLAGS_PRIMARY;
    surfaces.create_surface(create);
    std::mt19937 random(1);
    picture.width = ones.width = create.width;
    picture.height = ones.height = create.height;
    picture.pixels.resize(std::size_t(w) * h);
    for (auto& pixel : picture.pixels)
      pixel = random() & 0xffffff;
    ones.pixels.assign(picture.pixels.size(), 1);
    everywhere.bits = &ones;
  }
  display_base whole() const {
    display_base base;
    base.box = rect{0, 0, height, width};
    return base;
  }
  rect bounds() const { return rect{0, 0, height, width}; }
  std::int64_t bytes() const { return std::int64_t{width} * height * 4; }
};

void set_size(benchmark::State& state, const screen& s, std::int64_t bytes_per_iteration) {
  state.SetBytesProcessed(state.iterations() * bytes_per_iteration);
  state.SetLabel(std::to_string(s.width) + "x" + std::to_string(s.height));
}

void copy_plain(benchmark::State& state) {
  screen s(static_cast<std::int32_t>(state.range(0)), static_cast<std::int32_t>(state.range(1)));
  for (auto _ : state)
    benchmark::DoNotOptimize(s.surfaces.copy(s.whole(), s.picture, s.bounds(), SPICE_ROPD_OP_PUT, nullptr));
  set_size(state, s, s.bytes());
}

void copy_generic(benchmark::State& state) {
  screen s(static_cast<std::int32_t>(state.range(0)), static_cast<std::int32_t>(state.range(1)));
  for (auto _ : state)
    benchmark::DoNotOptimize(s.surfaces.copy(s.whole(), s.picture, s.bounds(), SPICE_ROPD_OP_PUT, &s.everywhere));
  set_size(state, s, s.bytes());
}

void fill_solid(benchmark::State& state) {
  screen s(static_cast<std::int32_t>(state.range(0)), static_cast<std::int32_t>(state.range(1)));
  paint brush;
  brush.type = SPICE_BRUSH_TYPE_SOLID;
  brush.color = 0x336699;
  for (auto _ : state)
    benchmark::DoNotOptimize(s.surfaces.fill(s.whole(), brush, SPICE_ROPD_OP_PUT, nullptr));
  set_size(state, s, s.bytes());
}

void fill_generic(benchmark::State& state) {
  screen s(static_cast<std::int32_t>(state.range(0)), static_cast<std::int32_t>(state.range(1)));
  decoded_image tile;
  tile.width = tile.height = 1;
  tile.pixels = {0x336699};
  paint brush;
  brush.type = SPICE_BRUSH_TYPE_PATTERN;
  brush.pattern = &tile;
  for (auto _ : state)
    benchmark::DoNotOptimize(s.surfaces.fill(s.whole(), brush, SPICE_ROPD_OP_PUT, nullptr));
  set_size(state, s, s.bytes());
}

// A terminal's scroll: everything but the last 16-pixel line moves up one line.
display_base scroll_box(const screen& s) {
  display_base base;
  base.box = rect{0, 0, s.height - 16, s.width};
  return base;
}

void scroll_rows(benchmark::State& state) {
  screen s(static_cast<std::int32_t>(state.range(0)), static_cast<std::int32_t>(state.range(1)));
  const display_base base = scroll_box(s);
  for (auto _ : state)
    benchmark::DoNotOptimize(s.surfaces.copy_bits(base, point{0, 16}));
  set_size(state, s, (s.height - 16) * std::int64_t{s.width} * 4);
}

void video_frame_unscaled(benchmark::State& state) {
  screen s(static_cast<std::int32_t>(state.range(0)), static_cast<std::int32_t>(state.range(1)));
  decoded_image frame;
  frame.width = 320;
  frame.height = 240;
  frame.pixels.assign(320 * 240, 0x808080);
  const rect dest{100, 100, 340, 420};
  for (auto _ : state)
    benchmark::DoNotOptimize(s.surfaces.put_frame(0, dest, clip{}, frame, false));
  state.SetBytesProcessed(state.iterations() * 320 * 240 * 4);
}

// The copy a window adds per frame: the changed rectangles out of the surface.
void frame_patch_whole(benchmark::State& state) {
  screen s(static_cast<std::int32_t>(state.range(0)), static_cast<std::int32_t>(state.range(1)));
  auto pool = vigil::pixel_buffer_pool::make();
  const surface& primary = *s.surfaces.primary();
  for (auto _ : state)
    benchmark::DoNotOptimize(vigil::make_frame_patch(primary, {}, {primary.bounds()}, true, 1, pool.get()));
  set_size(state, s, s.bytes());
}

// 200 polylines of one line across the screen: horizontal, or rising by a third of its height.
std::vector<std::vector<point>> across(const screen& s, bool slanted) {
  std::vector<std::vector<point>> lines;
  for (std::int32_t i = 0; i < 200; ++i) {
    const std::int32_t y = i * (s.height - 1) / 200;
    lines.push_back({{0, y}, {s.width - 1, slanted ? (y + s.height / 3) % s.height : y}});
  }
  return lines;
}

void stroke_lines(benchmark::State& state, bool dashed, bool slanted) {
  screen s(static_cast<std::int32_t>(state.range(0)), static_cast<std::int32_t>(state.range(1)));
  paint brush;
  brush.type = SPICE_BRUSH_TYPE_SOLID;
  brush.color = 0xffd020;
  const auto lines = across(s, slanted);
  const auto pattern = dash_pattern::from_style(SPICE_LINE_FLAGS_STYLED, {4 * 16, 2 * 16});
  for (auto _ : state)
    benchmark::DoNotOptimize(
      s.surfaces.stroke(s.whole(), lines, brush, SPICE_ROPD_OP_PUT, dashed ? &*pattern : nullptr));
  state.SetItemsProcessed(state.iterations() * 200 * (s.width - 1));
  state.SetLabel(std::to_string(s.width) + "x" + std::to_string(s.height));
}
void stroke_solid_slanted(benchmark::State& state) { stroke_lines(state, false, true); }
void stroke_dashed_horizontal(benchmark::State& state) { stroke_lines(state, true, false); }
void stroke_dashed_slanted(benchmark::State& state) { stroke_lines(state, true, true); }

#define SIZES ->Args({1024, 768})->Args({1920, 1080})->Unit(benchmark::kMicrosecond)
BENCHMARK(copy_plain) SIZES;
BENCHMARK(copy_generic) SIZES;
BENCHMARK(fill_solid) SIZES;
BENCHMARK(fill_generic) SIZES;
BENCHMARK(scroll_rows) SIZES;
BENCHMARK(video_frame_unscaled)->Args({1024, 768})->Unit(benchmark::kMicrosecond);
BENCHMARK(frame_patch_whole) SIZES;
BENCHMARK(stroke_solid_slanted) SIZES;
BENCHMARK(stroke_dashed_horizontal) SIZES;
BENCHMARK(stroke_dashed_slanted) SIZES;

}  // namespace

BENCHMARK_MAIN();
