// display_pipeline's DRAW_STROKE (its own file, next to the message and the
// rasterizers it uses: stroke_messages.hpp, stroke_raster.hpp, stroke_dash.hpp).
#include <spice/enums.h>

#include <string>

#include "protocol/display_pipeline.hpp"
#include "protocol/stroke_dash.hpp"
#include "protocol/stroke_dash_polygons.hpp"
#include "protocol/stroke_messages.hpp"
#include "protocol/stroke_raster.hpp"

namespace vigil::protocol {

display_step display_pipeline::on_stroke(const bytes& body) {
  const char* message = "DISPLAY_DRAW_STROKE";
  auto parsed = parse_draw_stroke(body);
  if (!parsed)
    return skip(parsed.error().message);
  const surface* target = canvas_.find(parsed->base.surface_id);
  if (!target)
    return drawn(parsed->base.surface_id, canvas_.stroke(parsed->base, {}, {}, 0), message);
  image_pixels pattern;
  auto brush = brush_paint(parsed->brush, message, pattern);
  if (!brush)
    return refused(brush.error());
  auto lines = flatten_path(parsed->path, account_);
  if (!lines)
    return refused(lines.error());
  // Only fore_mode matters: back_mode would colour the gaps of dashes drawn
  // double, which the reference never does.
  if (!(parsed->attr_flags & SPICE_LINE_FLAGS_STYLED))
    return drawn(parsed->base.surface_id, canvas_.stroke(parsed->base, lines->lines, *brush, parsed->fore_mode),
                 message);
  auto dashes = dash_pattern::from_style(parsed->attr_flags, parsed->style);
  if (!dashes)
    return refused(dashes.error());
  // Lines at other angles cost their dashes up to the part that shows
  // (stroke_dash_polygons.hpp): bounded, said when too many.
  const std::uint64_t steps = slanted_dash_steps(lines->lines, *dashes, target->bounds());
  if (steps > max_dash_polygon_steps) {
    display_step step;
    step.outcome = display_outcome::unsupported;
    step.error = "DISPLAY_DRAW_STROKE: dashed (STYLED) lines needing " + std::to_string(steps) +
                 " dash steps (more than " + std::to_string(max_dash_polygon_steps) + ") are not drawn";
    return step;
  }
  return drawn(parsed->base.surface_id,
               canvas_.stroke(parsed->base, lines->lines, *brush, parsed->fore_mode, &*dashes), message);
}

}  // namespace vigil::protocol
