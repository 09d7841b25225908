// display_pipeline's DRAW_STROKE (its own file, next to the message and the
// rasterizer it uses: stroke_messages.hpp, stroke_raster.hpp).
#include <spice/enums.h>

#include "protocol/display_pipeline.hpp"
#include "protocol/stroke_messages.hpp"
#include "protocol/stroke_raster.hpp"

namespace vigil::protocol {

display_step display_pipeline::on_stroke(const bytes& body) {
  const char* message = "DISPLAY_DRAW_STROKE";
  auto parsed = parse_draw_stroke(body);
  if (!parsed)
    return skip(parsed.error().message);
  // The reference draws dashes as one-pixel-wide polygons (X's wide-line
  // code), not yet done here: said, not drawn wrong.
  if (parsed->attr_flags & SPICE_LINE_FLAGS_STYLED) {
    display_step step;
    step.outcome = display_outcome::unsupported;
    step.error = "DISPLAY_DRAW_STROKE: dashed (STYLED) lines are not drawn yet";
    return step;
  }
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
  return drawn(parsed->base.surface_id, canvas_.stroke(parsed->base, lines->lines, *brush, parsed->fore_mode),
               message);
}

}  // namespace vigil::protocol
