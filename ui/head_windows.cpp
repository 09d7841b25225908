#include "ui/head_windows.hpp"

#include <algorithm>

#include <SFML/Window/Event.hpp>

#include "common/log.hpp"
#include "ui/window_opengl.hpp"
#include "ui/window_placement.hpp"

namespace vigil {

namespace {

protocol::rect whole_surface(const frame_patch& frame) {
  return {0, 0, static_cast<std::int32_t>(frame.height), static_cast<std::int32_t>(frame.width)};
}

}  // namespace

struct head_windows::head_window {
  guest_head head;
  sf::RenderWindow window;
  std::unique_ptr<presentation> view;
  bool needs_whole = true;  // its picture is not this head's yet
  bool hidden = false;      // closed by the person, until the head is enabled again
  bool covers_monitor = false;  // full screen over its client monitor (--monitor-mapping): keeps that size
};

head_windows::head_windows(presentation_choice choice, hooks hooks) : choice_(choice), hooks_(std::move(hooks)) {}

head_windows::~head_windows() = default;

frame_patch_ptr head_windows::route(std::uint32_t display, const frame_patch_ptr& frame) {
  if (!frame->pixels)
    return display == 0 ? frame : nullptr;
  auto& mirror = mirrors_[display];
  const auto heads = heads_of(display, *frame);
  // Display 0's only head while there is no other window: the viewer window
  // shows the frame as it came and no copy is kept (keeping one cost a copy
  // of every change and scroll). A copy is needed again once heads are cut
  // from the display: then the renderer is asked for a whole frame.
  const bool as_it_came = display == 0 && heads.size() == 1 && windows_.empty();
  bool mirrored = false;
  if (as_it_came)
    mirror.forget();
  else if (!(mirrored = mirror.apply(*frame)))
    whole_wanted_.insert(display);
  const auto before = heads_.find(display) == heads_.end() ? std::vector<guest_head>{} : heads_[display];
  heads_[display] = heads;
  for (const auto& head : heads)
    enabling_.erase(head.agent_id());
  if (heads != before)
    named_logger("viewer")->info("display:{}: {} head(s)", display, heads.size());
  frame_patch_ptr first;
  // Display 0's first head is the viewer window's: as it came while it is the only one.
  if (as_it_came) {
    first_area_ = heads.front().area;
    return frame;
  }
  if (!mirrored)
    return nullptr;  // until a whole frame comes (every new surface's first is)
  if (display == 0) {
    first = mirror.cut(*frame, heads.front().area, frame->whole || heads.front().area != first_area_);
    first_area_ = heads.front().area;
  }
  // This display's other heads: windows that come, change or go.
  const auto shown_here = [&](const head_window& w) { return w.head.display == display; };
  windows_.erase(std::remove_if(windows_.begin(), windows_.end(),
                                [&](const auto& w) {
                                  return shown_here(*w) && std::none_of(heads.begin(), heads.end(), [&](const auto& h) {
                                           return h.monitor == w->head.monitor;
                                         });
                                }),
                 windows_.end());
  for (std::size_t i = display == 0 ? 1 : 0; i < heads.size(); ++i) {
    const guest_head& head = heads[i];
    auto found = std::find_if(windows_.begin(), windows_.end(), [&](const auto& w) {
      return w->head.display == head.display && w->head.monitor == head.monitor;
    });
    if (found == windows_.end()) {
      auto made = std::make_unique<head_window>();
      made->head = head;
      place(*made);  // made as full screen and the mapping want it
      made->view = make_presentation(made->window, choice_);
      named_logger("viewer")->info("head {} of display:{} in a window of its own ({}x{})", head.monitor, display,
                                   head.area.width(), head.area.height());
      auto slot = std::upper_bound(windows_.begin(), windows_.end(), head.agent_id(),
                                 [](std::uint32_t id, const auto& w) { return id < w->head.agent_id(); });
      found = windows_.insert(slot, std::move(made));
      retitle();
      arrange();
      if ((*found)->covers_monitor)
        hooks_.resized();  // the guest is asked for the monitor's size
    }
    head_window& shown = **found;
    const bool whole = frame->whole || shown.needs_whole || shown.head.area != head.area;
    shown.head = head;
    shown.needs_whole = false;
    // A head that is its display's whole surface (a display of one head, a
    // streaming agent's channel) sees the frame as it came, unless it needs
    // more of it than the frame has: cutting would copy every pixel again.
    const bool takes_frame_as_is = head.area == whole_surface(*frame) && (frame->whole || !whole);
    if (shown.view->update(takes_frame_as_is ? *frame : *mirror.cut(*frame, head.area, whole))) {
      if (!shown.covers_monitor) {
        const auto size = shown.view->picture_size();
        shown.window.setSize(size);
        shown.window.setView(sf::View(sf::FloatRect(0, 0, static_cast<float>(size.x), static_cast<float>(size.y))));
      }
      shown.view->repaint_all();
    }
  }
  return first;
}

std::vector<monitor_placement> head_windows::placements(
  const std::function<sf::Vector2u(const guest_head&)>& size_of) const {
  std::vector<guest_head> all;
  for (const auto& [display, heads] : heads_)
    all.insert(all.end(), heads.begin(), heads.end());
  std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.agent_id() < b.agent_id(); });
  std::vector<std::pair<std::uint32_t, sf::Vector2u>> sized;
  for (const auto& head : all)
    if (!disabled_.count(head.agent_id()))
      sized.emplace_back(head.agent_id(), size_of(head));
  for (const auto& [id, size] : enabling_)
    if (std::none_of(all.begin(), all.end(), [id = id](const guest_head& head) { return head.agent_id() == id; }))
      sized.emplace_back(id, size);
  std::stable_sort(sized.begin(), sized.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<monitor_placement> out;
  std::int32_t x = 0;
  for (const auto& [id, size] : sized) {
    out.push_back({id, x, 0, size.x, size.y});
    x += static_cast<std::int32_t>(size.x);
  }
  return out;
}

std::vector<monitor_placement> head_windows::layout(sf::Vector2u first) const {
  return placements([&](const guest_head& head) {
    for (const auto& w : windows_)
      if (w->head.display == head.display && w->head.monitor == head.monitor)
        return w->window.getSize();
    if (head.display == 0 && head.area == first_area_)
      return first;
    return sf::Vector2u(static_cast<unsigned>(head.area.width()), static_cast<unsigned>(head.area.height()));
  });
}

std::vector<monitor_placement> head_windows::current() const {
  std::vector<guest_head> all;  // every head the guest shows, by agent id
  for (const auto& [display, heads] : heads_)
    all.insert(all.end(), heads.begin(), heads.end());
  std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.agent_id() < b.agent_id(); });
  std::vector<monitor_placement> out;
  std::int32_t x = 0;
  for (const auto& head : all) {
    out.push_back({head.agent_id(), x, 0, static_cast<std::uint32_t>(head.area.width()),
                   static_cast<std::uint32_t>(head.area.height())});
    x += static_cast<std::int32_t>(head.area.width());
  }
  return out;
}

std::vector<monitor_entry> head_windows::monitors() const {
  std::map<std::uint32_t, sf::Vector2u> heads = disabled_;  // by agent id, but the first head
  for (const auto& w : windows_)
    heads[w->head.agent_id()] = {static_cast<unsigned>(w->head.area.width()), static_cast<unsigned>(w->head.area.height())};
  for (const auto& [id, size] : enabling_)
    heads.emplace(id, size);
  std::vector<monitor_entry> out;
  for (const auto& [id, size] : heads)
    out.push_back({"Monitor " + std::to_string(id + 1) + " (" + std::to_string(size.x) + "x" + std::to_string(size.y) +
                     ")",
                   !disabled_.count(id)});
  return out;
}

void head_windows::toggle(std::size_t index) {
  const auto entries = monitors();
  if (index >= entries.size())
    return;
  std::map<std::uint32_t, sf::Vector2u> heads = disabled_;
  for (const auto& w : windows_)
    heads[w->head.agent_id()] = w->window.getSize();  // enabled again at its window's size
  for (const auto& [id, size] : enabling_)
    heads.emplace(id, size);
  auto chosen = std::next(heads.begin(), static_cast<std::ptrdiff_t>(index));
  if (auto off = disabled_.find(chosen->first); off != disabled_.end()) {
    enabling_[off->first] = off->second;
    disabled_.erase(off);
    for (auto& w : windows_)  // closed, and the guest kept the head meanwhile
      if (w->head.agent_id() == chosen->first && w->hidden) {
        w->hidden = false;
        w->window.setVisible(true);
        w->view->repaint_all();
      }
  } else {
    disabled_[chosen->first] = chosen->second;
    enabling_.erase(chosen->first);
  }
  named_logger("viewer")->info("monitor {} {}", chosen->first + 1, disabled_.count(chosen->first) ? "disabled" : "enabled");
}

std::vector<int> head_windows::event_fds() const {
  std::vector<int> fds;
  for (const auto& w : windows_)
    fds.push_back(w->view->connection_fd());
  return fds;
}

std::vector<unsigned long> head_windows::windows() const {
  std::vector<unsigned long> ids;
  for (const auto& w : windows_)
    ids.push_back(w->window.getSystemHandle());
  return ids;
}

bool head_windows::events_waiting() {
  bool waiting = false;
  for (auto& w : windows_)  // each asked: each sends what it buffered
    waiting = w->view->events_waiting() || waiting;
  return waiting;
}

void head_windows::pump(const readable_fds& readable) {
  for (auto& w : windows_) {
    sf::Event event;
    while (w->window.pollEvent(event)) {
      if (event.type == sf::Event::Closed && !w->hidden) {
        // As remote-viewer: closing a head's window disables that head in the
        // guest; the Monitors menu enables it again.
        disabled_[w->head.agent_id()] = w->window.getSize();
        enabling_.erase(w->head.agent_id());
        named_logger("viewer")->info("head {} of display:{}: window closed: monitor {} disabled", w->head.monitor,
                                     w->head.display, w->head.agent_id() + 1);
        w->hidden = true;
        w->window.setVisible(false);
        hooks_.resized();  // the guest is asked for the heads left enabled
      } else if (event.type == sf::Event::MouseMoved || event.type == sf::Event::MouseButtonPressed ||
                 event.type == sf::Event::MouseButtonReleased || event.type == sf::Event::MouseWheelScrolled) {
        hooks_.pointer(event, {w->view->geometry(), static_cast<std::uint32_t>(std::max(w->head.area.left, 0)),
                               static_cast<std::uint32_t>(std::max(w->head.area.top, 0)),
                               static_cast<std::uint8_t>(w->head.display)});
      } else if (event.type == sf::Event::KeyPressed || event.type == sf::Event::KeyReleased) {
        hooks_.key(event.key.code, event.type == sf::Event::KeyPressed);
      } else if (event.type == sf::Event::Resized) {
        w->window.setView(sf::View(sf::FloatRect(0, 0, static_cast<float>(event.size.width),
                                                 static_cast<float>(event.size.height))));
        w->view->repaint_all();
        hooks_.resized();
      }
    }
    w->view->take_events(readable.has(w->view->connection_fd()));
    if (!w->hidden)
      w->view->present();
  }
}

bool head_windows::presenting() const {
  return std::any_of(windows_.begin(), windows_.end(), [](const auto& w) { return w->view->presenting(); });
}

void head_windows::retitle() {
  for (std::size_t i = 0; i < windows_.size(); ++i) {
    const std::string title = hooks_.title(i + 2);
    windows_[i]->window.setTitle(sf::String::fromUtf8(title.begin(), title.end()));
  }
}

void head_windows::set_fullscreen(bool on, const std::map<int, int>& mapping) {
  fullscreen_ = on;
  mapping_ = mapping;
  for (auto& w : windows_)
    place(*w);
  arrange();
  if (std::any_of(windows_.begin(), windows_.end(), [](const auto& w) { return w->covers_monitor; }))
    hooks_.resized();  // the guest is asked for the monitors' sizes
}

// A head's window as full screen and the mapping want it.
void head_windows::place(head_window& shown) {
  const bool covered_before = shown.covers_monitor;
  const auto monitor = mapped_area(fullscreen_, static_cast<int>(shown.head.agent_id()) + 1, mapping_);
  shown.covers_monitor = monitor.has_value();
  const bool recreated = monitor || covered_before || !shown.window.isOpen();
  if (monitor)
    cover(shown.window, *monitor);
  else if (recreated)
    shown.window.create(sf::VideoMode(static_cast<unsigned>(shown.head.area.width()),
                                      static_cast<unsigned>(shown.head.area.height())),
                        "Vigil");
  prepare_window(shown.window, false);
  shown.window.setVisible(!shown.hidden && !(fullscreen_ && !mapping_.empty() && !monitor));
  if (shown.view && recreated)
    shown.view->window_recreated();
  retitle();
}

void head_windows::arrange() {
  if (windows_.empty() || (fullscreen_ && !mapping_.empty()))
    return;
  const sf::IntRect first = hooks_.first_window();
  sf::Vector2i at{first.left + first.width, first.top};
  for (auto& w : windows_) {
    w->window.setPosition(at);
    at.x += static_cast<int>(w->window.getSize().x);
  }
}

}  // namespace vigil
