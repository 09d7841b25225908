// usbredir_channel: one SPICE usbredir channel (a QEMU usb-redir device on a
// spicevmc chardev) carrying one redirected USB device as a usbredir stream
// in SPICEVMC_DATA messages both ways.
//
// The device today is a virtual USB disk backed by an image file
// (--usb-disk FILE[,ro]; protocol/usb/usbredir_disk.hpp does the usbredir and
// BOT/SCSI work). The disk's file I/O blocks (pread/pwrite/fdatasync), so the
// actor is spawned detached: its own thread, never a shared CAF worker.
//
// Accepts: socket messages (channel_endpoint.hpp), (heartbeat_atom) ->
//   channel_health with a `usb` part, (shutdown_atom): the device is
//   unplugged (device_disconnect), the image flushed and the channel closed.
// Sends: (channel_event_atom, channel_event) to its parent. Output to the
//   server is only ever a reply to what the guest asked (hello, descriptors,
//   transfer results), so it needs no bound of its own beyond the guest's
//   outstanding transfers (usb_disk_options::max_pending_in).
// A stream that does not parse, or a disk image that cannot be opened, is a
// protocol_error naming the cause (the supervisor restarts the channel; the
// guest sees the disk unplugged and plugged in again).
#pragma once

#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/channel_endpoint.hpp"

namespace vigil {

struct usb_disk_spec {
  std::string path;
  bool read_only = false;
};

// What the session redirects over the server's usbredir channels, in the
// order the channels are listed.
struct usb_settings {
  bool enabled = true;               // .vv enable-usbredir
  std::vector<usb_disk_spec> disks;  // --usb-disk
};

caf::actor spawn_usbredir_channel(caf::actor_system& system, channel_spec spec, usb_disk_spec disk);

}  // namespace vigil

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::usb_disk_spec)
