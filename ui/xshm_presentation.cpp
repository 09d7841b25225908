// The X image presentation (presentation.hpp), on an Xlib connection of its
// own: the picture is an X shared-memory image of the guest's size, in the
// canvas's format (a depth-24 TrueColor visual with 32 bits per pixel takes
// 0x00RRGGBB words, so frames are copied row by row, never converted). A
// presentation puts each changed window rectangle: straight from the picture
// at 1:1 with nothing over it; else composed (scaled nearest-neighbour, the
// cursor and the banner blended over it) into a window-sized image first.
// The last put asks for a completion event: until it comes the X server may
// still be reading our memory, so the window takes no new frame (the
// renderer's credit waits for it). Without MIT-SHM (a remote display) the
// images go through the connection (XPutImage), slower but the same.
#include <sys/ipc.h>
#include <sys/shm.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <SFML/Graphics.hpp>

#include "common/log.hpp"
#include "ui/text_raster.hpp"
#include "ui/presentation.hpp"
#include "ui/x11_gone_windows.hpp"
#include "ui/x11_reading.hpp"

// Xlib's macros (None, Status, ...) clash with SFML's names: X headers last.
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/XShm.h>

namespace vigil {

namespace {

constexpr const char* banner_font_path = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
constexpr std::uint32_t background = 0x202020;
constexpr unsigned banner_text_size = 16;
constexpr int banner_text_x = 8, banner_text_y = 4;
constexpr std::uint32_t banner_shade = 190;  // of 255: the band's opacity over the picture

bool x_error_seen = false;
int note_x_error(Display*, XErrorEvent*) {
  x_error_seen = true;
  return 0;
}

std::uint32_t blend(std::uint32_t under, std::uint32_t over_rgb, std::uint32_t alpha) {
  std::uint32_t out = 0;
  for (int shift = 0; shift < 24; shift += 8) {
    const std::uint32_t a = (under >> shift) & 0xff, b = (over_rgb >> shift) & 0xff;
    out |= ((a * (255 - alpha) + b * alpha + 127) / 255) << shift;
  }
  return out;
}

// An XImage with 32-bit pixels, in shared memory when the server takes it.
class x_image {
public:
  x_image(Display* display, Visual* visual, int depth, unsigned width, unsigned height, bool& shm)
      : display_(display) {
    if (shm && make_shared(visual, depth, width, height))
      return;
    shm = false;
    const std::size_t bytes = std::size_t{width} * height * 4;
    char* data = static_cast<char*>(std::calloc(bytes ? bytes : 4, 1));
    image_ = XCreateImage(display, visual, static_cast<unsigned>(depth), ZPixmap, 0, data, width, height, 32, 0);
    if (!image_)
      std::free(data);
  }
  ~x_image() {
    if (!image_)
      return;
    if (shared_) {
      XShmDetach(display_, &segment_);
      XSync(display_, False);
      shmdt(segment_.shmaddr);
      image_->data = nullptr;
    }
    XDestroyImage(image_);  // frees the data of a plain image
  }
  x_image(const x_image&) = delete;
  x_image& operator=(const x_image&) = delete;

  bool usable() const { return image_ && image_->bits_per_pixel == 32 && image_->byte_order == LSBFirst; }
  bool shared() const { return shared_; }
  XImage* get() const { return image_; }
  std::uint32_t* row(int y) const {
    return reinterpret_cast<std::uint32_t*>(image_->data + static_cast<std::ptrdiff_t>(y) * image_->bytes_per_line);
  }
  // Puts (x, y, w, h) of the image at (to_x, to_y) of `window`; `notify`: a completion event follows.
  void put(Window window, GC gc, int x, int y, int to_x, int to_y, unsigned w, unsigned h, bool notify) const {
    if (shared_)
      XShmPutImage(display_, window, gc, image_, x, y, to_x, to_y, w, h, notify ? True : False);
    else
      XPutImage(display_, window, gc, image_, x, y, to_x, to_y, w, h);
  }

private:
  bool make_shared(Visual* visual, int depth, unsigned width, unsigned height) {
    image_ = XShmCreateImage(display_, visual, static_cast<unsigned>(depth), ZPixmap, nullptr, &segment_, width, height);
    if (!image_)
      return false;
    const std::size_t bytes = static_cast<std::size_t>(image_->bytes_per_line) * std::max(height, 1u);
    segment_.shmid = shmget(IPC_PRIVATE, bytes, IPC_CREAT | 0600);
    if (segment_.shmid < 0) {
      XDestroyImage(image_);
      image_ = nullptr;
      return false;
    }
    segment_.shmaddr = image_->data = static_cast<char*>(shmat(segment_.shmid, nullptr, 0));
    segment_.readOnly = False;
    x_error_seen = false;
    auto previous = XSetErrorHandler(note_x_error);
    const bool attached = segment_.shmaddr != reinterpret_cast<char*>(-1) && XShmAttach(display_, &segment_);
    XSync(display_, False);
    XSetErrorHandler(previous);
    shmctl(segment_.shmid, IPC_RMID, nullptr);  // gone once both sides detach
    if (!attached || x_error_seen) {
      if (segment_.shmaddr != reinterpret_cast<char*>(-1))
        shmdt(segment_.shmaddr);
      image_->data = nullptr;
      XDestroyImage(image_);
      image_ = nullptr;
      return false;
    }
    shared_ = true;
    return true;
  }

  Display* display_;
  XImage* image_ = nullptr;
  XShmSegmentInfo segment_{};
  bool shared_ = false;
};

class xshm_presentation final : public presentation {
public:
  xshm_presentation(sf::RenderWindow& window, Display* display)
      : presentation(window), display_(display), font_(banner_font_path) {
    shm_ = XShmQueryExtension(display_) == True;
    completion_event_ = shm_ ? XShmGetEventBase(display_) + ShmCompletion : -1;
    if (!font_.loaded())
      named_logger("viewer")->warn("cannot load {}: the status banner shows no text", banner_font_path);
  }

  ~xshm_presentation() override {
    wait_for_completion();
    picture_.reset();
    composed_.reset();
    if (gc_)
      XFreeGC(display_, gc_);
    XCloseDisplay(display_);
    forget_connection(display_);
  }

  // Takes SFML's current window; false when its visual is not one we can fill.
  bool attach() {
    wait_for_completion();
    if (gc_)
      XFreeGC(display_, gc_);
    gc_ = nullptr;
    window_id_ = window_.getSystemHandle();
    XWindowAttributes attributes;
    if (!XGetWindowAttributes(display_, window_id_, &attributes))
      return false;
    Visual* visual = attributes.visual;
    if (attributes.depth != 24 || visual->red_mask != 0xff0000 || visual->green_mask != 0xff00 ||
        visual->blue_mask != 0xff)
      return false;
    if (visual != visual_ || attributes.depth != depth_) {
      picture_.reset();  // made for another visual
      composed_.reset();
      picture_size_ = {0, 0};
    }
    visual_ = visual;
    depth_ = attributes.depth;
    gc_ = XCreateGC(display_, window_id_, 0, nullptr);
    XSetGraphicsExposures(display_, gc_, False);
    XSetForeground(display_, gc_, background);
    XSelectInput(display_, window_id_, ExposureMask);  // our own mask on SFML's window
    XFlush(display_);
    repaint_all();
    return true;
  }

  const char* name() const override { return shm_ ? "xshm" : "ximage"; }

  bool update(const frame_patch& frame) override {
    if (frame.width == 0 || frame.height == 0)
      return false;
    wait_for_completion();  // the renderer's pacing makes this a no-op
    const bool new_size = picture_size_.x != frame.width || picture_size_.y != frame.height || !picture_;
    if (new_size) {
      picture_.reset();
      picture_ = std::make_unique<x_image>(display_, visual_, depth_, frame.width, frame.height, shm_);
      if (!picture_->usable())
        named_logger("viewer")->error("cannot make a {}x{} X image for the picture", frame.width, frame.height);
      picture_resized({frame.width, frame.height});
    }
    follow_window_size();
    if (!frame.pixels || !picture_->usable())
      return new_size;
    for (const auto& move : frame.moves) {
      protocol::apply_move(picture_->row(0), static_cast<std::size_t>(picture_->get()->bytes_per_line) / 4, move);
      picture_changed(move.to);
    }
    for (std::size_t i = 0; i < frame.rects.size(); ++i) {
      const auto& r = frame.rects[i];
      const std::uint32_t* from = frame.rect_pixels(i);
      const auto width = static_cast<std::size_t>(r.width());
      if (width == frame.width && static_cast<std::size_t>(picture_->get()->bytes_per_line) == width * 4) {
        // Whole rows, contiguous in both: one copy (see make_frame_patch).
        std::memcpy(picture_->row(r.top), from, width * static_cast<std::size_t>(r.height()) * sizeof(std::uint32_t));
        picture_changed(r);
        continue;
      }
      for (std::int32_t y = r.top; y < r.bottom; ++y, from += width)
        std::memcpy(picture_->row(y) + r.left, from, width * sizeof(std::uint32_t));
      picture_changed(r);
    }
    return new_size;
  }

  void present() override {
    if (in_flight_ || !gc_)
      return;
    const std::vector<protocol::rect> rects = take_damage();
    if (rects.empty())
      return;
    const bool one_to_one = geometry_.scale == 1.0f && picture_ && picture_->usable();
    const protocol::rect picture_area = picture_rect();
    std::vector<put_operation> puts;
    // At 1:1 only the parts under the cursor, the banner or the menu are
    // composed; the rest is put straight from the picture. The composed
    // image is as large as those parts (a cursor), not the window.
    std::vector<protocol::rect> composed;
    for (const auto& r : rects) {
      if (!one_to_one) {
        composed.push_back(r);
        continue;
      }
      const std::vector<protocol::rect> overlays = overlay_parts(r);
      for (const protocol::rect& plain : outside_of(r, overlays)) {
        const protocol::rect inside = protocol::intersection(plain, picture_area);
        if (!inside.empty())
          puts.push_back({picture_.get(), inside.left - picture_area.left, inside.top - picture_area.top, inside});
        fill_outside(plain, picture_area);
      }
      composed.insert(composed.end(), overlays.begin(), overlays.end());
    }
    if (!composed.empty() && prepare_composed(bounding_box(composed)))
      for (const auto& r : composed) {
        compose(r);
        puts.push_back({composed_.get(), r.left - composed_origin_.left, r.top - composed_origin_.top, r});
      }
    for (std::size_t i = 0; i < puts.size(); ++i) {
      const auto& put = puts[i];
      const bool last = i + 1 == puts.size();
      put.image->put(window_id_, gc_, put.x, put.y, put.to.left, put.to.top, static_cast<unsigned>(put.to.width()),
                     static_cast<unsigned>(put.to.height()), last && put.image->shared());
      in_flight_ = in_flight_ || (last && put.image->shared());
    }
    send_buffered_requests(display_);
    take_queued_completion();
  }

  bool presenting() const override { return in_flight_; }
  int connection_fd() const override { return ConnectionNumber(display_); }
  bool events_waiting() override { return events_queued(display_); }

  void take_events(bool socket_readable) override {
    XEvent event;
    while (next_event_without_waiting(display_, socket_readable, event))
      on_event(event);
  }

  void window_recreated() override {
    if (!attach())
      named_logger("viewer")->error("the new window's visual is not depth 24 TrueColor: nothing is shown");
  }

  // What is on screen, composed from our own images (the same pixels the puts sent).
  bool save_screenshot(const std::string& path) override {
    present();
    wait_for_completion();
    follow_window_size();
    const protocol::rect all = window_bounds();
    if (all.empty() || !prepare_composed(all))
      return false;
    compose(all);
    sf::Image shot;
    shot.create(window_size_.x, window_size_.y);
    for (unsigned y = 0; y < window_size_.y; ++y)
      for (unsigned x = 0; x < window_size_.x; ++x) {
        const std::uint32_t pixel = composed_->row(static_cast<int>(y))[x];
        shot.setPixel(x, y, sf::Color((pixel >> 16) & 0xff, (pixel >> 8) & 0xff, pixel & 0xff));
      }
    return shot.saveToFile(path);
  }

  sf::Image picture_image() override {
    sf::Image image;
    if (!picture_ || !picture_->usable() || picture_size_.x == 0)
      return image;
    image.create(picture_size_.x, picture_size_.y);
    for (unsigned y = 0; y < picture_size_.y; ++y) {
      const std::uint32_t* row = picture_->row(static_cast<int>(y));
      for (unsigned x = 0; x < picture_size_.x; ++x)
        image.setPixel(x, y, sf::Color((row[x] >> 16) & 0xff, (row[x] >> 8) & 0xff, row[x] & 0xff));
    }
    return image;
  }

private:
  struct put_operation {
    const x_image* image;
    int x, y;
    protocol::rect to;
  };

  void on_event(const XEvent& event) {
    if (event.type == completion_event_)
      in_flight_ = false;
    else if (event.type == Expose)
      window_changed(protocol::rect{event.xexpose.y, event.xexpose.x, event.xexpose.y + event.xexpose.height,
                                    event.xexpose.x + event.xexpose.width});
  }

  // The completion often comes with the read the flush makes: taken from
  // Xlib's queue here (no system call), the update is acknowledged in this
  // pass of the main loop, not in another pass right after it. An event
  // queued before it (an Expose) leaves both to the next pump.
  void take_queued_completion() {
    XEvent event;
    while (in_flight_ && XEventsQueued(display_, QueuedAlready) > 0) {
      XPeekEvent(display_, &event);
      if (event.type != completion_event_)
        return;
      XNextEvent(display_, &event);
      in_flight_ = false;
    }
  }

  void wait_for_completion() {
    while (in_flight_) {
      XEvent event;
      XNextEvent(display_, &event);
      on_event(event);
    }
  }

  protocol::rect picture_rect() const {
    const auto left = static_cast<std::int32_t>(std::lround(geometry_.offset_x));
    const auto top = static_cast<std::int32_t>(std::lround(geometry_.offset_y));
    return protocol::rect{top, left, top + static_cast<std::int32_t>(std::lround(picture_size_.y * geometry_.scale)),
                          left + static_cast<std::int32_t>(std::lround(picture_size_.x * geometry_.scale))};
  }

  // The parts of `r` under the banner, the menu and the cursor (they may overlap).
  std::vector<protocol::rect> overlay_parts(const protocol::rect& r) const {
    std::vector<protocol::rect> parts;
    for (const protocol::rect& over : {banner_.shown() ? protocol::rect{0, 0, banner_height, r.right} : protocol::rect{},
                                       overlay_rect(), cursor_rect()}) {
      const protocol::rect part = protocol::intersection(r, over);
      if (!part.empty())
        parts.push_back(part);
    }
    return parts;
  }

  // `r` minus `holes`, as non-overlapping rectangles.
  static std::vector<protocol::rect> outside_of(const protocol::rect& r, const std::vector<protocol::rect>& holes) {
    std::vector<protocol::rect> pieces{r};
    for (const protocol::rect& hole : holes) {
      std::vector<protocol::rect> left;
      for (const protocol::rect& p : pieces) {
        const protocol::rect cut = protocol::intersection(p, hole);
        if (cut.empty()) {
          left.push_back(p);
          continue;
        }
        const protocol::rect around[] = {
          {p.top, p.left, cut.top, p.right},                   // above
          {cut.bottom, p.left, p.bottom, p.right},             // below
          {cut.top, p.left, cut.bottom, cut.left},             // left
          {cut.top, cut.right, cut.bottom, p.right},           // right
        };
        for (const protocol::rect& a : around)
          if (!a.empty())
            left.push_back(a);
      }
      pieces = std::move(left);
    }
    return pieces;
  }

  static protocol::rect bounding_box(const std::vector<protocol::rect>& rects) {
    protocol::rect box = rects.front();
    for (const auto& r : rects) {
      box.top = std::min(box.top, r.top);
      box.left = std::min(box.left, r.left);
      box.bottom = std::max(box.bottom, r.bottom);
      box.right = std::max(box.right, r.right);
    }
    return box;
  }

  // Makes the composed image cover window area `box` (its pixel (0, 0) is
  // the box's top left). Kept while it is large enough and not more than
  // 16 times the area asked for.
  bool prepare_composed(const protocol::rect& box) {
    const auto width = static_cast<unsigned>(box.width()), height = static_cast<unsigned>(box.height());
    const bool fits = composed_ && composed_->usable() && static_cast<unsigned>(composed_->get()->width) >= width &&
                      static_cast<unsigned>(composed_->get()->height) >= height;
    const std::uint64_t kept_area = composed_ ? std::uint64_t(composed_->get()->width) * composed_->get()->height : 0;
    if (!fits || kept_area > 16 * std::uint64_t{width} * height) {
      composed_.reset();
      bool shm = shm_;
      composed_ = std::make_unique<x_image>(display_, visual_, depth_, width, height, shm);
    }
    composed_origin_ = box;
    return composed_->usable();
  }

  // The parts of `r` outside the picture get the background colour.
  void fill_outside(const protocol::rect& r, const protocol::rect& picture) {
    const protocol::rect bands[] = {
      {r.top, r.left, std::min(r.bottom, picture.top), r.right},                                   // above
      {std::max(r.top, picture.bottom), r.left, r.bottom, r.right},                                // below
      {std::max(r.top, picture.top), r.left, std::min(r.bottom, picture.bottom), std::min(r.right, picture.left)},  // left
      {std::max(r.top, picture.top), std::max(r.left, picture.right), std::min(r.bottom, picture.bottom), r.right},  // right
    };
    for (const auto& band : bands)
      if (!band.empty())
        XFillRectangle(display_, window_id_, gc_, band.left, band.top, static_cast<unsigned>(band.width()),
                       static_cast<unsigned>(band.height()));
  }

  // The composed image's row under window row `y`, indexed by window column
  // minus composed_origin_.left (prepare_composed made it cover them).
  std::uint32_t* composed_row(std::int32_t y) const { return composed_->row(y - composed_origin_.top); }

  // Draws window rectangle `r` (inside the prepared area) into the composed
  // image: the picture (scaled), the background around it, the cursor, the
  // banner and the menu.
  void compose(const protocol::rect& r) {
    const std::int32_t ox = composed_origin_.left;
    const bool have_picture = picture_ && picture_->usable() && picture_size_.x > 0;
    std::vector<int> columns(static_cast<std::size_t>(r.width()), -1);
    if (have_picture)
      for (std::int32_t x = r.left; x < r.right; ++x)
        columns[static_cast<std::size_t>(x - r.left)] = source_index(x, geometry_.offset_x, picture_size_.x);
    for (std::int32_t y = r.top; y < r.bottom; ++y) {
      std::uint32_t* out = composed_row(y) + (r.left - ox);
      const int source_row = have_picture ? source_index(y, geometry_.offset_y, picture_size_.y) : -1;
      const std::uint32_t* in = source_row >= 0 ? picture_->row(source_row) : nullptr;
      for (std::size_t i = 0; i < columns.size(); ++i)
        out[i] = in && columns[i] >= 0 ? in[columns[i]] & 0xffffff : background;
    }
    if (cursor_)
      compose_cursor(r);
    if (banner_.shown())
      compose_banner(r);
    if (!overlay_rect().empty())
      compose_overlay(r);
  }

  // The menu's pixels (straight alpha) over the rest.
  void compose_overlay(const protocol::rect& r) {
    const std::int32_t ox = composed_origin_.left;
    const protocol::rect area = protocol::intersection(r, overlay_rect());
    const sf::Uint8* pixels = overlay_image().getPixelsPtr();
    const auto width = static_cast<std::size_t>(overlay_image().getSize().x);
    for (std::int32_t y = area.top; y < area.bottom; ++y) {
      std::uint32_t* out = composed_row(y);
      const sf::Uint8* row = pixels + static_cast<std::size_t>(y - overlay_rect().top) * width * 4;
      for (std::int32_t x = area.left; x < area.right; ++x) {
        const sf::Uint8* p = row + static_cast<std::size_t>(x - overlay_rect().left) * 4;
        if (p[3] != 0)
          out[x - ox] = blend(out[x - ox], std::uint32_t{p[0]} << 16 | std::uint32_t{p[1]} << 8 | p[2], p[3]);
      }
    }
  }

  // The picture pixel (row or column) under window pixel `at`; -1 outside.
  int source_index(std::int32_t at, float offset, unsigned size) const {
    const double source = std::floor((at + 0.5 - offset) / geometry_.scale);
    return source >= 0 && source < size ? static_cast<int>(source) : -1;
  }

  void compose_cursor(const protocol::rect& r) {
    const std::int32_t ox = composed_origin_.left;
    const auto& shape = *cursor_->shape();
    const protocol::rect area = protocol::intersection(r, cursor_rect());
    const float left = geometry_.offset_x + (cursor_state_.x - shape.hot_x) * geometry_.scale;
    const float top = geometry_.offset_y + (cursor_state_.y - shape.hot_y) * geometry_.scale;
    const auto& rgba = cursor_->rgba();
    for (std::int32_t y = area.top; y < area.bottom; ++y) {
      const auto cy = static_cast<long>(std::floor((y + 0.5 - top) / geometry_.scale));
      if (cy < 0 || cy >= shape.image.height)
        continue;
      std::uint32_t* out = composed_row(y);
      for (std::int32_t x = area.left; x < area.right; ++x) {
        const auto cx = static_cast<long>(std::floor((x + 0.5 - left) / geometry_.scale));
        if (cx < 0 || cx >= shape.image.width)
          continue;
        const std::uint8_t* p = &rgba[(static_cast<std::size_t>(cy) * shape.image.width + static_cast<std::size_t>(cx)) * 4];
        if (p[3] != 0)
          out[x - ox] = blend(out[x - ox], std::uint32_t{p[0]} << 16 | std::uint32_t{p[1]} << 8 | p[2], p[3]);
      }
    }
  }

  void compose_banner(const protocol::rect& r) {
    const std::int32_t ox = composed_origin_.left;
    if (banner_text_for_ != banner_.text) {
      banner_text_ = font_.rasterize(banner_.text, banner_text_size);
      banner_text_for_ = banner_.text;
    }
    const std::uint32_t ink = banner_.phase == session_phase::failed ? 0xff8c78 : 0xf0f0f0;
    const protocol::rect band = protocol::intersection(r, protocol::rect{0, 0, banner_height, r.right});
    for (std::int32_t y = band.top; y < band.bottom; ++y) {
      std::uint32_t* out = composed_row(y);
      const int text_row = y - banner_text_y;
      const bool text_here = text_row >= 0 && text_row < banner_text_.height + banner_text_.descent;
      for (std::int32_t x = band.left; x < band.right; ++x) {
        out[x - ox] = blend(out[x - ox], 0, banner_shade);
        const int text_column = x - banner_text_x;
        if (text_here && text_column >= 0 && text_column < banner_text_.width) {
          const std::uint8_t a = banner_text_.alpha[static_cast<std::size_t>(text_row) * banner_text_.width +
                                                    static_cast<std::size_t>(text_column)];
          if (a != 0)
            out[x - ox] = blend(out[x - ox], ink, a);
        }
      }
    }
  }

  Display* display_;
  Window window_id_ = 0;
  Visual* visual_ = nullptr;
  int depth_ = 0;
  GC gc_ = nullptr;
  bool shm_ = false;
  int completion_event_ = -1;
  bool in_flight_ = false;
  std::unique_ptr<x_image> picture_;   // the guest's picture, its size
  std::unique_ptr<x_image> composed_;  // the composed parts of a presentation (scaled picture, overlays)
  protocol::rect composed_origin_;     // the window area composed_ covers, from its top left
  text_face font_;
  text_coverage banner_text_;
  std::optional<std::string> banner_text_for_;  // the text banner_text_ shows
};

}  // namespace

std::unique_ptr<presentation> make_xshm_presentation(sf::RenderWindow& window) {
  Display* display = XOpenDisplay(nullptr);
  if (!display)
    return nullptr;
  ignore_gone_windows_on(display, "presentation");
  auto made = std::make_unique<xshm_presentation>(window, display);
  if (!made->attach())
    return nullptr;
  return made;
}

}  // namespace vigil
