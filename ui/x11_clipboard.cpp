#include "ui/x11_clipboard.hpp"

#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <X11/extensions/Xfixes.h>
#include <spice/vd_agent.h>

#include <algorithm>

#include "common/log.hpp"
#include "protocol/agent_clipboard.hpp"
#include "ui/x11_reading.hpp"

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

constexpr std::chrono::seconds incr_stall_limit{10};

}  // namespace

struct x11_clipboard::display {
  Display* handle = nullptr;
  Window window = 0;
  int xfixes_event_base = 0;
  Atom utf8 = 0, targets = 0, text = 0, text_plain = 0, incr = 0;
  std::vector<std::pair<Atom, std::uint32_t>> images;  // MIME atom -> clipboard type

  bool is_text_target(Atom target) const {
    return target == utf8 || target == XA_STRING || target == text || target == text_plain;
  }
  Atom image_atom(std::uint32_t type) const {
    for (const auto& [atom, image_type] : images)
      if (image_type == type)
        return atom;
    return None;
  }
  // The clipboard type an X target stands for (0: none we share).
  std::uint32_t type_of(Atom target) const {
    if (is_text_target(target))
      return VD_AGENT_CLIPBOARD_UTF8_TEXT;
    for (const auto& [atom, type] : images)
      if (atom == target)
        return type;
    return VD_AGENT_CLIPBOARD_NONE;
  }
};

x11_clipboard::x11_clipboard(std::size_t max_bytes, bool primary) : max_bytes_(max_bytes) {
  Display* handle = XOpenDisplay(nullptr);
  if (!handle)
    return;
  int error_base = 0;
  auto d = new display;
  d->handle = handle;
  if (!XFixesQueryExtension(handle, &d->xfixes_event_base, &error_base)) {
    named_logger("viewer")->warn("the X server has no XFixes: the local clipboard is not shared with the guest");
    XCloseDisplay(handle);
    delete d;
    return;
  }
  // An unmapped window: it owns the selections and receives the answers
  // (PropertyNotify for INCR transfers into it).
  d->window = XCreateSimpleWindow(handle, DefaultRootWindow(handle), 0, 0, 1, 1, 0, 0, 0);
  XSelectInput(handle, d->window, PropertyChangeMask);
  d->utf8 = XInternAtom(handle, "UTF8_STRING", False);
  d->targets = XInternAtom(handle, "TARGETS", False);
  d->text = XInternAtom(handle, "TEXT", False);
  d->text_plain = XInternAtom(handle, "text/plain;charset=utf-8", False);
  d->incr = XInternAtom(handle, "INCR", False);
  for (std::uint32_t type : {VD_AGENT_CLIPBOARD_IMAGE_PNG, VD_AGENT_CLIPBOARD_IMAGE_BMP, VD_AGENT_CLIPBOARD_IMAGE_TIFF,
                             VD_AGENT_CLIPBOARD_IMAGE_JPG})
    d->images.emplace_back(XInternAtom(handle, protocol::clipboard_image_mime(type), False), type);
  selection_state clipboard;
  clipboard.atom = XInternAtom(handle, "CLIPBOARD", False);
  clipboard.property = XInternAtom(handle, "VIGIL_CLIPBOARD", False);
  selections_.push_back(clipboard);
  if (primary) {
    selection_state primary_state;
    primary_state.atom = XA_PRIMARY;
    primary_state.property = XInternAtom(handle, "VIGIL_PRIMARY", False);
    selections_.push_back(primary_state);
  }
  for (const auto& state : selections_)
    XFixesSelectSelectionInput(handle, d->window, state.atom, XFixesSetSelectionOwnerNotifyMask);
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

bool x11_clipboard::events_waiting() const { return display_ && events_queued(display_->handle); }

std::optional<x11_clipboard::clock::time_point> x11_clipboard::next_deadline() const {
  std::optional<clock::time_point> next;
  auto consider = [&](clock::time_point t) {
    if (!next || t < *next)
      next = t;
  };
  for (const auto& state : selections_) {
    if (state.local_deadline)
      consider(*state.local_deadline);
    for (const auto& request : state.waiting)
      consider(request.deadline);
  }
  for (const auto& transfer : incr_out_)
    consider(transfer.deadline);
  return next;
}

x11_clipboard::selection_state* x11_clipboard::state_of(unsigned long atom) {
  for (auto& state : selections_)
    if (state.atom == atom)
      return &state;
  return nullptr;
}

std::uint8_t x11_clipboard::number_of(const selection_state& state) const {
  return state.atom == XA_PRIMARY ? VD_AGENT_CLIPBOARD_SELECTION_PRIMARY : VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD;
}

std::vector<x11_clipboard::action> x11_clipboard::pump(clock::time_point now, bool socket_readable) {
  std::vector<action> out;
  if (!display_)
    return out;
  XEvent event;
  while (next_event_without_waiting(display_->handle, socket_readable, event))
    on_event(&event, out);
  for (auto& state : selections_) {
    // Requests the guest's data never came for: refuse them rather than
    // keep another application waiting.
    for (auto it = state.waiting.begin(); it != state.waiting.end();) {
      if (now < it->deadline) {
        ++it;
        continue;
      }
      answer(&state, *it, false);
      it = state.waiting.erase(it);
    }
    if (state.local_deadline && now >= *state.local_deadline) {
      named_logger("viewer")->warn("the local selection owner did not answer within {} ms", wait_limit.count());
      if (state.local_step == selection_state::step::data)
        finish_local(state, {}, out);
      state.local_step = selection_state::step::none;
      state.local_deadline.reset();
    }
  }
  incr_out_.erase(std::remove_if(incr_out_.begin(), incr_out_.end(),
                                 [&](const incr_out& t) {
                                   if (now < t.deadline)
                                     return false;
                                   named_logger("viewer")->warn("an INCR clipboard transfer stalled at {} of {} bytes",
                                                                t.offset, t.data->size());
                                   return true;
                                 }),
                  incr_out_.end());
  send_buffered_requests(display_->handle);
  return out;
}

void x11_clipboard::on_event(void* raw, std::vector<action>& out) {
  auto& event = *static_cast<XEvent*>(raw);
  auto& d = *display_;
  if (event.type == d.xfixes_event_base + XFixesSelectionNotify) {
    auto& notify = reinterpret_cast<XFixesSelectionNotifyEvent&>(event);
    auto* state = state_of(notify.selection);
    if (!state || notify.owner == d.window)
      return;  // our own grab for the guest
    if (notify.owner == None) {
      if (state->local_owner)
        out.push_back({action::kind::release, number_of(*state), {}, 0, {}});
      state->local_owner = false;
      return;
    }
    // Another client took the selection: it replaces the guest's data here.
    // Which types it has decides the grab: ask for its TARGETS.
    state->own = false;
    state->guest_data.reset();
    state->local_step = selection_state::step::targets;
    state->local_deadline = clock::now() + wait_limit;
    state->incr_in = false;
    XDeleteProperty(d.handle, d.window, state->property);
    XConvertSelection(d.handle, state->atom, d.targets, state->property, d.window, notify.selection_timestamp);
    return;
  }
  switch (event.type) {
    case SelectionClear:
      if (auto* state = state_of(event.xselectionclear.selection)) {
        state->own = false;
        state->guest_data.reset();
      }
      return;
    case SelectionRequest: {
      const auto& request = event.xselectionrequest;
      waiting_request waiting{request.requestor, request.selection, request.target,
                              request.property == None ? request.target : request.property, request.time,
                              clock::now() + wait_limit};
      auto* state = state_of(request.selection);
      if (!state || !state->own) {
        answer(state, waiting, false);
      } else if (request.target == d.targets || state->guest_data) {
        answer(state, waiting, true);
      } else if (state->waiting.size() < max_waiting) {
        state->waiting.push_back(waiting);  // the guest's data is on its way
      } else {
        answer(state, waiting, false);
      }
      return;
    }
    case SelectionNotify: {
      auto* state = state_of(event.xselection.selection);
      if (!state || event.xselection.requestor != d.window || state->local_step == selection_state::step::none)
        return;
      on_local_answer(*state, event.xselection.property, out);
      return;
    }
    case PropertyNotify: {
      const auto& notify = event.xproperty;
      if (notify.window == d.window && notify.state == PropertyNewValue) {
        for (auto& state : selections_)
          if (state.incr_in && notify.atom == state.property)
            on_incr_chunk(state, out);
        return;
      }
      if (notify.state != PropertyDelete)
        return;
      for (auto it = incr_out_.begin(); it != incr_out_.end(); ++it) {
        if (it->requestor != notify.window || it->property != notify.atom)
          continue;
        send_incr_chunk(*it);
        if (!it->data)  // the final empty chunk went
          incr_out_.erase(it);
        return;
      }
      return;
    }
    default:
      return;
  }
}

// The owner answered our ConvertSelection (TARGETS or the data).
void x11_clipboard::on_local_answer(selection_state& state, unsigned long property, std::vector<action>& out) {
  auto& d = *display_;
  auto step = state.local_step;
  std::string value;
  unsigned long type = None;
  bool got = property != None && read_property(d.window, property, value, type, max_bytes_);
  if (step == selection_state::step::targets) {
    state.local_step = selection_state::step::none;
    state.local_deadline.reset();
    std::vector<std::uint32_t> types;
    if (got && type == XA_ATOM) {
      auto count = value.size() / sizeof(Atom);
      const auto* atoms = reinterpret_cast<const Atom*>(value.data());
      for (std::size_t i = 0; i < count; ++i) {
        auto shared = d.type_of(atoms[i]);
        if (shared != VD_AGENT_CLIPBOARD_NONE && std::find(types.begin(), types.end(), shared) == types.end())
          types.push_back(shared);
      }
    } else {
      types.push_back(VD_AGENT_CLIPBOARD_UTF8_TEXT);  // an owner without TARGETS: try text
    }
    if (types.empty()) {
      if (state.local_owner)
        out.push_back({action::kind::release, number_of(state), {}, 0, {}});
      state.local_owner = false;
      return;
    }
    state.local_owner = true;
    out.push_back({action::kind::grab, number_of(state), std::move(types), 0, {}});
    return;
  }
  if (got && type == d.incr) {
    // The data comes in chunks: each PropertyNotify(NewValue) is one, the
    // empty one ends it. Deleting the property asks for the first.
    state.incr_in = true;
    state.incoming.clear();
    state.local_deadline = clock::now() + wait_limit;
    XDeleteProperty(d.handle, d.window, property);
    return;
  }
  if (!got && property != None)
    named_logger("viewer")->warn("the local selection is over {} bytes: none sent", max_bytes_);
  finish_local(state, got ? std::move(value) : std::string{}, out);
}

void x11_clipboard::on_incr_chunk(selection_state& state, std::vector<action>& out) {
  auto& d = *display_;
  std::string chunk;
  unsigned long type = None;
  if (!read_property(d.window, state.property, chunk, type, max_bytes_)) {
    named_logger("viewer")->warn("an INCR clipboard transfer went over {} bytes: none sent", max_bytes_);
    finish_local(state, {}, out);
    return;
  }
  state.local_deadline = clock::now() + wait_limit;
  if (chunk.empty()) {
    finish_local(state, std::move(state.incoming), out);
    return;
  }
  if (state.incoming.size() + chunk.size() > max_bytes_) {
    named_logger("viewer")->warn("an INCR clipboard transfer went over {} bytes: none sent", max_bytes_);
    finish_local(state, {}, out);
    return;
  }
  state.incoming += chunk;
}

void x11_clipboard::finish_local(selection_state& state, std::string data, std::vector<action>& out) {
  state.incr_in = false;
  state.incoming.clear();
  state.incoming.shrink_to_fit();
  state.local_step = selection_state::step::none;
  state.local_deadline.reset();
  out.push_back({action::kind::data, number_of(state), {}, state.local_type, std::move(data)});
}

// Reads (and deletes) a whole property, in pieces; false past `limit`.
bool x11_clipboard::read_property(unsigned long window, unsigned long property, std::string& out, unsigned long& type,
                                  std::size_t limit) {
  auto& d = *display_;
  out.clear();
  long offset = 0;  // in 32-bit units
  for (;;) {
    Atom actual = None;
    int format = 0;
    unsigned long count = 0, after = 0;
    unsigned char* data = nullptr;
    if (XGetWindowProperty(d.handle, window, property, offset, 64 * 1024, False, AnyPropertyType, &actual, &format,
                           &count, &after, &data) != Success || actual == None) {
      if (data)
        XFree(data);
      return false;
    }
    type = actual;
    // Format 32 comes back as longs (8 bytes each on LP64).
    std::size_t unit = format == 32 ? sizeof(long) : static_cast<std::size_t>(format / 8);
    std::size_t size = count * unit;
    if (out.size() + size > limit) {
      XFree(data);
      XDeleteProperty(d.handle, window, property);
      return false;
    }
    out.append(reinterpret_cast<const char*>(data), size);
    XFree(data);
    offset += static_cast<long>(count * static_cast<unsigned long>(format) / 32);
    if (after == 0)
      break;
  }
  XDeleteProperty(d.handle, window, property);
  return true;
}

// Writes the answer into the requestor's property and tells it so.
// `state` null: a selection we do not handle, refused.
void x11_clipboard::answer(const selection_state* state, const waiting_request& request, bool with_data) {
  auto& d = *display_;
  XSelectionEvent reply{};
  reply.type = SelectionNotify;
  reply.display = d.handle;
  reply.requestor = request.requestor;
  reply.selection = request.selection;
  reply.target = request.target;
  reply.time = request.time;
  reply.property = None;
  with_data = with_data && state;
  bool text = state && state->guest_type == VD_AGENT_CLIPBOARD_UTF8_TEXT;
  Atom image = state ? d.image_atom(state->guest_type) : None;
  if (with_data && request.target == d.targets) {
    std::vector<Atom> offered{d.targets};
    if (text)
      offered.insert(offered.end(), {d.utf8, XA_STRING, d.text, d.text_plain});
    else if (image != None)
      offered.push_back(image);
    XChangeProperty(d.handle, request.requestor, request.property, XA_ATOM, 32, PropModeReplace,
                    reinterpret_cast<unsigned char*>(offered.data()), static_cast<int>(offered.size()));
    reply.property = request.property;
  } else if (with_data && state->guest_data &&
             ((text && d.is_text_target(request.target)) || (image != None && request.target == image))) {
    Atom type = text ? d.utf8 : image;
    const auto& data = state->guest_data;
    if (data->size() > incr_chunk && incr_out_.size() < max_incr_out) {
      // INCR: the size as a lower bound, then chunks as the requestor deletes.
      long size = static_cast<long>(data->size());
      XSelectInput(d.handle, request.requestor, PropertyChangeMask);
      XChangeProperty(d.handle, request.requestor, request.property, d.incr, 32, PropModeReplace,
                      reinterpret_cast<unsigned char*>(&size), 1);
      incr_out_.push_back({request.requestor, request.property, type, data, 0,
                           clock::now() + incr_stall_limit});
      reply.property = request.property;
    } else if (data->size() <= incr_chunk) {
      XChangeProperty(d.handle, request.requestor, request.property, type, 8, PropModeReplace,
                      reinterpret_cast<const unsigned char*>(data->data()), static_cast<int>(data->size()));
      reply.property = request.property;
    }
  }
  XSendEvent(d.handle, request.requestor, False, NoEventMask, reinterpret_cast<XEvent*>(&reply));
}

// The requestor deleted the property: the next chunk, or the empty one that
// ends the transfer (after which `data` is released).
void x11_clipboard::send_incr_chunk(incr_out& transfer) {
  auto& d = *display_;
  auto size = std::min(incr_chunk, transfer.data->size() - transfer.offset);
  XChangeProperty(d.handle, transfer.requestor, transfer.property, transfer.type, 8, PropModeReplace,
                  reinterpret_cast<const unsigned char*>(transfer.data->data() + transfer.offset),
                  static_cast<int>(size));
  transfer.deadline = clock::now() + incr_stall_limit;
  if (size == 0) {
    transfer.data.reset();
    return;
  }
  transfer.offset += size;
}

void x11_clipboard::own_for_guest(std::uint8_t selection, std::uint32_t type) {
  if (!display_ || selection >= selections_.size())
    return;
  auto& state = selections_[selection];
  state.own = true;
  state.local_owner = false;
  state.guest_type = type;
  state.guest_data.reset();
  XSetSelectionOwner(display_->handle, state.atom, display_->window, CurrentTime);
  XFlush(display_->handle);
}

void x11_clipboard::set_guest_data(std::uint8_t selection, std::uint32_t type, std::string data) {
  if (!display_ || selection >= selections_.size())
    return;
  auto& state = selections_[selection];
  if (!state.own || type != state.guest_type)
    return;
  state.guest_data = std::make_shared<const std::string>(std::move(data));
  for (const auto& request : state.waiting)
    answer(&state, request, true);
  state.waiting.clear();
  XFlush(display_->handle);
}

void x11_clipboard::guest_released(std::uint8_t selection) {
  if (!display_ || selection >= selections_.size())
    return;
  auto& state = selections_[selection];
  if (!state.own)
    return;
  state.own = false;
  state.guest_data.reset();
  XSetSelectionOwner(display_->handle, state.atom, None, CurrentTime);
  XFlush(display_->handle);
}

void x11_clipboard::request_local(std::uint8_t selection, std::uint32_t type, clock::time_point now) {
  if (!display_ || selection >= selections_.size())
    return;
  auto& d = *display_;
  auto& state = selections_[selection];
  Atom target = type == VD_AGENT_CLIPBOARD_UTF8_TEXT ? d.utf8 : d.image_atom(type);
  state.local_step = selection_state::step::data;
  state.local_type = type;
  state.incr_in = false;
  if (target == None) {  // not a type we offered: the deadline answers empty
    state.local_deadline = now;
    return;
  }
  XDeleteProperty(d.handle, d.window, state.property);
  XConvertSelection(d.handle, state.atom, target, state.property, d.window, CurrentTime);
  XFlush(d.handle);
  state.local_deadline = now + wait_limit;
}

}  // namespace vigil
