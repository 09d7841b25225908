#include "qxl_display.hpp"

#include <spice/protocol.h>

#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>

#include "stdout_lines.hpp"

namespace vigil::test_server {

// One allocation per command; QXLReleaseInfo.id points back at it, so
// release_resource knows what to free.
struct queued_command {
  virtual ~queued_command() = default;
  QXLCommandExt ext{};
};

namespace {

constexpr std::uint32_t memslot_group = 0;
constexpr std::uint32_t max_surfaces = 16;

struct draw_command : queued_command {
  QXLDrawable drawable{};
  QXLImage image{};
  std::vector<std::uint32_t> pixels;
  std::vector<std::uint8_t> blob;  // e.g. a QXLString and its glyphs
  // A composite's mask (its source is `image`) and transforms.
  QXLImage mask_image{};
  std::vector<std::uint32_t> mask_pixels;
  QXLTransform transforms[2]{};
};

struct surface_command : queued_command {
  QXLSurfaceCmd surface{};
};

struct cursor_command : queued_command {
  QXLCursorCmd cursor{};
  std::vector<std::uint8_t> shape;  // QXLCursor header, then its single data chunk
};

// With the one memory slot spanning the whole address space at delta 0, a
// QXLPHYSICAL is simply a pointer of this process.
QXLPHYSICAL physical(const void* pointer) { return reinterpret_cast<std::uintptr_t>(pointer); }

QXLRect qxl_rect(const rect& r) {
  QXLRect result{};
  result.left = r.left;
  result.top = r.top;
  result.right = r.right;
  result.bottom = r.bottom;
  return result;
}

bool lies_inside(const rect& inner, const rect& outer) {
  const rect both = intersection(inner, outer);
  return both.width() == inner.width() && both.height() == inner.height();
}

void set_release_info(queued_command& command, QXLReleaseInfo& info, std::uint32_t type, const void* data) {
  info.id = reinterpret_cast<std::uintptr_t>(&command);
  command.ext.cmd.type = type;
  command.ext.cmd.data = physical(data);
  command.ext.group_id = memslot_group;
}

// A bitmap in `qxl_image` holding `visible` (kept in `pixels`); its QXLPHYSICAL.
QXLPHYSICAL bitmap_into(QXLImage& qxl_image, std::vector<std::uint32_t>& pixels, const pixel_image& visible,
                        std::uint32_t image_unique, std::uint8_t format = SPICE_BITMAP_FMT_32BIT) {
  pixels = visible.pixels;
  QXL_SET_IMAGE_ID(&qxl_image, QXL_IMAGE_GROUP_DEVICE, image_unique);
  qxl_image.descriptor.type = SPICE_IMAGE_TYPE_BITMAP;
  qxl_image.descriptor.width = static_cast<std::uint32_t>(visible.width);
  qxl_image.descriptor.height = static_cast<std::uint32_t>(visible.height);
  qxl_image.bitmap.format = format;
  qxl_image.bitmap.flags = QXL_BITMAP_DIRECT | QXL_BITMAP_TOP_DOWN;
  qxl_image.bitmap.x = static_cast<std::uint32_t>(visible.width);
  qxl_image.bitmap.y = static_cast<std::uint32_t>(visible.height);
  qxl_image.bitmap.stride = static_cast<std::uint32_t>(visible.width * 4);
  qxl_image.bitmap.data = physical(pixels.data());
  return physical(&qxl_image);
}

// An 8BIT_A bitmap in `qxl_image` of the top bytes of `visible` (rows padded
// to 4 bytes, kept in `pixels`); its QXLPHYSICAL.
QXLPHYSICAL alpha_bitmap_into(QXLImage& qxl_image, std::vector<std::uint32_t>& pixels, const pixel_image& visible,
                              std::uint32_t image_unique) {
  const int stride = (visible.width + 3) / 4 * 4;
  pixel_image packed(stride / 4, visible.height);
  auto* bytes = reinterpret_cast<std::uint8_t*>(packed.pixels.data());
  for (int y = 0; y < visible.height; ++y)
    for (int x = 0; x < visible.width; ++x)
      bytes[y * stride + x] = static_cast<std::uint8_t>(visible.at(x, y) >> 24);
  const QXLPHYSICAL out = bitmap_into(qxl_image, pixels, packed, image_unique, SPICE_BITMAP_FMT_8BIT_A);
  qxl_image.descriptor.width = qxl_image.bitmap.x = static_cast<std::uint32_t>(visible.width);
  qxl_image.bitmap.stride = static_cast<std::uint32_t>(stride);
  return out;
}

// The command's own 32-bit bitmap holding `visible`; its QXLPHYSICAL.
QXLPHYSICAL bitmap_of(draw_command& command, const pixel_image& visible, std::uint32_t image_unique) {
  return bitmap_into(command.image, command.pixels, visible, image_unique);
}

// A SURFACE image of `source_id` (width x height) in `qxl_image`; its QXLPHYSICAL.
QXLPHYSICAL surface_image_into(QXLImage& qxl_image, std::uint32_t source_id, int width, int height,
                               std::uint32_t image_unique) {
  QXL_SET_IMAGE_ID(&qxl_image, QXL_IMAGE_GROUP_DEVICE, image_unique);
  qxl_image.descriptor.type = SPICE_IMAGE_TYPE_SURFACE;
  qxl_image.descriptor.width = static_cast<std::uint32_t>(width);
  qxl_image.descriptor.height = static_cast<std::uint32_t>(height);
  qxl_image.surface_image.surface_id = source_id;
  return physical(&qxl_image);
}

std::unique_ptr<draw_command> new_drawable(std::uint32_t surface_id, std::uint8_t type, const rect& box) {
  auto command = std::make_unique<draw_command>();
  QXLDrawable& drawable = command->drawable;
  set_release_info(*command, drawable.release_info, QXL_CMD_DRAW, &drawable);
  drawable.surface_id = surface_id;
  drawable.effect = QXL_EFFECT_OPAQUE;
  drawable.type = type;
  drawable.bbox = qxl_rect(box);
  drawable.clip.type = SPICE_CLIP_TYPE_NONE;
  for (int i = 0; i < 3; ++i)
    drawable.surfaces_dest[i] = -1;
  return command;
}

void print_cursor_set(const cursor_shape& shape, int x, int y) {
  const char* type = shape.type == SPICE_CURSOR_TYPE_ALPHA ? "alpha"
                     : shape.type == SPICE_CURSOR_TYPE_MONO ? "mono"
                                                             : "other";
  print_line("cursor set type=%s width=%u height=%u hot-x=%u hot-y=%u x=%d y=%d", type, shape.width,
             shape.height, shape.hot_x, shape.hot_y, x, y);
}

}  // namespace

qxl_display::qxl_display(SpiceServer* server, int width, int height, int display_id) : server_(server) {
  interface_.base.type = SPICE_INTERFACE_QXL;
  interface_.base.description = "vigil test server display";
  interface_.base.major_version = SPICE_INTERFACE_QXL_MAJOR;
  interface_.base.minor_version = SPICE_INTERFACE_QXL_MINOR;
  interface_.attached_worker = hook_attached_worker;
  interface_.set_compression_level = hook_set_compression_level;
  interface_.get_init_info = hook_get_init_info;
  interface_.get_command = hook_get_command;
  interface_.req_cmd_notification = hook_req_cmd_notification;
  interface_.release_resource = hook_release_resource;
  interface_.get_cursor_command = hook_get_cursor_command;
  interface_.req_cursor_notification = hook_req_cursor_notification;
  interface_.notify_update = hook_notify_update;
  interface_.flush_resources = hook_flush_resources;
  interface_.set_client_capabilities = hook_set_client_capabilities;
  interface_.client_monitors_config = hook_client_monitors_config;
  interface_.async_complete = hook_async_complete;
  instance_.instance.base.sif = &interface_.base;
  instance_.instance.id = display_id;
  instance_.owner = this;
  references_[0] = pixel_image(width, height);
}

qxl_display::~qxl_display() {
  // Only after spice_server_destroy: nothing can release these any more.
  for (queued_command* command : in_flight_)
    delete command;
}

qxl_display& qxl_display::from(QXLInstance* instance) {
  return *reinterpret_cast<owned_instance*>(instance)->owner;
}

void qxl_display::attach() {
  if (spice_server_add_interface(server_, &instance_.instance.base) != 0)
    throw std::runtime_error("spice_server_add_interface(qxl) failed");
  QXLDevMemSlot slot{};
  slot.slot_group_id = memslot_group;
  slot.slot_id = 0;
  slot.generation = 0;
  slot.virt_start = 0;
  slot.virt_end = ~std::uintptr_t{0};
  slot.addr_delta = 0;
  slot.qxl_ram_size = ~std::uint32_t{0};
  spice_qxl_add_memslot(&instance_.instance, &slot);
  create_primary(references_[0].width, references_[0].height);
  spice_server_vm_start(server_);
}

void qxl_display::create_primary(int width, int height) {
  primary_memory_.assign(static_cast<std::size_t>(width) * height, 0);
  references_[0] = pixel_image(width, height);
  formats_[0] = SPICE_SURFACE_FMT_32_xRGB;
  QXLDevSurfaceCreate surface{};
  surface.width = static_cast<std::uint32_t>(width);
  surface.height = static_cast<std::uint32_t>(height);
  surface.stride = width * 4;  // positive: top-down rows, like pixel_image
  surface.format = SPICE_SURFACE_FMT_32_xRGB;
  surface.mouse_mode = 1;  // lets spice-server offer client mouse mode (tablet)
  surface.type = QXL_SURF_TYPE_PRIMARY;
  surface.mem = physical(primary_memory_.data());
  surface.group_id = memslot_group;
  spice_qxl_create_primary_surface(&instance_.instance, 0, &surface);
  if (instance_.instance.id == 0)
    print_line("primary size=%dx%d", width, height);
  else
    print_line("primary size=%dx%d display=%d", width, height, instance_.instance.id);
}

void qxl_display::recreate_primary(int width, int height) {
  spice_qxl_destroy_primary_surface(&instance_.instance, 0);
  retired_memory_.push_back(std::move(primary_memory_));
  create_primary(width, height);
}

pixel_image& qxl_display::surface_reference(std::uint32_t surface_id) {
  auto found = references_.find(surface_id);
  if (found == references_.end())
    throw std::logic_error("draw on surface " + std::to_string(surface_id) + ", which does not exist");
  return found->second;
}

void qxl_display::fill(std::uint32_t surface_id, const rect& area, std::uint32_t color) {
  pixel_image& target = surface_reference(surface_id);
  const rect box = intersection(area, target.bounds());
  if (box.empty())
    return;
  auto command = new_drawable(surface_id, QXL_DRAW_FILL, box);
  QXLFill& fill = command->drawable.u.fill;
  fill.brush.type = SPICE_BRUSH_TYPE_SOLID;
  fill.brush.u.color = color;
  fill.rop_descriptor = SPICE_ROPD_OP_PUT;
  push(display_ring_, std::move(command));
  target.fill(box, color);
}

void qxl_display::copy_image(std::uint32_t surface_id, int x, int y, const pixel_image& image) {
  pixel_image& target = surface_reference(surface_id);
  const rect box = intersection(rect{x, y, x + image.width, y + image.height}, target.bounds());
  if (box.empty())
    return;
  const pixel_image visible = image.crop(rect{box.left - x, box.top - y, box.right - x, box.bottom - y});
  auto command = new_drawable(surface_id, QXL_DRAW_COPY, box);
  QXLCopy& copy = command->drawable.u.copy;
  copy.src_bitmap = bitmap_of(*command, visible, next_image_unique_++);
  copy.src_area = qxl_rect(rect{0, 0, box.width(), box.height()});
  copy.rop_descriptor = SPICE_ROPD_OP_PUT;
  copy.scale_mode = SPICE_IMAGE_SCALE_MODE_NEAREST;
  target.paste(box.left, box.top, visible);
  push(display_ring_, std::move(command));
}

void qxl_display::rop3_image(std::uint32_t surface_id, int x, int y, const pixel_image& image, std::uint32_t brush,
                             std::uint8_t code) {
  pixel_image& target = surface_reference(surface_id);
  const rect box = intersection(rect{x, y, x + image.width, y + image.height}, target.bounds());
  if (box.empty())
    return;
  const pixel_image visible = image.crop(rect{box.left - x, box.top - y, box.right - x, box.bottom - y});
  auto command = new_drawable(surface_id, QXL_DRAW_ROP3, box);
  QXLRop3& rop3 = command->drawable.u.rop3;
  rop3.src_bitmap = bitmap_of(*command, visible, next_image_unique_++);
  rop3.src_area = qxl_rect(rect{0, 0, box.width(), box.height()});
  rop3.brush.type = SPICE_BRUSH_TYPE_SOLID;
  rop3.brush.u.color = brush;
  rop3.rop3 = code;
  rop3.scale_mode = SPICE_IMAGE_SCALE_MODE_NEAREST;
  target.rop3(box.left, box.top, visible, brush, code);
  push(display_ring_, std::move(command));
}

void qxl_display::draw_text(std::uint32_t surface_id, const rect& box, const glyph_run& run, std::uint32_t fore,
                            const rect& back_area, std::uint32_t back) {
  pixel_image& target = surface_reference(surface_id);
  if (!lies_inside(box, target.bounds()) || box.empty() || run.glyphs.empty())
    throw std::logic_error("draw_text needs a box inside the surface and at least one glyph");
  auto command = new_drawable(surface_id, QXL_DRAW_TEXT, box);
  command->drawable.effect = QXL_EFFECT_BLEND;  // the glyphs do not cover the box
  // QXLString (with its one data chunk), then each QXLRasterGlyph and its rows.
  std::vector<std::uint8_t> glyph_bytes;
  for (const raster_glyph& g : run.glyphs) {
    QXLRasterGlyph header{};
    header.render_pos.x = g.x;
    header.render_pos.y = g.y;
    header.glyph_origin.x = g.origin_x;
    header.glyph_origin.y = g.origin_y;
    header.width = static_cast<std::uint16_t>(g.width);
    header.height = static_cast<std::uint16_t>(g.height);
    const auto* raw = reinterpret_cast<const std::uint8_t*>(&header);
    glyph_bytes.insert(glyph_bytes.end(), raw, raw + sizeof(header));
    glyph_bytes.insert(glyph_bytes.end(), g.data.begin(), g.data.end());
  }
  command->blob.resize(sizeof(QXLString) + glyph_bytes.size());
  auto* string = reinterpret_cast<QXLString*>(command->blob.data());
  string->data_size = static_cast<std::uint32_t>(glyph_bytes.size());
  string->length = static_cast<std::uint16_t>(run.glyphs.size());
  string->flags = run.bits_per_pixel == 1   ? SPICE_STRING_FLAGS_RASTER_A1
                  : run.bits_per_pixel == 4 ? SPICE_STRING_FLAGS_RASTER_A4
                                            : SPICE_STRING_FLAGS_RASTER_A8;
  string->chunk.data_size = string->data_size;
  string->chunk.prev_chunk = 0;
  string->chunk.next_chunk = 0;
  std::memcpy(command->blob.data() + sizeof(QXLString), glyph_bytes.data(), glyph_bytes.size());
  QXLText& text = command->drawable.u.text;
  text.str = physical(string);
  text.back_area = qxl_rect(back_area);
  text.fore_brush.type = SPICE_BRUSH_TYPE_SOLID;
  text.fore_brush.u.color = fore;
  text.back_brush.type = SPICE_BRUSH_TYPE_SOLID;
  text.back_brush.u.color = back;
  text.fore_mode = SPICE_ROPD_OP_PUT;
  text.back_mode = SPICE_ROPD_OP_PUT;
  target.text(box, run, fore, back_area, back);
  push(display_ring_, std::move(command));
}

void qxl_display::draw_built(std::uint32_t surface_id, std::uint8_t type, const rect& box,
                             const std::function<void(QXLDrawable&, std::vector<std::uint8_t>& blob)>& build,
                             const std::function<void(pixel_image&)>& reference_draw) {
  pixel_image& target = surface_reference(surface_id);
  if (!lies_inside(box, target.bounds()) || box.empty())
    throw std::logic_error("draw_built needs a box inside the surface");
  auto command = new_drawable(surface_id, type, box);
  command->drawable.effect = QXL_EFFECT_BLEND;  // a drawing that does not cover its box
  build(command->drawable, command->blob);
  reference_draw(target);
  push(display_ring_, std::move(command));
}

void qxl_display::copy_bits(std::uint32_t surface_id, const rect& destination, int source_x, int source_y) {
  pixel_image& target = surface_reference(surface_id);
  const rect source{source_x, source_y, source_x + destination.width(), source_y + destination.height()};
  if (destination.empty() || !lies_inside(destination, target.bounds()) || !lies_inside(source, target.bounds()))
    throw std::logic_error("copy_bits: source and destination must lie inside the surface");
  auto command = new_drawable(surface_id, QXL_COPY_BITS, destination);
  command->drawable.u.copy_bits.src_pos.x = source_x;
  command->drawable.u.copy_bits.src_pos.y = source_y;
  push(display_ring_, std::move(command));
  target.copy_within(destination, source_x, source_y);
}

void qxl_display::copy_surface(std::uint32_t destination_id, int x, int y, std::uint32_t source_id,
                               const rect& source_area) {
  pixel_image& target = surface_reference(destination_id);
  const pixel_image& source = surface_reference(source_id);
  const rect& area = source_area;
  const rect box{x, y, x + area.width(), y + area.height()};
  if (area.empty() || !lies_inside(area, source.bounds()) || !lies_inside(box, target.bounds()))
    throw std::logic_error("copy_surface: the copy must lie inside both surfaces");
  auto command = new_drawable(destination_id, QXL_DRAW_COPY, box);
  // spice-server renders the source surface up to date before this drawable.
  command->drawable.surfaces_dest[0] = static_cast<std::int32_t>(source_id);
  command->drawable.surfaces_rects[0] = qxl_rect(area);
  QXLCopy& copy = command->drawable.u.copy;
  copy.src_bitmap = surface_image_into(command->image, source_id, source.width, source.height, next_image_unique_++);
  copy.src_area = qxl_rect(area);
  copy.rop_descriptor = SPICE_ROPD_OP_PUT;
  copy.scale_mode = SPICE_IMAGE_SCALE_MODE_NEAREST;
  target.paste(box.left, box.top, source.crop(area));
  push(display_ring_, std::move(command));
}

void qxl_display::composite(std::uint32_t surface_id, const rect& box, const composite_spec& spec) {
  pixel_image& target = surface_reference(surface_id);
  if (box.empty() || !lies_inside(box, target.bounds()))
    throw std::logic_error("composite needs a box inside the surface");
  auto command = new_drawable(surface_id, QXL_DRAW_COMPOSITE, box);
  command->drawable.effect = QXL_EFFECT_BLEND;
  QXLComposite& composite = command->drawable.u.composite;
  composite.flags = composite_flags(spec);
  int dependencies = 0;
  // Each input: a SURFACE image (spice-server renders that surface up to date
  // first) or the command's own bitmap; its transform if it has one.
  // Returns the image's and the transform's QXLPHYSICAL (QXLComposite is packed: no references into it).
  auto input = [&](const composite_input& in, QXLImage& qxl_image, std::vector<std::uint32_t>& pixels,
                   QXLTransform& transform) {
    QXLPHYSICAL image_out = 0, transform_out = 0;
    if (in.surface) {
      const pixel_image& source = surface_reference(*in.surface);
      command->drawable.surfaces_dest[dependencies] = static_cast<std::int32_t>(*in.surface);
      command->drawable.surfaces_rects[dependencies++] = qxl_rect(source.bounds());
      image_out = surface_image_into(qxl_image, *in.surface, source.width, source.height, next_image_unique_++);
    } else if (in.alpha_only) {
      image_out = alpha_bitmap_into(qxl_image, pixels, in.image, next_image_unique_++);
    } else {
      image_out = bitmap_into(qxl_image, pixels, in.image, next_image_unique_++,
                              in.has_alpha ? SPICE_BITMAP_FMT_RGBA : SPICE_BITMAP_FMT_32BIT);
    }
    if (in.transform) {
      const auto& t = *in.transform;
      transform = QXLTransform{static_cast<std::uint32_t>(t[0]), static_cast<std::uint32_t>(t[1]),
                               static_cast<std::uint32_t>(t[2]), static_cast<std::uint32_t>(t[3]),
                               static_cast<std::uint32_t>(t[4]), static_cast<std::uint32_t>(t[5])};
      transform_out = physical(&transform);
    }
    return std::make_pair(image_out, transform_out);
  };
  const auto source = input(spec.source, command->image, command->pixels, command->transforms[0]);
  composite.src = source.first;
  composite.src_transform = source.second;
  if (spec.mask) {
    const auto mask = input(*spec.mask, command->mask_image, command->mask_pixels, command->transforms[1]);
    composite.mask = mask.first;
    composite.mask_transform = mask.second;
  }
  composite.src_origin.x = static_cast<std::int16_t>(spec.source_x);
  composite.src_origin.y = static_cast<std::int16_t>(spec.source_y);
  composite.mask_origin.x = static_cast<std::int16_t>(spec.mask_x);
  composite.mask_origin.y = static_cast<std::int16_t>(spec.mask_y);
  std::map<std::uint32_t, reference_surface> surfaces;
  for (auto& [id, pixels] : references_)
    surfaces[id] = reference_surface{&pixels, formats_.at(id)};
  composite_reference(surfaces.at(surface_id), box, spec, surfaces);
  push(display_ring_, std::move(command));
}

void qxl_display::create_surface(std::uint32_t surface_id, int width, int height, std::uint32_t format) {
  if (surface_id == 0 || surface_id >= max_surfaces || references_.count(surface_id) != 0)
    throw std::logic_error("create_surface: bad or existing surface id " + std::to_string(surface_id));
  // Rows of 4n bytes, as spice-server's pixman image of the surface needs.
  const int bits = static_cast<int>(format & 0x3f);  // SPICE_SURFACE_FMT_* keep the depth in their low bits
  if ((bits != 1 && bits != 8 && bits != 16 && bits != 32) || (width * bits) % 32 != 0)
    throw std::logic_error("create_surface: a SPICE_SURFACE_FMT_* whose rows are 4n bytes");
  formats_[surface_id] = format;
  std::vector<std::uint32_t>& memory = surface_memory_[surface_id];
  memory.assign(static_cast<std::size_t>(width) * height, 0);
  references_[surface_id] = pixel_image(width, height);
  auto command = std::make_unique<surface_command>();
  QXLSurfaceCmd& surface = command->surface;
  set_release_info(*command, surface.release_info, QXL_CMD_SURFACE, &surface);
  surface.surface_id = surface_id;
  surface.type = QXL_SURFACE_CMD_CREATE;
  surface.u.surface_create.format = format;
  surface.u.surface_create.width = static_cast<std::uint32_t>(width);
  surface.u.surface_create.height = static_cast<std::uint32_t>(height);
  surface.u.surface_create.stride = width * bits / 8;
  surface.u.surface_create.data = physical(memory.data());
  push(display_ring_, std::move(command));
}

void qxl_display::destroy_surface(std::uint32_t surface_id) {
  if (surface_id == 0 || references_.erase(surface_id) == 0)
    throw std::logic_error("destroy_surface: no off-screen surface " + std::to_string(surface_id));
  formats_.erase(surface_id);
  auto command = std::make_unique<surface_command>();
  QXLSurfaceCmd& surface = command->surface;
  set_release_info(*command, surface.release_info, QXL_CMD_SURFACE, &surface);
  surface.surface_id = surface_id;
  surface.type = QXL_SURFACE_CMD_DESTROY;
  push(display_ring_, std::move(command));
  retired_memory_.push_back(std::move(surface_memory_[surface_id]));
  surface_memory_.erase(surface_id);
}

void qxl_display::set_cursor(const cursor_shape& shape, int x, int y) {
  auto command = std::make_unique<cursor_command>();
  command->shape.resize(sizeof(QXLCursor) + shape.data.size());
  QXLCursor cursor{};
  cursor.header.unique = next_cursor_unique_++;
  cursor.header.type = shape.type;
  cursor.header.width = shape.width;
  cursor.header.height = shape.height;
  cursor.header.hot_spot_x = shape.hot_x;
  cursor.header.hot_spot_y = shape.hot_y;
  cursor.data_size = static_cast<std::uint32_t>(shape.data.size());
  cursor.chunk.data_size = cursor.data_size;
  std::memcpy(command->shape.data(), &cursor, sizeof(cursor));
  std::memcpy(command->shape.data() + sizeof(cursor), shape.data.data(), shape.data.size());
  QXLCursorCmd& cursor_command_data = command->cursor;
  set_release_info(*command, cursor_command_data.release_info, QXL_CMD_CURSOR, &cursor_command_data);
  cursor_command_data.type = QXL_CURSOR_SET;
  cursor_command_data.u.set.position.x = static_cast<std::int16_t>(x);
  cursor_command_data.u.set.position.y = static_cast<std::int16_t>(y);
  cursor_command_data.u.set.visible = 1;
  cursor_command_data.u.set.shape = physical(command->shape.data());
  push(cursor_ring_, std::move(command));
  print_cursor_set(shape, x, y);
}

void qxl_display::move_cursor(int x, int y) {
  auto command = std::make_unique<cursor_command>();
  QXLCursorCmd& cursor = command->cursor;
  set_release_info(*command, cursor.release_info, QXL_CMD_CURSOR, &cursor);
  cursor.type = QXL_CURSOR_MOVE;
  cursor.u.position.x = static_cast<std::int16_t>(x);
  cursor.u.position.y = static_cast<std::int16_t>(y);
  push(cursor_ring_, std::move(command));
  print_line("cursor move x=%d y=%d", x, y);
}

void qxl_display::set_heads(const std::vector<rect>& heads) {
  const pixel_image& primary = references_.at(0);
  std::vector<std::uint8_t> memory(sizeof(QXLMonitorsConfig) + heads.size() * sizeof(QXLHead));
  QXLMonitorsConfig config{};
  config.count = static_cast<std::uint16_t>(heads.size());
  config.max_allowed = static_cast<std::uint16_t>(heads.size());
  std::memcpy(memory.data(), &config, sizeof(config));
  std::string described;
  for (std::size_t i = 0; i < heads.size(); ++i) {
    const rect& area = heads[i];
    if (area.empty() || !lies_inside(area, primary.bounds()))
      throw std::logic_error("set_heads: a head must lie inside the primary surface");
    QXLHead head{};
    head.id = static_cast<std::uint32_t>(i);
    head.surface_id = 0;
    head.width = static_cast<std::uint32_t>(area.width());
    head.height = static_cast<std::uint32_t>(area.height());
    head.x = static_cast<std::uint32_t>(area.left);
    head.y = static_cast<std::uint32_t>(area.top);
    std::memcpy(memory.data() + sizeof(QXLMonitorsConfig) + i * sizeof(QXLHead), &head, sizeof(head));
    described += " head=" + std::to_string(i) + ":" + std::to_string(area.width()) + "x" +
                 std::to_string(area.height()) + "+" + std::to_string(area.left) + "+" + std::to_string(area.top);
  }
  heads_ = heads;
  monitors_memory_.push_back(std::move(memory));
  spice_qxl_monitors_config_async(&instance_.instance, physical(monitors_memory_.back().data()), memslot_group,
                                  monitors_memory_.size());
  print_line("heads display=%d count=%zu%s", instance_.instance.id, heads.size(), described.c_str());
}

std::size_t qxl_display::queued_display_commands() {
  std::lock_guard<std::mutex> lock(rings_mutex_);
  return display_ring_.commands.size();
}

std::size_t qxl_display::count_primary_mismatches() {
  const pixel_image& expected = references_.at(0);
  QXLRect whole = qxl_rect(expected.bounds());
  spice_qxl_update_area(&instance_.instance, 0, &whole, nullptr, 0, 1);
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < expected.pixels.size(); ++i)
    if (((primary_memory_[i] ^ expected.pixels[i]) & 0x00ffffffu) != 0)
      ++mismatches;
  return mismatches;
}

pixel_image qxl_display::rendered_primary() const {
  pixel_image rendered(references_.at(0).width, references_.at(0).height);
  for (std::size_t i = 0; i < rendered.pixels.size(); ++i)
    rendered.pixels[i] = primary_memory_[i] & 0x00ffffffu;
  return rendered;
}

void qxl_display::push(command_ring& ring, std::unique_ptr<queued_command> command) {
  bool wake_up = false;
  {
    std::lock_guard<std::mutex> lock(rings_mutex_);
    ring.commands.push_back(std::move(command));
    wake_up = ring.notify_when_filled;
    ring.notify_when_filled = false;
  }
  if (wake_up)
    spice_qxl_wakeup(&instance_.instance);
}

int qxl_display::pop(command_ring& ring, QXLCommandExt* out) {
  std::lock_guard<std::mutex> lock(rings_mutex_);
  if (ring.commands.empty())
    return 0;
  queued_command* command = ring.commands.front().release();
  ring.commands.pop_front();
  in_flight_.insert(command);
  *out = command->ext;
  return 1;
}

int qxl_display::request_notification(command_ring& ring) {
  std::lock_guard<std::mutex> lock(rings_mutex_);
  if (!ring.commands.empty())
    return 0;  // there is work already: no notification, keep polling
  ring.notify_when_filled = true;
  return 1;
}

void qxl_display::hook_attached_worker(QXLInstance*) {}

void qxl_display::hook_set_compression_level(QXLInstance*, int) {}

void qxl_display::hook_get_init_info(QXLInstance*, QXLDevInitInfo* info) {
  *info = QXLDevInitInfo{};
  info->num_memslots_groups = 1;
  info->num_memslots = 1;
  info->memslot_gen_bits = 1;
  info->memslot_id_bits = 1;
  info->n_surfaces = max_surfaces;
}

int qxl_display::hook_get_command(QXLInstance* instance, QXLCommandExt* command) {
  qxl_display& self = from(instance);
  return self.pop(self.display_ring_, command);
}

int qxl_display::hook_req_cmd_notification(QXLInstance* instance) {
  qxl_display& self = from(instance);
  return self.request_notification(self.display_ring_);
}

void qxl_display::hook_release_resource(QXLInstance* instance, QXLReleaseInfoExt release) {
  qxl_display& self = from(instance);
  auto* command = reinterpret_cast<queued_command*>(static_cast<std::uintptr_t>(release.info->id));
  {
    std::lock_guard<std::mutex> lock(self.rings_mutex_);
    self.in_flight_.erase(command);
  }
  delete command;
}

int qxl_display::hook_get_cursor_command(QXLInstance* instance, QXLCommandExt* command) {
  qxl_display& self = from(instance);
  return self.pop(self.cursor_ring_, command);
}

int qxl_display::hook_req_cursor_notification(QXLInstance* instance) {
  qxl_display& self = from(instance);
  return self.request_notification(self.cursor_ring_);
}

void qxl_display::hook_notify_update(QXLInstance*, uint32_t) {}

int qxl_display::hook_flush_resources(QXLInstance*) { return 0; }

// spice-server hands the guest what the display client can draw (the
// driver's cue to send composites and A8 surfaces); the tests read the line.
void qxl_display::hook_set_client_capabilities(QXLInstance* instance, uint8_t client_present, uint8_t* caps) {
  auto has = [caps](int cap) { return (caps[cap / 8] >> (cap % 8)) & 1; };
  print_line("client capabilities display=%d present=%d composite=%d a8-surface=%d", instance->id, client_present,
             has(SPICE_DISPLAY_CAP_COMPOSITE), has(SPICE_DISPLAY_CAP_A8_SURFACE));
}

void qxl_display::hook_async_complete(QXLInstance* instance, uint64_t cookie) {
  // Only set_heads runs an async operation.
  print_line("heads applied display=%d config=%llu", instance->id, static_cast<unsigned long long>(cookie));
}

int qxl_display::hook_client_monitors_config(QXLInstance*, VDAgentMonitorsConfig*) {
  return 0;  // one fixed monitor: no guest-side resizing
}

}  // namespace vigil::test_server
