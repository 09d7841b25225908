#include "ui/x11_file_drop.hpp"

#include <X11/Xatom.h>
#include <X11/Xlib.h>

#include "common/log.hpp"
#include "protocol/uri_list.hpp"
#include "ui/x11_reading.hpp"

namespace vigil {

namespace {

constexpr long xdnd_version = 5;

}  // namespace

struct x11_file_drop::display {
  Display* handle = nullptr;
  Window target = 0;  // the viewer window (what sources address)
  Window proxy = 0;   // ours: receives the messages
  Atom aware = 0, proxy_atom = 0, enter = 0, position = 0, status = 0, leave = 0, drop = 0, finished = 0,
       selection = 0, type_list = 0, action_copy = 0, uri_list = 0, property = 0;
};

x11_file_drop::x11_file_drop(unsigned long target) {
  Display* handle = XOpenDisplay(nullptr);
  if (!handle || target == 0) {
    if (handle)
      XCloseDisplay(handle);
    return;
  }
  auto d = new display{handle, target};
  d->proxy = XCreateSimpleWindow(handle, DefaultRootWindow(handle), 0, 0, 1, 1, 0, 0, 0);
  auto atom = [&](const char* name) { return XInternAtom(handle, name, False); };
  d->aware = atom("XdndAware");
  d->proxy_atom = atom("XdndProxy");
  d->enter = atom("XdndEnter");
  d->position = atom("XdndPosition");
  d->status = atom("XdndStatus");
  d->leave = atom("XdndLeave");
  d->drop = atom("XdndDrop");
  d->finished = atom("XdndFinished");
  d->selection = atom("XdndSelection");
  d->type_list = atom("XdndTypeList");
  d->action_copy = atom("XdndActionCopy");
  d->uri_list = atom("text/uri-list");
  d->property = atom("VIGIL_DROP");
  long version = xdnd_version;
  Window proxy = d->proxy;
  for (Window w : {d->target, d->proxy}) {
    XChangeProperty(handle, w, d->aware, XA_ATOM, 32, PropModeReplace, reinterpret_cast<unsigned char*>(&version), 1);
    XChangeProperty(handle, w, d->proxy_atom, XA_WINDOW, 32, PropModeReplace, reinterpret_cast<unsigned char*>(&proxy),
                    1);
  }
  XFlush(handle);
  display_ = d;
}

x11_file_drop::~x11_file_drop() {
  if (!display_)
    return;
  XDestroyWindow(display_->handle, display_->proxy);
  XCloseDisplay(display_->handle);
  delete display_;
}

int x11_file_drop::connection_fd() const { return display_ ? ConnectionNumber(display_->handle) : -1; }

bool x11_file_drop::events_waiting() const { return display_ && events_queued(display_->handle); }

std::vector<std::string> x11_file_drop::pump(clock::time_point now, bool socket_readable) {
  std::vector<std::string> paths;
  if (!display_)
    return paths;
  XEvent event;
  while (next_event_without_waiting(display_->handle, socket_readable, event)) {
    if (event.type == ClientMessage)
      on_client_message(&event);
    else if (event.type == SelectionNotify)
      for (auto& path : on_selection(&event))
        paths.push_back(std::move(path));
  }
  if (drop_deadline_ && now >= *drop_deadline_) {
    named_logger("viewer")->warn("a drop's file list did not come within {} ms", wait_limit.count());
    finish(false);
  }
  send_buffered_requests(display_->handle);
  return paths;
}

void x11_file_drop::on_client_message(void* raw) {
  auto& d = *display_;
  const auto& message = static_cast<XEvent*>(raw)->xclient;
  const auto* l = message.data.l;
  auto source = static_cast<Window>(l[0]);
  if (message.message_type == d.enter) {
    source_ = source;
    offers_uri_list_ = false;
    if (l[1] & 1) {  // more than three types: the list is on the source
      Atom type = None;
      int format = 0;
      unsigned long count = 0, after = 0;
      unsigned char* data = nullptr;
      if (XGetWindowProperty(d.handle, source, d.type_list, 0, 1024, False, XA_ATOM, &type, &format, &count, &after,
                             &data) == Success &&
          data) {
        const auto* atoms = reinterpret_cast<const Atom*>(data);
        for (unsigned long i = 0; i < count; ++i)
          offers_uri_list_ = offers_uri_list_ || atoms[i] == d.uri_list;
        XFree(data);
      }
    } else {
      for (int i = 2; i < 5; ++i)
        offers_uri_list_ = offers_uri_list_ || static_cast<Atom>(l[i]) == d.uri_list;
    }
    return;
  }
  if (source != source_)
    return;
  if (message.message_type == d.position) {
    XEvent reply{};
    reply.xclient.type = ClientMessage;
    reply.xclient.window = source;
    reply.xclient.message_type = d.status;
    reply.xclient.format = 32;
    reply.xclient.data.l[0] = static_cast<long>(d.target);
    reply.xclient.data.l[1] = offers_uri_list_ ? 1 : 0;  // accept; no rectangle: send positions everywhere
    reply.xclient.data.l[4] = offers_uri_list_ ? static_cast<long>(d.action_copy) : 0;
    XSendEvent(d.handle, source, False, NoEventMask, &reply);
  } else if (message.message_type == d.leave) {
    source_ = 0;
    offers_uri_list_ = false;
  } else if (message.message_type == d.drop) {
    if (!offers_uri_list_) {
      finish(false);
      return;
    }
    XDeleteProperty(d.handle, d.proxy, d.property);
    XConvertSelection(d.handle, d.selection, d.uri_list, d.property, d.proxy, static_cast<Time>(l[2]));
    drop_deadline_ = clock::now() + wait_limit;
  }
}

std::vector<std::string> x11_file_drop::on_selection(void* raw) {
  auto& d = *display_;
  const auto& notify = static_cast<XEvent*>(raw)->xselection;
  if (!drop_deadline_ || notify.selection != d.selection)
    return {};
  std::string text;
  if (notify.property != None) {
    Atom type = None;
    int format = 0;
    unsigned long count = 0, after = 0;
    unsigned char* data = nullptr;
    if (XGetWindowProperty(d.handle, d.proxy, notify.property, 0, max_uri_list_bytes / 4, True, AnyPropertyType,
                           &type, &format, &count, &after, &data) == Success &&
        data) {
      if (format == 8 && after == 0)
        text.assign(reinterpret_cast<const char*>(data), count);
      XFree(data);
    }
  }
  auto paths = protocol::local_paths_of_uri_list(text);
  named_logger("viewer")->info("{} file(s) dropped on the window", paths.size());
  finish(!paths.empty());
  return paths;
}

void x11_file_drop::finish(bool accepted) {
  auto& d = *display_;
  if (source_) {
    XEvent reply{};
    reply.xclient.type = ClientMessage;
    reply.xclient.window = source_;
    reply.xclient.message_type = d.finished;
    reply.xclient.format = 32;
    reply.xclient.data.l[0] = static_cast<long>(d.target);
    reply.xclient.data.l[1] = accepted ? 1 : 0;
    reply.xclient.data.l[2] = accepted ? static_cast<long>(d.action_copy) : 0;
    XSendEvent(d.handle, source_, False, NoEventMask, &reply);
  }
  source_ = 0;
  offers_uri_list_ = false;
  drop_deadline_.reset();
}

}  // namespace vigil
