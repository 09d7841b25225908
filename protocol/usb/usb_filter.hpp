// Which host USB devices to redirect: spice-gtk's filter rules, the
// `--usb-redirect` device selectors, and the autoshare decision for a device
// plugged in while the session runs.
//
// Filter syntax (usbredir's, as in a .vv file's `usb-filter` and
// remote-viewer): rules separated by `|`, each `class,vendor,product,version,allow`
// with numbers in decimal or 0x-hex and -1 for "any"; the first rule that
// matches decides; a device no rule matches is not redirected. The matching
// itself is libusbredirparser's usbredirfilter_check (interface classes
// count, non-boot HID interfaces of composite devices are skipped);
// parsing is ours so a bad rule is named in the error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/result.hpp"

namespace vigil::protocol::usb {

struct usb_filter_rule {
  int device_class = -1;  // -1: any
  int vendor_id = -1;
  int product_id = -1;
  int device_version_bcd = -1;
  bool allow = false;
};

// What the filter and the selectors look at, from the device descriptor and
// the active configuration's interfaces.
struct usb_device_description {
  std::uint8_t bus = 0;
  std::uint8_t address = 0;
  std::uint16_t vendor_id = 0;
  std::uint16_t product_id = 0;
  std::uint16_t device_version_bcd = 0;
  std::uint8_t device_class = 0;
  std::uint8_t device_subclass = 0;
  std::uint8_t device_protocol = 0;
  struct interface_class {
    std::uint8_t klass, subclass, protocol;
  };
  std::vector<interface_class> interfaces;
};

class usb_filter {
public:
  // spice-gtk's default auto-connect filter: everything except HID
  // (keyboards and mice stay with the client).
  static constexpr std::string_view default_autoshare = "0x03,-1,-1,-1,0|-1,-1,-1,-1,1";

  usb_filter() = default;
  explicit usb_filter(std::vector<usb_filter_rule> rules) : rules_(std::move(rules)) {}

  bool allows(const usb_device_description& device) const;
  const std::vector<usb_filter_rule>& rules() const { return rules_; }

private:
  std::vector<usb_filter_rule> rules_;
};

// The error names the rule (1-based) and the field that is wrong.
result<usb_filter> parse_usb_filter(std::string_view text);

// `--usb-redirect VID:PID` (hex, 0x optional) or `BUS-ADDR` (decimal).
struct usb_device_selector {
  enum class kind { vendor_product, bus_address } by = kind::vendor_product;
  std::uint16_t vendor_id = 0, product_id = 0;
  std::uint8_t bus = 0, address = 0;

  bool matches(const usb_device_description& device) const;
  std::string to_string() const;
};
result<usb_device_selector> parse_usb_device_selector(std::string_view text);

// Whether a host device should be redirected now, and why not.
enum class share_decision {
  redirect,
  autoshare_off,        // plugged in, but enable-usb-autoshare is off
  filtered_out,         // the autoshare filter says no
  present_at_start,     // autoshare is for devices plugged in later, as in spice-gtk
  already_redirected,
  no_free_channel,      // every usbredir channel the server offers is busy
};
const char* to_string(share_decision decision);

struct autoshare_policy {
  bool enabled = false;  // enable-usb-autoshare
  usb_filter filter;     // usb-filter (default_autoshare when the .vv has none)
};

// A device the user named (`--usb-redirect`, the menu) ignores the filter;
// a device that just appeared is redirected only when autoshare allows it.
share_decision decide_share(const usb_device_description& device, bool named_by_user, bool plugged_in_later,
                            const autoshare_policy& policy, bool already_redirected, std::size_t free_channels);

}  // namespace vigil::protocol::usb
