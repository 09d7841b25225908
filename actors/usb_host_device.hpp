// A USB device of this machine redirected to the guest: libusbredirhost
// (the usb-host side of usbredir, over libusb) on a thread of its own, so
// libusb's blocking calls (claiming interfaces, set configuration, control
// transfers at attach, reaping at detach) never run on a CAF worker.
//
// The owning usbredir channel hands it the guest side's bytes
// (`guest_data`); the thread answers with
//   (usb_host_data_atom, protocol::bytes)   usbredir bytes for the server
//   (usb_host_gone_atom, std::string)       the device went away (unplugged,
//                                           rejected by the guest side) or
//                                           could not be kept; reason given
// sent to the owner with anon_send. Output is credit-bounded: at most
// `max_chunks_in_flight` data messages unacknowledged (`ack`); past that
// usbredirhost keeps the data buffered and, for isochronous endpoints (a
// webcam), drops packets by its own thresholds instead of growing memory.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/atom.hpp>

#include "protocol/result.hpp"
#include "protocol/usb/usb_filter.hpp"

namespace vigil {

using usb_host_data_atom = caf::atom_constant<caf::atom("usbhdata")>;
using usb_host_gone_atom = caf::atom_constant<caf::atom("usbhgone")>;

// What libusb sees on this machine (for the menu, --usb-redirect and autoshare).
// Empty (and `error` set) when libusb cannot start.
std::vector<protocol::usb::usb_device_description> list_host_usb_devices(std::string& error);

class usb_host_device {
public:
  static constexpr std::size_t max_chunks_in_flight = 8;

  // Opens the first device `selector` matches and starts redirecting it
  // (the usbredir hello goes out at once). nullptr and `error` set when
  // there is no such device or it cannot be opened.
  static std::unique_ptr<usb_host_device> open(const protocol::usb::usb_device_selector& selector, caf::actor owner,
                                               std::string& error);
  // Gives the device back to this machine's drivers and stops the thread.
  ~usb_host_device();

  void guest_data(protocol::bytes data);
  void ack(std::size_t chunks);
  const std::string& name() const;  // "0781:5567 at 1-4"

  struct impl;

private:
  explicit usb_host_device(std::unique_ptr<impl> impl);
  std::unique_ptr<impl> impl_;
};

}  // namespace vigil
