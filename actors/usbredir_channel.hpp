// usbredir_channel: one SPICE usbredir channel (a QEMU usb-redir device on a
// spicevmc chardev) carrying one redirected USB device as a usbredir stream
// in SPICEVMC_DATA messages both ways.
//
// The device is either a virtual USB disk backed by an image file
// (--usb-disk FILE[,ro]; protocol/usb/usbredir_disk.hpp does the usbredir and
// BOT/SCSI work) or a USB device of this machine (--usb-redirect; libusbredirhost
// on its own thread, actors/usb_host_device.hpp, opened once the channel is
// up and given back to this machine when the channel ends). Disk I/O and
// opening a host device block, so the actor is spawned detached: its own
// thread, never a shared CAF worker.
//
// Accepts: socket messages (channel_endpoint.hpp), (usb_attach_atom,
//   selector) from usb_autoshare while idle,
//   (usb_host_data_atom, bytes) and (usb_host_gone_atom, reason) from its
//   host device's thread (each data message acknowledged after it is sent:
//   usb_host_device::max_chunks_in_flight bounds them), (heartbeat_atom) ->
//   channel_health with a `usb` part, (shutdown_atom): the device is
//   unplugged (device_disconnect), the image flushed and the channel closed.
// Sends: (channel_event_atom, channel_event) to its parent. Output to the
//   server is only ever a reply to what the guest asked (hello, descriptors,
//   transfer results), so it needs no bound of its own beyond the guest's
//   outstanding transfers (usb_disk_options::max_pending_in).
// A stream that does not parse is a protocol_error (the supervisor restarts
// the channel; the guest sees the device unplugged and plugged in again). A
// device that cannot be opened or goes away leaves the channel up and idle,
// with the reason in its `usb.error`: a missing USB stick must not cost the
// session.
#pragma once

#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/channel_endpoint.hpp"
#include "actors/usb_autoshare.hpp"
#include "protocol/usb/usb_filter.hpp"

namespace vigil {

struct usb_disk_spec {
  std::string path;
  bool read_only = false;
};

// One device for one usbredir channel.
struct usb_device_spec {
  enum class kind { none, disk, host } what = kind::none;
  usb_disk_spec disk;                          // kind::disk: --usb-disk
  protocol::usb::usb_device_selector host;     // kind::host: --usb-redirect
  // kind::none: an idle channel that offers itself to this usb_autoshare
  // actor (actors/usb_autoshare.hpp) and takes the device it is given.
  usb_autoshare_actor autoshare;
  std::string describe() const;                // "disk IMAGE (read-only)", "host device 0781:5567", "none"
};

// What the session redirects over the server's usbredir channels.
struct usb_settings {
  bool enabled = true;                                          // .vv enable-usbredir
  std::vector<usb_disk_spec> disks;                             // --usb-disk
  std::vector<protocol::usb::usb_device_selector> host_devices; // --usb-redirect
  protocol::usb::autoshare_policy autoshare;                    // .vv enable-usb-autoshare, usb-filter
  // The devices in the order the server's usbredir channels get them: disks first.
  std::vector<usb_device_spec> devices() const;
};

caf::actor spawn_usbredir_channel(caf::actor_system& system, channel_spec spec, usb_device_spec device);

}  // namespace vigil

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::usb_device_spec)
