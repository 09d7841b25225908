// The usb_autoshare actor: a device plugged in later goes to an idle
// usbredir channel when the filter allows it (no libusb: arrivals are sent).
#include <boost/test/unit_test.hpp>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/usb_autoshare.hpp"

using namespace vigil;
using namespace vigil::protocol::usb;

namespace {

usb_device_description device(std::uint8_t address, std::uint8_t interface_class) {
  usb_device_description d;
  d.bus = 2;
  d.address = address;
  d.vendor_id = 0x0781;
  d.product_id = 0x5567;
  d.interfaces = {{interface_class, 0, 0}};
  return d;
}

autoshare_policy default_policy() {
  autoshare_policy policy;
  policy.enabled = true;
  policy.filter = *parse_usb_filter(usb_filter::default_autoshare);
  return policy;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_storage_device_plugged_in_goes_to_the_idle_channel_and_a_keyboard_does_not) {
  caf::actor_system_config config;
  caf::actor_system system{config};
  caf::scoped_actor session{system};
  caf::scoped_actor channel{system};
  auto autoshare = spawn_usb_autoshare(system, default_policy(), false, session);
  session->send(autoshare, usb_idle_atom::value, caf::actor_cast<caf::actor>(channel));  // one sender: in order
  session->send(autoshare, usb_arrived_atom::value, device(7, 0x03));  // a keyboard: HID stays local
  session->send(autoshare, usb_arrived_atom::value, device(9, 0x08));  // a stick
  bool attached = false;
  channel->receive(
    [&](usb_attach_atom, const usb_device_selector& selector) {
      attached = true;
      BOOST_TEST(selector.to_string() == "2-9");  // the stick, not the keyboard before it
    },
    caf::after(std::chrono::seconds(30)) >> [] {});
  BOOST_TEST(attached);
  caf::anon_send_exit(autoshare, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(with_no_idle_channel_a_device_is_not_shared_and_the_next_idle_channel_gets_the_next_one) {
  caf::actor_system_config config;
  caf::actor_system system{config};
  caf::scoped_actor session{system};
  caf::scoped_actor channel{system};
  auto autoshare = spawn_usb_autoshare(system, default_policy(), false, session);
  session->send(autoshare, usb_arrived_atom::value, device(3, 0x08));  // no channel yet: not shared
  session->send(autoshare, usb_idle_atom::value, caf::actor_cast<caf::actor>(channel));  // one sender: in order
  session->send(autoshare, usb_arrived_atom::value, device(4, 0x08));
  std::string got;
  channel->receive([&](usb_attach_atom, const usb_device_selector& selector) { got = selector.to_string(); },
                   caf::after(std::chrono::seconds(30)) >> [] {});
  BOOST_TEST(got == "2-4");
  caf::anon_send_exit(autoshare, caf::exit_reason::user_shutdown);
}
