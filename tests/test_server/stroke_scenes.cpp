// The strokes scene: QXL_DRAW_STROKE as older Windows QXL drivers send it for
// LineTo/PolyLine and PolyBezier (a path of straight segments and cubic
// curves, a zero-width pen, solid or dashed, a solid or pattern brush, a
// raster operation), and the reference each stroke should render: X's
// zero-width Bresenham lines as spice-common's canvas draws them (lines.c,
// the X server's mi code): the default bias (an exact tie steps only along
// the major axis in octants 2 to 5), each line's end pixel left out
// (CapNotLast), 28.4 points rounded to the nearest pixel (a remainder of
// exactly one half rounds down). Dashed lines: X's one-pixel-wide dashes,
// horizontal and vertical ones by reference_dashed_polyline; polylines with
// lines at other angles by Vigil's own protocol/stroke_dash.hpp, whose
// floating-point polygons this program cannot derive any other way than the
// reference does: there the check is spice-server's rendering, which the
// server compares with this reference when the scene completes (`reference
// check=match`).
#include <spice/enums.h>
#include <spice/qxl_dev.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <set>
#include <utility>

#include "content.hpp"
#include "protocol/stroke_dash.hpp"
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
// The brush's colour at a pixel.
using pixel_brush = std::function<std::uint32_t(int x, int y)>;

void reference_line(pixel_image& image, const rect& box, int x1, int y1, int x2, int y2, const pixel_brush& pen,
                    std::uint16_t mode) {
  const rect visible = intersection(box, image.bounds());
  auto plot = [&](long long x, long long y) {
    if (x >= visible.left && x < visible.right && y >= visible.top && y < visible.bottom) {
      std::uint32_t& d = image.at(static_cast<int>(x), static_cast<int>(y));
      d = apply_mode(mode, pen(static_cast<int>(x), static_cast<int>(y)), d);
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
                        const pixel_brush& pen, std::uint16_t mode) {
  for (std::size_t i = 1; i < points.size(); ++i)
    reference_line(image, box, points[i - 1].first, points[i - 1].second, points[i].first, points[i].second, pen,
                   mode);
}

struct fixed_point {
  long long x = 0, y = 0;
};
fixed_point to_fixed(const std::pair<int, int>& p) { return {p.first, p.second}; }
fixed_point half_way(const fixed_point& a, const fixed_point& b) { return {(a.x + b.x) / 2, (a.y + b.y) / 2}; }

// A cubic curve from p0 as spice-common's canvas flattens it: split in
// halves until both inner control points lie close to the chord (its
// integer test, in 28.4), each flat piece one line to its end.
void flatten_curve(std::vector<std::pair<int, int>>& polyline, fixed_point p0, fixed_point p1, fixed_point p2,
                   fixed_point p3) {
  auto dot = [](long long ax, long long ay, long long bx, long long by) { return (ax * bx + ay * by) >> 4; };
  const long long a2 = dot(p1.x - p0.x, p1.y - p0.y, p1.x - p0.x, p1.y - p0.y);
  const long long b2 = dot(p3.x - p0.x, p3.y - p0.y, p3.x - p0.x, p3.y - p0.y);
  const long long c2 = dot(p2.x - p3.x, p2.y - p3.y, p2.x - p3.x, p2.y - p3.y);
  const long long ab = dot(p1.x - p0.x, p1.y - p0.y, p3.x - p0.x, p3.y - p0.y);
  const long long cb = dot(p2.x - p3.x, p2.y - p3.y, p0.x - p3.x, p0.y - p3.y);
  if (((a2 * b2 - ab * ab) >> 3) < b2 && ((c2 * b2 - cb * cb) >> 3) < b2) {
    polyline.emplace_back(round_fixed(static_cast<int>(p3.x)), round_fixed(static_cast<int>(p3.y)));
    return;
  }
  const fixed_point p01 = half_way(p0, p1), p12 = half_way(p1, p2), p23 = half_way(p2, p3);
  const fixed_point p012 = half_way(p01, p12), p123 = half_way(p12, p23), mid = half_way(p012, p123);
  flatten_curve(polyline, p0, p01, p012, mid);
  flatten_curve(polyline, mid, p123, p23, p3);
}

using polyline = std::vector<std::pair<int, int>>;

// The path's polylines: BEGIN starts one, BEZIER segments add curves from
// its last point, END (with CLOSE: back to its first point) ends it; each
// handed to `draw` as it ends.
void reference_path(const std::vector<segment>& path, const std::function<void(const polyline&)>& draw) {
  polyline current;
  for (const segment& s : path) {
    std::size_t next = 0;
    if (s.flags & SPICE_PATH_BEGIN) {
      draw(current);
      current.clear();
      current.emplace_back(round_fixed(s.points[0].first), round_fixed(s.points[0].second));
      next = 1;
    }
    if (s.flags & SPICE_PATH_BEZIER) {
      for (; next + 2 < s.points.size(); next += 3) {
        const fixed_point start{current.back().first * 16LL, current.back().second * 16LL};
        flatten_curve(current, start, to_fixed(s.points[next]), to_fixed(s.points[next + 1]),
                      to_fixed(s.points[next + 2]));
      }
    }
    for (; next < s.points.size(); ++next)
      current.emplace_back(round_fixed(s.points[next].first), round_fixed(s.points[next].second));
    if (s.flags & SPICE_PATH_END) {
      if ((s.flags & SPICE_PATH_CLOSE) && !current.empty())
        current.push_back(current.front());
      draw(current);
      current.clear();
    }
  }
  draw(current);
}

// A STYLED line attribute: SPICE_LINE_FLAGS_* and 28.4 dash lengths.
struct dashes {
  std::uint8_t flags = SPICE_LINE_FLAGS_STYLED;
  std::vector<int> style;
};

// Where X's dash pattern is: dash `index`, `used` pixels of it gone.
struct dash_walk {
  std::vector<int> lengths;
  std::size_t index = 0;
  int used = 0;
  void next() {
    index = (index + 1) % lengths.size();
    used = 0;
  }
  void pass_spent() {  // every dash with nothing left (empty ones too)
    while (used == lengths[index])
      next();
  }
};

// The dash list the reference canvas hands X: lengths rounded to pixels and
// kept in a byte; START_WITH_GAP moves the first length to the end and
// starts the pattern the new first length further on.
dash_walk reference_dashes(const dashes& d) {
  dash_walk walk;
  const std::size_t n = d.style.size();
  const bool gap = d.flags & SPICE_LINE_FLAGS_START_WITH_GAP;
  for (std::size_t i = 0; i < n; ++i)
    walk.lengths.push_back(round_fixed(d.style[gap ? (i + 1) % n : i]) & 0xff);
  const int skip = gap ? walk.lengths[0] : 0;
  for (int i = 0; i < skip; ++i) {
    walk.pass_spent();
    ++walk.used;
  }
  walk.pass_spent();
  return walk;
}

// One dashed polyline as X's one-pixel-wide dashes fill it: pixel i of a
// line (the half-open span between its ends, so one back when it runs left
// or up) drawn while the pattern is in an even-numbered dash; a turn's
// miter adds the corner pixel when the uncovered quarter at the corner
// (along the way in, against the way out) lies right of and below it.
void reference_dashed_polyline(std::set<std::pair<int, int>>& pixels, const polyline& points, dash_walk dash) {
  if (points.empty())
    return;
  using step = std::pair<int, int>;
  auto corner = [&](step in, step out, std::pair<int, int> at) {
    if (in.first - out.first == 1 && in.second - out.second == 1)
      pixels.insert(at);
  };
  const bool closed = points.front() == points.back();
  bool any = false, first_on = false, last_on = false;
  step first_way, last_way;
  for (std::size_t k = 1; k < points.size(); ++k) {
    const auto [x1, y1] = points[k - 1];
    const auto [x2, y2] = points[k];
    if (x1 == x2 && y1 == y2)
      continue;
    const step way{(x2 > x1) - (x2 < x1), (y2 > y1) - (y2 < y1)};
    const long long length = std::llabs(static_cast<long long>(x2) - x1) + std::llabs(static_cast<long long>(y2) - y1);
    const bool start_on = dash.index % 2 == 0;
    for (long long i = 0; i < length; ++i) {
      dash.pass_spent();
      if (dash.index % 2 == 0) {
        const long long along = way.first + way.second > 0 ? i : i + 1;
        pixels.insert({static_cast<int>(x1 + way.first * along), static_cast<int>(y1 + way.second * along)});
      }
      ++dash.used;
    }
    if (dash.used == dash.lengths[dash.index])
      dash.next();  // a dash ending with the line is passed, one only
    const bool end_on = (dash.index % 2 == 1) != (dash.used != 0);
    if (start_on && any && last_on)
      corner(last_way, way, {x1, y1});
    if (!any) {
      first_on = start_on && closed;
      first_way = way;
    }
    last_way = way;
    last_on = end_on;
    any = true;
  }
  if (any && closed && first_on && last_on)
    corner(last_way, first_way, points.front());
}

// A pattern brush: `tile` repeated from (x, y).
struct pattern {
  pixel_image tile;
  int x = 0, y = 0;
  std::uint32_t image_id = 0;
};

// QXL_DRAW_STROKE of `path` within `box`: a QXLPath with one data chunk of
// QXLPathSegs, a solid brush (or none, or `tile`), `mode` as fore_mode,
// solid or dashed by `dash`.
void stroke(qxl_display& display, const rect& box, const std::vector<segment>& path, std::uint32_t color,
            std::uint16_t mode, std::uint8_t brush_type = SPICE_BRUSH_TYPE_SOLID, const pattern* tile = nullptr,
            const dashes* dash = nullptr) {
  const std::uint32_t drawn_color = brush_type == SPICE_BRUSH_TYPE_NONE ? 0 : color;
  const pixel_brush pen = [&](int x, int y) {
    if (tile == nullptr)
      return drawn_color;
    const int w = tile->tile.width, h = tile->tile.height;
    return tile->tile.at(((x - tile->x) % w + w) % w, ((y - tile->y) % h + h) % h);
  };
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
    const std::size_t image_at = (sizeof(QXLPath) + segments.size() + 7) / 8 * 8;
    const std::size_t pixels_at = image_at + sizeof(QXLImage);
    const std::size_t pixels_end = tile ? pixels_at + tile->tile.pixels.size() * 4 : image_at;
    const std::size_t style_at = (pixels_end + 7) / 8 * 8;
    blob.resize(dash ? style_at + dash->style.size() * sizeof(QXLFIXED) : pixels_end);
    auto* qxl_path = reinterpret_cast<QXLPath*>(blob.data());
    qxl_path->data_size = static_cast<std::uint32_t>(segments.size());
    qxl_path->chunk.data_size = qxl_path->data_size;
    qxl_path->chunk.prev_chunk = 0;
    qxl_path->chunk.next_chunk = 0;
    std::memcpy(blob.data() + sizeof(QXLPath), segments.data(), segments.size());
    QXLStroke& qxl = drawable.u.stroke;
    qxl.path = reinterpret_cast<std::uintptr_t>(qxl_path);
    qxl.attr = QXLLineAttr{};
    if (dash) {
      for (std::size_t i = 0; i < dash->style.size(); ++i) {
        const QXLFIXED length = dash->style[i];
        std::memcpy(blob.data() + style_at + i * sizeof(QXLFIXED), &length, sizeof(length));
      }
      qxl.attr.flags = dash->flags;
      qxl.attr.style_nseg = static_cast<std::uint8_t>(dash->style.size());
      qxl.attr.style = reinterpret_cast<std::uintptr_t>(blob.data() + style_at);
    }
    qxl.brush.type = brush_type;
    qxl.brush.u.color = color;
    if (tile) {
      auto* image = reinterpret_cast<QXLImage*>(blob.data() + image_at);
      *image = QXLImage{};
      std::memcpy(blob.data() + pixels_at, tile->tile.pixels.data(), tile->tile.pixels.size() * 4);
      QXL_SET_IMAGE_ID(image, QXL_IMAGE_GROUP_DEVICE, tile->image_id);
      image->descriptor.type = SPICE_IMAGE_TYPE_BITMAP;
      image->descriptor.width = image->bitmap.x = static_cast<std::uint32_t>(tile->tile.width);
      image->descriptor.height = image->bitmap.y = static_cast<std::uint32_t>(tile->tile.height);
      image->bitmap.format = SPICE_BITMAP_FMT_32BIT;
      image->bitmap.flags = QXL_BITMAP_DIRECT | QXL_BITMAP_TOP_DOWN;
      image->bitmap.stride = static_cast<std::uint32_t>(tile->tile.width * 4);
      image->bitmap.data = reinterpret_cast<std::uintptr_t>(blob.data() + pixels_at);
      qxl.brush.type = SPICE_BRUSH_TYPE_PATTERN;
      qxl.brush.u.pattern.pat = reinterpret_cast<std::uintptr_t>(image);
      qxl.brush.u.pattern.pos.x = tile->x;
      qxl.brush.u.pattern.pos.y = tile->y;
    }
    qxl.fore_mode = mode;
    qxl.back_mode = SPICE_ROPD_OP_PUT;
  };
  display.draw_built(0, QXL_DRAW_STROKE, box, build, [&](pixel_image& image) {
    if (!dash) {
      reference_path(path, [&](const polyline& points) { reference_polyline(image, box, points, pen, mode); });
      return;
    }
    const rect visible = intersection(box, image.bounds());
    const dash_walk start = reference_dashes(*dash);
    auto pattern = protocol::dash_pattern::from_style(dash->flags, std::vector<std::int32_t>(dash->style.begin(), dash->style.end()));
    // X's GX code of the mode: its result for brush and destination all ones or all zeros.
    auto bit = [&](std::uint32_t in, std::uint32_t dest) { return apply_mode(mode, in, dest) & 1u; };
    const auto function = static_cast<std::uint8_t>(bit(~0u, ~0u) | bit(~0u, 0) << 1 | bit(0, ~0u) << 2 | bit(0, 0) << 3);
    const std::vector<protocol::rect> region{{visible.top, visible.left, visible.bottom, visible.right}};
    reference_path(path, [&](const polyline& points) {
      std::set<std::pair<int, int>> pixels;  // each painted once, whatever the mode
      bool aligned = true;
      for (std::size_t i = 1; i < points.size(); ++i)
        aligned = aligned && (points[i].first == points[i - 1].first || points[i].second == points[i - 1].second);
      if (aligned) {
        reference_dashed_polyline(pixels, points, start);
      } else {
        std::vector<protocol::point> vertices;
        for (const auto& [x, y] : points)
          vertices.push_back({x, y});
        protocol::draw_dashed_polylines({vertices}, *pattern, protocol::joins_every_miter(function), region,
                                        [&](std::int32_t x, std::int32_t y) { pixels.insert({x, y}); });
      }
      for (const auto& [x, y] : pixels)
        if (x >= visible.left && x < visible.right && y >= visible.top && y < visible.bottom)
          image.at(x, y) = apply_mode(mode, pen(x, y), image.at(x, y));
    });
  });
}

segment line(double x1, double y1, double x2, double y2) {
  return segment{SPICE_PATH_BEGIN | SPICE_PATH_END, {{fixed(x1), fixed(y1)}, {fixed(x2), fixed(y2)}}};
}

// One polyline (BEGIN and END in one segment), closed back to its first point with `close`.
segment polyline_path(const std::vector<std::pair<double, double>>& points, bool close = false) {
  segment s{SPICE_PATH_BEGIN | SPICE_PATH_END | (close ? std::uint32_t{SPICE_PATH_CLOSE} : 0u), {}};
  for (const auto& [x, y] : points)
    s.points.emplace_back(fixed(x), fixed(y));
  return s;
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
  // Cubic curves: an S, a loop, a circle of four curves closed, fractional
  // control points; PUT.
  steps.push_back([](qxl_display& display) {
    std::vector<segment> path;
    path.push_back(segment{SPICE_PATH_BEGIN, {{fixed(300), fixed(30)}}});
    path.push_back(segment{SPICE_PATH_BEZIER | SPICE_PATH_END,
                           {{fixed(520), fixed(-60)}, {fixed(240), fixed(400)}, {fixed(480.5625), fixed(330.5)}}});
    path.push_back(segment{SPICE_PATH_BEGIN, {{fixed(520), fixed(60)}}});
    path.push_back(segment{SPICE_PATH_BEZIER | SPICE_PATH_END,
                           {{fixed(700), fixed(360)}, {fixed(380.25), fixed(360.75)}, {fixed(560), fixed(60)}}});
    const double cx = 880, cy = 560, k = 0.5523 * 90;
    path.push_back(segment{SPICE_PATH_BEGIN, {{fixed(cx + 90), fixed(cy)}}});
    path.push_back(segment{SPICE_PATH_BEZIER,
                           {{fixed(cx + 90), fixed(cy + k)}, {fixed(cx + k), fixed(cy + 90)}, {fixed(cx), fixed(cy + 90)},
                            {fixed(cx - k), fixed(cy + 90)}, {fixed(cx - 90), fixed(cy + k)}, {fixed(cx - 90), fixed(cy)}}});
    path.push_back(segment{SPICE_PATH_BEZIER | SPICE_PATH_END | SPICE_PATH_CLOSE,
                           {{fixed(cx - 90), fixed(cy - k)}, {fixed(cx - k), fixed(cy - 90)}, {fixed(cx), fixed(cy - 90)},
                            {fixed(cx + k), fixed(cy - 90)}, {fixed(cx + 90), fixed(cy - k)}, {fixed(cx + 90), fixed(cy)}}});
    stroke(display, rect{0, 0, 1024, 768}, path, xrgb(0x60, 0xf0, 0xff), SPICE_ROPD_OP_PUT);
  });
  // A pattern brush (an 8x6 tile from (3, 5)), PUT and XOR.
  steps.push_back([](qxl_display& display) {
    pattern tile{pixel_image(8, 6), 3, 5, 0x57000001};
    for (int y = 0; y < 6; ++y)
      for (int x = 0; x < 8; ++x)
        tile.tile.at(x, y) = xrgb(x * 32, y * 40, (x + y) % 2 ? 0xff : 0x20);
    std::vector<segment> put_path;
    for (int i = 0; i < 8; ++i)
      put_path.push_back(line(20 + 30 * i, 700, 260 - 25 * i, 420));
    stroke(display, rect{0, 384, 1024, 768}, put_path, 0, SPICE_ROPD_OP_PUT, SPICE_BRUSH_TYPE_PATTERN, &tile);
    pattern xor_tile = tile;
    xor_tile.x = -7;
    xor_tile.image_id = 0x57000002;
    stroke(display, rect{0, 0, 1024, 768}, {line(0, 767, 1023, 0), line(0, 0, 1023, 767)}, 0, SPICE_ROPD_OP_XOR,
           SPICE_BRUSH_TYPE_PATTERN, &xor_tile);
  });
  // Dashed (STYLED) lines, horizontal and vertical, as Windows cosmetic
  // PS_DASH/PS_DOT pens send them: a spiral turning every way (dashes
  // running on across its lines and corners), fractional lengths, START_WITH_GAP,
  // an odd-length list, an empty dash, lengths past 255 and below zero
  // (kept in a byte), lines leaving the surface on every side; PUT.
  steps.push_back([](qxl_display& display) {
    const std::vector<std::pair<double, double>> spiral{{300, 200}, {360, 200}, {360, 150}, {300, 150}, {300, 180},
                                                        {330, 180}, {330, 250}, {250, 250}, {250, 100}, {400, 100},
                                                        {400, 260}, {400, 260}, {240, 260}, {240, 90}};
    const dashes dash_dot{SPICE_LINE_FLAGS_STYLED, {fixed(5.5625), fixed(3), fixed(1.5), fixed(2)}};
    stroke(display, rect{0, 0, 1024, 768}, {polyline_path(spiral)}, xrgb(0xff, 0xf0, 0x40), SPICE_ROPD_OP_PUT,
           SPICE_BRUSH_TYPE_SOLID, nullptr, &dash_dot);
    std::vector<std::pair<double, double>> shifted;
    for (const auto& [x, y] : spiral)
      shifted.emplace_back(x + 200, y + 20.5);
    const dashes with_gap{SPICE_LINE_FLAGS_STYLED | SPICE_LINE_FLAGS_START_WITH_GAP, {fixed(4), fixed(2), fixed(6)}};
    stroke(display, rect{0, 0, 1024, 768}, {polyline_path(shifted)}, xrgb(0x40, 0xff, 0x80), SPICE_ROPD_OP_PUT,
           SPICE_BRUSH_TYPE_SOLID, nullptr, &with_gap);
    const dashes odd{SPICE_LINE_FLAGS_STYLED, {fixed(3), fixed(2), fixed(1), fixed(0), fixed(2)}};
    const dashes wrapped{SPICE_LINE_FLAGS_STYLED, {fixed(260), fixed(3), fixed(-1), fixed(7)}};
    std::vector<segment> rows;
    for (int i = 0; i < 6; ++i)
      rows.push_back(i % 2 ? line(40 + i, 300 + 6 * i, 220, 300 + 6 * i) : line(220, 300 + 6 * i, 40 + i, 300 + 6 * i));
    stroke(display, rect{0, 0, 1024, 768}, rows, xrgb(0xff, 0x60, 0x60), SPICE_ROPD_OP_PUT, SPICE_BRUSH_TYPE_SOLID,
           nullptr, &odd);
    std::vector<segment> leaving{line(-3000, 700, 3000, 700), line(3000, 710, -3000, 710), line(1010, -2000, 1010, 2000),
                                 line(1000, 2000, 1000, -2000), line(500, 740, 500, 5000)};
    stroke(display, rect{0, 0, 1024, 768}, leaving, xrgb(0x80, 0xc0, 0xff), SPICE_ROPD_OP_PUT, SPICE_BRUSH_TYPE_SOLID,
           nullptr, &wrapped);
  });
  // Dashed XOR: every pixel of a polyline changes once even where it meets
  // itself (rectangles closing on their first point, a line drawn back over
  // itself), a pixel two polylines share twice; dotted rectangles both ways
  // round, one closing with a turn whose corner its miter fills.
  steps.push_back([](qxl_display& display) {
    auto box_path = [](std::vector<std::pair<int, int>> corners) {
      segment s{SPICE_PATH_BEGIN | SPICE_PATH_END | SPICE_PATH_CLOSE, {}};
      for (const auto& [x, y] : corners)
        s.points.emplace_back(fixed(x), fixed(y));
      return s;
    };
    const dashes dots{SPICE_LINE_FLAGS_STYLED, {fixed(1), fixed(1)}};
    const dashes dots_gap{SPICE_LINE_FLAGS_STYLED | SPICE_LINE_FLAGS_START_WITH_GAP, {fixed(1), fixed(1)}};
    const dashes long_dashes{SPICE_LINE_FLAGS_STYLED, {fixed(10), fixed(5)}};
    stroke(display, rect{0, 0, 1024, 768},
           {box_path({{520, 420}, {620, 420}, {620, 520}, {520, 520}}),
            box_path({{660, 420}, {660, 521}, {761, 521}, {761, 420}})},
           xrgb(0xff, 0xff, 0xff), SPICE_ROPD_OP_XOR, SPICE_BRUSH_TYPE_SOLID, nullptr, &dots);
    stroke(display, rect{0, 0, 1024, 768}, {box_path({{530, 430}, {611, 430}, {611, 511}, {530, 511}})},
           xrgb(0xff, 0x00, 0xff), SPICE_ROPD_OP_XOR, SPICE_BRUSH_TYPE_SOLID, nullptr, &dots_gap);
    stroke(display, rect{0, 0, 1024, 768},
           {box_path({{900, 520}, {900, 420}, {800, 420}, {800, 520}}),
            segment{SPICE_PATH_BEGIN | SPICE_PATH_END,
                    {{fixed(600), fixed(600)}, {fixed(700), fixed(600)}, {fixed(650), fixed(600)}, {fixed(650), fixed(560)},
                     {fixed(650), fixed(640)}}},
            line(600, 610, 700, 610), line(640, 610, 680, 610)},
           xrgb(0x40, 0xff, 0xff), SPICE_ROPD_OP_XOR, SPICE_BRUSH_TYPE_SOLID, nullptr, &long_dashes);
  });
  // A dashed pattern brush, and OR with the brush inverted in a box that
  // cuts the lines.
  steps.push_back([](qxl_display& display) {
    pattern tile{pixel_image(5, 7), 2, 1, 0x57000003};
    for (int y = 0; y < 7; ++y)
      for (int x = 0; x < 5; ++x)
        tile.tile.at(x, y) = xrgb(x * 50, 0xff - y * 30, (x * y) % 2 ? 0xff : 0x10);
    const dashes dash{SPICE_LINE_FLAGS_STYLED, {fixed(6), fixed(2), fixed(2), fixed(2)}};
    std::vector<segment> comb;
    for (int i = 0; i < 10; ++i)
      comb.push_back(i % 2 ? line(40 + 7 * i, 740, 40 + 7 * i, 560 + i) : line(40 + 7 * i, 560 + i, 40 + 7 * i, 740));
    stroke(display, rect{0, 384, 1024, 768}, comb, 0, SPICE_ROPD_OP_PUT, SPICE_BRUSH_TYPE_PATTERN, &tile, &dash);
    stroke(display, rect{150, 600, 260, 700},
           {line(120, 620, 300, 620), line(300, 640, 120, 640), line(180, 580, 180, 720), line(200, 720, 200, 580)},
           xrgb(0x30, 0xc0, 0x40), SPICE_ROPD_OP_OR | SPICE_ROPD_INVERS_BRUSH, SPICE_BRUSH_TYPE_SOLID, nullptr, &dash);
  });
  // Dashed lines at other angles (X's floating-point dash polygons): a star
  // of shallow, steep, 45-degree and 3-4-5 lines from one centre, an odd
  // list with an empty dash; START_WITH_GAP zigzags whose sharp turns end in
  // bevels and shallow ones in miters, closed polygons (the last line joins
  // the first), XOR (X fills every miter) and PUT and OR (X leaves out the
  // joins whose point a line draws); lines leaving the surface and a box
  // cutting them; fractional dash lengths.
  steps.push_back([](qxl_display& display) {
    const int offsets[][2] = {{200, 11}, {140, 70},  {120, 160}, {97, 97},  {11, 200},  {-70, 140},
                              {-160, 120}, {-200, 3}, {-180, -90}, {-97, -97}, {-3, -200}, {150, -200},
                              {190, -57}, {7, 1}, {1, 7}, {-5, 12}};
    std::vector<segment> star;
    for (const auto& o : offsets)
      star.push_back(line(250, 560, 250 + o[0], 560 + o[1]));
    const dashes odd{SPICE_LINE_FLAGS_STYLED, {fixed(5), fixed(2), fixed(0), fixed(3), fixed(1)}};
    stroke(display, rect{0, 0, 1024, 768}, star, xrgb(0xff, 0xe0, 0x30), SPICE_ROPD_OP_PUT, SPICE_BRUSH_TYPE_SOLID,
           nullptr, &odd);
    const dashes with_gap{SPICE_LINE_FLAGS_STYLED | SPICE_LINE_FLAGS_START_WITH_GAP,
                          {fixed(6.5625), fixed(2), fixed(1.25), fixed(3)}};
    const std::vector<std::pair<double, double>> zigzag{{500, 420}, {620, 470}, {520, 480}, {640, 640}, {600, 500},
                                                        {700, 430}, {760, 700}, {690, 520}};
    auto moved = [](std::vector<std::pair<double, double>> points, double dx, double dy) {
      for (auto& [x, y] : points)
        x += dx, y += dy;
      return points;
    };
    stroke(display, rect{0, 0, 1024, 768},
           {polyline_path(zigzag), polyline_path({{520, 650}, {600, 700}, {480, 740}}, true),
            polyline_path({{840, 420}, {900, 450}, {880, 520}, {820, 530}, {800, 470}}, true)},
           xrgb(0xff, 0xff, 0xff), SPICE_ROPD_OP_XOR, SPICE_BRUSH_TYPE_SOLID, nullptr, &with_gap);
    stroke(display, rect{0, 0, 1024, 768},
           {polyline_path(moved(zigzag, 230, -400)), polyline_path({{780, 20}, {860, 60}, {740, 80}}, true),
            polyline_path({{760, 200}, {800, 260}, {840, 200}, {880, 260}, {920, 200}, {960, 260}})},
           xrgb(0x40, 0xff, 0x80), SPICE_ROPD_OP_PUT, SPICE_BRUSH_TYPE_SOLID, nullptr, &with_gap);
    const dashes long_dashes{SPICE_LINE_FLAGS_STYLED, {fixed(12), fixed(4), fixed(3), fixed(4)}};
    stroke(display, rect{0, 0, 1024, 768},
           {polyline_path(moved(zigzag, 230, -190)), line(-900, -300, 1900, 900), line(1500, -40, -600, 800),
            line(300, 900, 420, -700)},
           xrgb(0x30, 0x60, 0xff), SPICE_ROPD_OP_OR, SPICE_BRUSH_TYPE_SOLID, nullptr, &long_dashes);
    stroke(display, rect{40, 80, 330, 300},
           {line(0, 60, 400, 330), line(380, 40, 10, 310), polyline_path({{60, 100}, {300, 130}, {90, 280}, {310, 290}})},
           xrgb(0xff, 0x50, 0xa0), SPICE_ROPD_OP_XOR | SPICE_ROPD_INVERS_BRUSH, SPICE_BRUSH_TYPE_SOLID, nullptr,
           &odd);
  });
  return steps;
}

}  // namespace vigil::test_server
