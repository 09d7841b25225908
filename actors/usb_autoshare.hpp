// usb_autoshare: one per session when USB redirection and autoshare are on
// (.vv enable-usb-autoshare=1). It watches this machine's USB devices with
// libusb hotplug on a thread of its own and hands a device plugged in while
// the session runs to an idle usbredir channel, when the usb-filter allows
// it (protocol/usb/usb_filter.hpp: decide_share, spice-gtk's rules: devices
// present at start are not taken, HID stays local by default).
//
// Accepts:
//   (usb_idle_atom, caf::actor channel)  a usbredir channel with no device
//                                        (monitored: gone channels are forgotten)
//   (usb_arrived_atom, usb_device_description)  from the hotplug thread (or a test)
// Sends:
//   (usb_attach_atom, usb_device_selector) to one idle channel, which then
//   opens the device (a channel whose device later goes away is not reused:
//   QEMU's side wants a fresh connection for a new device).
// The idle set is bounded by the server's usbredir channels (a handful).
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/atom.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "protocol/usb/usb_filter.hpp"

namespace vigil {

using usb_idle_atom = caf::atom_constant<caf::atom("usbidle")>;
using usb_arrived_atom = caf::atom_constant<caf::atom("usbarrive")>;
using usb_attach_atom = caf::atom_constant<caf::atom("usbattach")>;

using usb_autoshare_actor =
  caf::typed_actor<caf::reacts_to<usb_idle_atom, caf::actor>,
                   caf::reacts_to<usb_arrived_atom, protocol::usb::usb_device_description>>;

// `watch_hotplug` false: no libusb thread, arrivals come only as messages
// (tests). It quits when `owner` (the session) goes down.
usb_autoshare_actor spawn_usb_autoshare(caf::actor_system& system, protocol::usb::autoshare_policy policy,
                                        bool watch_hotplug, caf::actor owner);

}  // namespace vigil

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::protocol::usb::usb_device_description)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::protocol::usb::usb_device_selector)
