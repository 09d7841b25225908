// The strokes scene: QXL_DRAW_STROKE as older Windows QXL drivers send it for
// LineTo/PolyLine (a path of straight segments, a zero-width pen, a solid
// brush, a raster operation), and the reference each stroke should render:
// X's zero-width Bresenham lines as spice-common's canvas draws them (lines.c,
// the X server's mi code): the default bias (an exact tie steps only along
// the major axis in octants 2 to 5), each line's end pixel left out
// (CapNotLast), 28.4 points rounded to the nearest pixel (a remainder of
// exactly one half rounds down).
#include <spice/enums.h>
#include <spice/qxl_dev.h>

#include <cmath>
#include <cstring>
#include <utility>

#include "content.hpp"
#include "scenes.hpp"

namespace vigil::test_server {
namespace {

// A path segment: SPICE_PATH_* flags and 28.4 fixed-point points.
struct segment {
  std::uint32_t flags = 0;
  std::vector<std::pair<int, int>> points;
};

int fixed(double pixels) { return static_cast<int>(std::lround(pixels * 16)); }

int round_fixed(int value) { return (value >> 4) + ((value & 0x0f) > 8 ? 1 : 0); }

// A SPICE_ROPD_* descriptor applied to a brush pixel over `dest` (xRGB).
std::uint32_t apply_mode(std::uint16_t mode, std::uint32_t brush, std::uint32_t dest) {
  const std::uint32_t in = (mode & SPICE_ROPD_INVERS_BRUSH) ? ~brush : brush;
  const std::uint32_t under = (mode & SPICE_ROPD_INVERS_DEST) ? ~dest : dest;
  std::uint32_t out = in;
  if (mode & SPICE_ROPD_OP_PUT)
    out = in;
  else if (mode & SPICE_ROPD_OP_OR)
    out = in | under;
  else if (mode & SPICE_ROPD_OP_AND)
    out = in & under;
  else if (mode & SPICE_ROPD_OP_XOR)
    out = in ^ under;
  else if (mode & SPICE_ROPD_OP_BLACKNESS)
    return 0;
  else if (mode & SPICE_ROPD_OP_WHITENESS)
    return 0xffffff;
  else if (mode & SPICE_ROPD_OP_INVERS)
    return ~dest & 0xffffff;
  if (mode & SPICE_ROPD_INVERS_RES)
    out = ~out;
  return out & 0xffffff;
}

// One zero-width line, stepped as X's mi code steps it, without its end pixel.
void reference_line(pixel_image& image, const rect& box, int x1, int y1, int x2, int y2, std::uint32_t color,
                    std::uint16_t mode) {
  const rect visible = intersection(box, image.bounds());
  auto plot = [&](long long x, long long y) {
    if (x >= visible.left && x < visible.right && y >= visible.top && y < visible.bottom) {
      std::uint32_t& d = image.at(static_cast<int>(x), static_cast<int>(y));
      d = apply_mode(mode, color, d);
    }
  };
  long long adx = x2 - x1, ady = y2 - y1;
  int sx = 1, sy = 1, octant = 0;
  if (adx < 0) {
    adx = -adx, sx = -1, octant |= 4;
  }
  if (ady < 0) {
    ady = -ady, sy = -1, octant |= 2;
  }
  const bool x_major = adx > ady;
  if (!x_major)
    octant |= 1;
  const int bias = (0xd8 >> octant) & 1;  // octants 2-5: octant values 3, 4, 6, 7
  long long x = x1, y = y1;
  if (x_major) {
    long long e = -adx - bias;
    for (long long i = 0; i < adx; ++i) {
      plot(x, y);
      e += 2 * ady;
      if (e >= 0) {
        y += sy;
        e -= 2 * adx;
      }
      x += sx;
    }
  } else {
    long long e = -ady - bias;
    for (long long i = 0; i < ady; ++i) {
      plot(x, y);
      e += 2 * adx;
      if (e >= 0) {
        x += sx;
        e -= 2 * ady;
      }
      y += sy;
    }
  }
}

void reference_polyline(pixel_image& image, const rect& box, const std::vector<std::pair<int, int>>& points,
                        std::uint32_t color, std::uint16_t mode) {
  for (std::size_t i = 1; i < points.size(); ++i)
    reference_line(image, box, points[i - 1].first, points[i - 1].second, points[i].first, points[i].second, color,
                   mode);
}

// The path's polylines (straight segments only): BEGIN starts one, END (with
// CLOSE: back to its first point) ends it.
void reference_path(pixel_image& image, const rect& box, const std::vector<segment>& path, std::uint32_t color,
                    std::uint16_t mode) {
  std::vector<std::pair<int, int>> current;
  for (const segment& s : path) {
    std::size_t next = 0;
    if (s.flags & SPICE_PATH_BEGIN) {
      reference_polyline(image, box, current, color, mode);
      current.clear();
      current.emplace_back(round_fixed(s.points[0].first), round_fixed(s.points[0].second));
      next = 1;
    }
    for (; next < s.points.size(); ++next)
      current.emplace_back(round_fixed(s.points[next].first), round_fixed(s.points[next].second));
    if (s.flags & SPICE_PATH_END) {
      if ((s.flags & SPICE_PATH_CLOSE) && !current.empty())
        current.push_back(current.front());
      reference_polyline(image, box, current, color, mode);
      current.clear();
    }
  }
  reference_polyline(image, box, current, color, mode);
}

// QXL_DRAW_STROKE of `path` within `box`: a QXLPath with one data chunk of
// QXLPathSegs, a solid brush (or none), `mode` as fore_mode.
void stroke(qxl_display& display, const rect& box, const std::vector<segment>& path, std::uint32_t color,
            std::uint16_t mode, std::uint8_t brush_type = SPICE_BRUSH_TYPE_SOLID) {
  const std::uint32_t drawn_color = brush_type == SPICE_BRUSH_TYPE_NONE ? 0 : color;
  auto build = [&](QXLDrawable& drawable, std::vector<std::uint8_t>& blob) {
    std::vector<std::uint8_t> segments;
    for (const segment& s : path) {
      const std::uint32_t header[2] = {s.flags, static_cast<std::uint32_t>(s.points.size())};
      const auto* raw = reinterpret_cast<const std::uint8_t*>(header);
      segments.insert(segments.end(), raw, raw + sizeof(header));
      for (const auto& [x, y] : s.points) {
        const std::int32_t point[2] = {x, y};
        raw = reinterpret_cast<const std::uint8_t*>(point);
        segments.insert(segments.end(), raw, raw + sizeof(point));
      }
    }
    blob.resize(sizeof(QXLPath) + segments.size());
    auto* qxl_path = reinterpret_cast<QXLPath*>(blob.data());
    qxl_path->data_size = static_cast<std::uint32_t>(segments.size());
    qxl_path->chunk.data_size = qxl_path->data_size;
    qxl_path->chunk.prev_chunk = 0;
    qxl_path->chunk.next_chunk = 0;
    std::memcpy(blob.data() + sizeof(QXLPath), segments.data(), segments.size());
    QXLStroke& qxl = drawable.u.stroke;
    qxl.path = reinterpret_cast<std::uintptr_t>(qxl_path);
    qxl.attr = QXLLineAttr{};
    qxl.brush.type = brush_type;
    qxl.brush.u.color = color;
    qxl.fore_mode = mode;
    qxl.back_mode = SPICE_ROPD_OP_PUT;
  };
  display.draw_built(0, QXL_DRAW_STROKE, box, build,
                     [&](pixel_image& image) { reference_path(image, box, path, drawn_color, mode); });
}

segment line(double x1, double y1, double x2, double y2) {
  return segment{SPICE_PATH_BEGIN | SPICE_PATH_END, {{fixed(x1), fixed(y1)}, {fixed(x2), fixed(y2)}}};
}

}  // namespace

std::vector<std::function<void(qxl_display&)>> stroke_steps() {
  std::vector<std::function<void(qxl_display&)>> steps;
  // A photo to draw on, so XOR, OR and AND show.
  steps.push_back([](qxl_display& display) {
    display.fill(0, display.reference(0).bounds(), xrgb(0x18, 0x20, 0x28));
    display.copy_image(0, 0, 384, photo_tile(1024, 384, 7));
  });
  // A star of lines in every octant, whole-pixel ends, so slopes of exactly
  // 1, 1/2 and 2 meet the bias on ties; each line its own polyline.
  steps.push_back([](qxl_display& display) {
    std::vector<segment> path;
    const int offsets[][2] = {{150, 0},  {150, 75},  {150, 150}, {75, 150},  {0, 150},   {-75, 150}, {-150, 150},
                              {-150, 75}, {-150, 0}, {-150, -75}, {-150, -150}, {-75, -150}, {0, -150}, {75, -150},
                              {150, -150}, {150, -75}, {140, 33}, {-33, 140}, {-140, -33}, {33, -140}, {97, -61},
                              {-61, -97}, {-97, 61}, {61, 97}, {1, 0}, {0, 1}, {1, 1}, {0, 0}};
    for (const auto& o : offsets)
      path.push_back(line(200, 190, 200 + o[0], 190 + o[1]));
    stroke(display, rect{0, 0, 1024, 384}, path, xrgb(0xf0, 0xf0, 0xe0), SPICE_ROPD_OP_PUT);
  });
  // One polyline over several segments (BEGIN, a plain one, END | CLOSE),
  // at fractional points (remainders of 7/16, 8/16 and 9/16 round
  // differently), XOR over the photo: its closing line crosses the others.
  steps.push_back([](qxl_display& display) {
    std::vector<segment> path;
    path.push_back(segment{SPICE_PATH_BEGIN, {{fixed(420.4375), fixed(420.5)}, {fixed(700.5625), fixed(450.5)}}});
    path.push_back(segment{0, {{fixed(650.5), fixed(700.4375)}, {fixed(430.25), fixed(520.75)}}});
    path.push_back(segment{SPICE_PATH_END | SPICE_PATH_CLOSE, {{fixed(760.5625), fixed(600.0625)}}});
    stroke(display, rect{0, 384, 1024, 768}, path, xrgb(0xff, 0xff, 0xff), SPICE_ROPD_OP_XOR);
  });
  // Lines leaving the surface on every side (X clips them to the surface
  // and must draw the same pixels as unclipped), PUT.
  steps.push_back([](qxl_display& display) {
    std::vector<segment> path;
    path.push_back(line(500, 100, -3000, 130));
    path.push_back(line(500, 100, 2900, 771));
    path.push_back(line(510, 300, 517, -5000));
    path.push_back(line(-40, 700, 1100, 650));
    path.push_back(line(900, 900, 1030, -20));
    path.push_back(line(-200, -100, 300, 1500));
    stroke(display, rect{0, 0, 1024, 768}, path, xrgb(0xff, 0xd0, 0x20), SPICE_ROPD_OP_PUT);
  });
  // A box smaller than the lines cuts them; OR with the brush inverted.
  steps.push_back([](qxl_display& display) {
    std::vector<segment> path;
    for (int i = 0; i < 12; ++i)
      path.push_back(line(560 + 9 * i, 10, 860 - 13 * i, 370));
    stroke(display, rect{600, 60, 820, 330}, path, xrgb(0x30, 0xc0, 0x40),
           SPICE_ROPD_OP_OR | SPICE_ROPD_INVERS_BRUSH);
  });
  // AND over the photo, then a NONE brush (the reference draws it black)
  // and an inverted-result PUT, on two polylines of one path each.
  steps.push_back([](qxl_display& display) {
    std::vector<segment> and_path{segment{SPICE_PATH_BEGIN | SPICE_PATH_END | SPICE_PATH_CLOSE,
                                          {{fixed(100), fixed(420)}, {fixed(380), fixed(500)}, {fixed(150), fixed(740)}}}};
    stroke(display, rect{0, 384, 1024, 768}, and_path, xrgb(0x80, 0x40, 0xff), SPICE_ROPD_OP_AND);
    std::vector<segment> none_path{line(820, 400, 1000, 760), line(1000, 400, 820, 760)};
    stroke(display, rect{0, 384, 1024, 768}, none_path, 0x123456, SPICE_ROPD_OP_PUT, SPICE_BRUSH_TYPE_NONE);
    std::vector<segment> inverted{line(30, 30, 90, 360), line(90, 30, 30, 360)};
    stroke(display, rect{0, 0, 1024, 384}, inverted, xrgb(0x00, 0x40, 0xff), SPICE_ROPD_OP_PUT | SPICE_ROPD_INVERS_RES);
  });
  return steps;
}

}  // namespace vigil::test_server
