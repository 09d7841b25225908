#include "ui/x11_clipboard.hpp"

#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <X11/extensions/Xfixes.h>

#include "common/log.hpp"

namespace vigil {

namespace {

// Answering another client means writing to its window, which may be gone
// by then (BadWindow). Xlib's default handler would end the process; errors
// on the clipboard's own connection are logged and ignored instead, others
// go to whichever handler was there before.
Display* clipboard_connection = nullptr;
XErrorHandler previous_handler = nullptr;

int on_x_error(Display* display, XErrorEvent* error) {
  if (display == clipboard_connection) {
    named_logger("viewer")->debug("clipboard: X error {} (request {}) ignored", error->error_code, error->request_code);
    return 0;
  }
  return previous_handler ? previous_handler(display, error) : 0;
}

}  // namespace

struct x11_clipboard::display {
  Display* handle = nullptr;
  Window window = 0;
  int xfixes_event_base = 0;
  Atom clipboard = 0, utf8 = 0, targets = 0, text = 0, incr = 0, property = 0;
};

x11_clipboard::x11_clipboard(std::size_t max_text_bytes) : max_text_bytes_(max_text_bytes) {
  Display* handle = XOpenDisplay(nullptr);
  if (!handle)
    return;
  int error_base = 0;
  auto d = new display{handle};
  if (!XFixesQueryExtension(handle, &d->xfixes_event_base, &error_base)) {
    named_logger("viewer")->warn("the X server has no XFixes: the local clipboard is not shared with the guest");
    XCloseDisplay(handle);
    delete d;
    return;
  }
  // An unmapped window: it owns the selection and receives the answers.
  d->window = XCreateSimpleWindow(handle, DefaultRootWindow(handle), 0, 0, 1, 1, 0, 0, 0);
  d->clipboard = XInternAtom(handle, "CLIPBOARD", False);
  d->utf8 = XInternAtom(handle, "UTF8_STRING", False);
  d->targets = XInternAtom(handle, "TARGETS", False);
  d->text = XInternAtom(handle, "TEXT", False);
  d->incr = XInternAtom(handle, "INCR", False);
  d->property = XInternAtom(handle, "VIGIL_CLIPBOARD", False);
  XFixesSelectSelectionInput(handle, d->window, d->clipboard, XFixesSetSelectionOwnerNotifyMask);
  XFlush(handle);
  display_ = d;
  clipboard_connection = handle;
  if (!previous_handler)
    previous_handler = XSetErrorHandler(on_x_error);
}

x11_clipboard::~x11_clipboard() {
  if (!display_)
    return;
  XDestroyWindow(display_->handle, display_->window);
  XCloseDisplay(display_->handle);
  clipboard_connection = nullptr;
  delete display_;
}

int x11_clipboard::connection_fd() const { return display_ ? ConnectionNumber(display_->handle) : -1; }

bool x11_clipboard::events_waiting() const { return display_ && XPending(display_->handle) > 0; }

std::optional<x11_clipboard::clock::time_point> x11_clipboard::next_deadline() const {
  std::optional<clock::time_point> next = local_request_deadline_;
  for (const auto& request : waiting_)
    if (!next || request.deadline < *next)
      next = request.deadline;
  return next;
}

std::vector<x11_clipboard::action> x11_clipboard::pump(clock::time_point now) {
  std::vector<action> out;
  if (!display_)
    return out;
  while (XPending(display_->handle) > 0) {
    XEvent event;
    XNextEvent(display_->handle, &event);
    on_event(&event, out);
  }
  // Requests the guest's text never came for: refuse them rather than keep
  // another application waiting.
  for (auto it = waiting_.begin(); it != waiting_.end();) {
    if (now < it->deadline) {
      ++it;
      continue;
    }
    answer(*it, false);
    it = waiting_.erase(it);
  }
  if (local_request_deadline_ && now >= *local_request_deadline_) {
    local_request_deadline_.reset();
    named_logger("viewer")->warn("the local clipboard owner did not answer within {} ms", wait_limit.count());
    out.push_back({action::kind::text, {}});
  }
  XFlush(display_->handle);
  return out;
}

void x11_clipboard::on_event(void* raw, std::vector<action>& out) {
  auto& event = *static_cast<XEvent*>(raw);
  auto& d = *display_;
  if (event.type == d.xfixes_event_base + XFixesSelectionNotify) {
    auto& notify = reinterpret_cast<XFixesSelectionNotifyEvent&>(event);
    if (notify.owner == d.window)
      return;  // our own grab for the guest
    if (notify.owner == None) {
      if (local_owner_)
        out.push_back({action::kind::release, {}});
      local_owner_ = false;
      return;
    }
    // Another client copied something: it replaces the guest's text here.
    own_ = false;
    guest_text_.reset();
    local_owner_ = true;
    out.push_back({action::kind::grab, {}});
    return;
  }
  switch (event.type) {
    case SelectionClear:
      own_ = false;
      guest_text_.reset();
      return;
    case SelectionRequest: {
      const auto& request = event.xselectionrequest;
      waiting_request waiting{request.requestor, request.selection, request.target,
                              request.property == None ? request.target : request.property, request.time,
                              clock::now() + wait_limit};
      if (!own_ || request.selection != d.clipboard) {
        answer(waiting, false);
      } else if (request.target == d.targets || guest_text_) {
        answer(waiting, true);
      } else if (waiting_.size() < max_waiting) {
        waiting_.push_back(waiting);  // the guest's text is on its way
      } else {
        answer(waiting, false);
      }
      return;
    }
    case SelectionNotify: {
      if (event.xselection.selection != d.clipboard || !local_request_deadline_)
        return;
      local_request_deadline_.reset();
      std::string text;
      if (event.xselection.property != None)
        text = read_local_text(event.xselection.property);
      out.push_back({action::kind::text, std::move(text)});
      return;
    }
    default:
      return;
  }
}

// Writes the answer into the requestor's property and tells it so.
void x11_clipboard::answer(const waiting_request& request, bool with_text) {
  auto& d = *display_;
  XSelectionEvent reply{};
  reply.type = SelectionNotify;
  reply.display = d.handle;
  reply.requestor = request.requestor;
  reply.selection = request.selection;
  reply.target = request.target;
  reply.time = request.time;
  reply.property = None;
  if (with_text && request.target == d.targets) {
    Atom offered[] = {d.targets, d.utf8, XA_STRING, d.text};
    XChangeProperty(d.handle, request.requestor, request.property, XA_ATOM, 32, PropModeReplace,
                    reinterpret_cast<unsigned char*>(offered), 4);
    reply.property = request.property;
  } else if (with_text && guest_text_ &&
             (request.target == d.utf8 || request.target == XA_STRING || request.target == d.text)) {
    XChangeProperty(d.handle, request.requestor, request.property, d.utf8, 8, PropModeReplace,
                    reinterpret_cast<const unsigned char*>(guest_text_->data()),
                    static_cast<int>(guest_text_->size()));
    reply.property = request.property;
  }
  XSendEvent(d.handle, request.requestor, False, NoEventMask, reinterpret_cast<XEvent*>(&reply));
}

std::string x11_clipboard::read_local_text(unsigned long property) {
  auto& d = *display_;
  Atom type = None;
  int format = 0;
  unsigned long count = 0, after = 0;
  unsigned char* data = nullptr;
  std::string text;
  // Length in 32-bit units; one read of at most max_text_bytes.
  if (XGetWindowProperty(d.handle, d.window, property, 0, static_cast<long>(max_text_bytes_ / 4 + 1), True,
                         AnyPropertyType, &type, &format, &count, &after, &data) == Success) {
    if (type == d.incr)
      named_logger("viewer")->warn("the local clipboard text is sent incrementally (INCR): not supported, none sent");
    else if (format == 8 && after == 0)
      text.assign(reinterpret_cast<const char*>(data), count);
    else if (after != 0)
      named_logger("viewer")->warn("the local clipboard text is over {} bytes: none sent", max_text_bytes_);
    if (data)
      XFree(data);
  }
  return text;
}

void x11_clipboard::own_for_guest() {
  if (!display_)
    return;
  own_ = true;
  local_owner_ = false;
  guest_text_.reset();
  XSetSelectionOwner(display_->handle, display_->clipboard, display_->window, CurrentTime);
  XFlush(display_->handle);
}

void x11_clipboard::set_guest_text(std::string text) {
  if (!display_ || !own_)
    return;
  guest_text_ = std::move(text);
  for (const auto& request : waiting_)
    answer(request, true);
  waiting_.clear();
  XFlush(display_->handle);
}

void x11_clipboard::guest_released() {
  if (!display_ || !own_)
    return;
  own_ = false;
  guest_text_.reset();
  XSetSelectionOwner(display_->handle, display_->clipboard, None, CurrentTime);
  XFlush(display_->handle);
}

void x11_clipboard::request_local_text(clock::time_point now) {
  if (!display_)
    return;
  XDeleteProperty(display_->handle, display_->window, display_->property);
  XConvertSelection(display_->handle, display_->clipboard, display_->utf8, display_->property, display_->window,
                    CurrentTime);
  XFlush(display_->handle);
  local_request_deadline_ = now + wait_limit;
}

}  // namespace vigil
