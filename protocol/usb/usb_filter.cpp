#include "protocol/usb/usb_filter.hpp"

#include <cstdio>

#include <usbredirfilter.h>

namespace vigil::protocol::usb {

namespace {

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (;;) {
    auto end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos)
      return parts;
    start = end + 1;
  }
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  return text;
}

// Decimal, 0x-hex, or -1. nullopt: not a number in [-1, max].
std::optional<long> number(std::string_view text, long max, int default_base = 10) {
  text = trim(text);
  if (text == "-1")
    return -1;
  int base = default_base;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    text.remove_prefix(2);
  }
  if (text.empty() || text.size() > 8)
    return std::nullopt;
  long value = 0;
  for (char c : text) {
    int digit;
    if (c >= '0' && c <= '9')
      digit = c - '0';
    else if (base == 16 && c >= 'a' && c <= 'f')
      digit = c - 'a' + 10;
    else if (base == 16 && c >= 'A' && c <= 'F')
      digit = c - 'A' + 10;
    else
      return std::nullopt;
    value = value * base + digit;
  }
  if (value > max)
    return std::nullopt;
  return value;
}

}  // namespace

bool usb_filter::allows(const usb_device_description& device) const {
  if (rules_.empty())
    return false;
  std::vector<usbredirfilter_rule> rules;
  for (const auto& rule : rules_)
    rules.push_back({rule.device_class, rule.vendor_id, rule.product_id, rule.device_version_bcd, rule.allow ? 1 : 0});
  std::vector<std::uint8_t> classes, subclasses, protocols;
  for (const auto& interface : device.interfaces) {
    classes.push_back(interface.klass);
    subclasses.push_back(interface.subclass);
    protocols.push_back(interface.protocol);
  }
  int verdict = usbredirfilter_check(rules.data(), static_cast<int>(rules.size()), device.device_class,
                                     device.device_subclass, device.device_protocol, classes.data(),
                                     subclasses.data(), protocols.data(), static_cast<int>(classes.size()),
                                     device.vendor_id, device.product_id, device.device_version_bcd, 0);
  return verdict == 0;
}

result<usb_filter> parse_usb_filter(std::string_view text) {
  std::vector<usb_filter_rule> rules;
  auto parts = split(text, '|');
  static const char* field_names[] = {"class", "vendor", "product", "version", "allow"};
  static const long field_max[] = {0xff, 0xffff, 0xffff, 0xffff, 1};
  for (std::size_t i = 0; i < parts.size(); ++i) {
    auto rule_text = trim(parts[i]);
    std::string where = "usb-filter rule " + std::to_string(i + 1) + " ('" + std::string(rule_text) + "')";
    if (rule_text.empty()) {
      if (parts.size() == 1)
        break;  // an empty filter: no rules
      return parse_error{where + ": empty rule"};
    }
    auto fields = split(rule_text, ',');
    if (fields.size() != 5)
      return parse_error{where + ": needs 5 fields (class,vendor,product,version,allow), has " +
                         std::to_string(fields.size())};
    long values[5];
    for (std::size_t f = 0; f < 5; ++f) {
      auto value = number(fields[f], field_max[f]);
      if (!value || (f == 4 && *value < 0))
        return parse_error{where + ": field " + field_names[f] + " '" + std::string(trim(fields[f])) +
                           "' is not -1 or a number up to " + std::to_string(field_max[f])};
      values[f] = *value;
    }
    rules.push_back(usb_filter_rule{static_cast<int>(values[0]), static_cast<int>(values[1]),
                                    static_cast<int>(values[2]), static_cast<int>(values[3]), values[4] == 1});
  }
  return usb_filter{std::move(rules)};
}

bool usb_device_selector::matches(const usb_device_description& device) const {
  if (by == kind::vendor_product)
    return device.vendor_id == vendor_id && device.product_id == product_id;
  return device.bus == bus && device.address == address;
}

std::string usb_device_selector::to_string() const {
  char text[16];
  if (by == kind::vendor_product)
    std::snprintf(text, sizeof text, "%04x:%04x", vendor_id, product_id);
  else
    std::snprintf(text, sizeof text, "%u-%u", bus, address);
  return text;
}

result<usb_device_selector> parse_usb_device_selector(std::string_view text) {
  usb_device_selector selector;
  auto colon = text.find(':');
  auto dash = text.find('-');
  if (colon != std::string_view::npos) {
    auto vendor = number(text.substr(0, colon), 0xffff, 16);
    auto product = number(text.substr(colon + 1), 0xffff, 16);
    if (!vendor || !product || *vendor < 0 || *product < 0)
      return parse_error{"--usb-redirect '" + std::string(text) + "': VID:PID needs two hex numbers up to ffff"};
    selector.by = usb_device_selector::kind::vendor_product;
    selector.vendor_id = static_cast<std::uint16_t>(*vendor);
    selector.product_id = static_cast<std::uint16_t>(*product);
    return selector;
  }
  if (dash != std::string_view::npos) {
    auto bus = number(text.substr(0, dash), 255);
    auto address = number(text.substr(dash + 1), 127);
    if (!bus || !address || *bus < 1 || *address < 1)
      return parse_error{"--usb-redirect '" + std::string(text) +
                         "': BUS-ADDR needs a bus (1-255) and an address (1-127) in decimal"};
    selector.by = usb_device_selector::kind::bus_address;
    selector.bus = static_cast<std::uint8_t>(*bus);
    selector.address = static_cast<std::uint8_t>(*address);
    return selector;
  }
  return parse_error{"--usb-redirect '" + std::string(text) + "': expected VID:PID (hex) or BUS-ADDR (decimal)"};
}

const char* to_string(share_decision decision) {
  switch (decision) {
    case share_decision::redirect: return "redirect";
    case share_decision::autoshare_off: return "autoshare is off";
    case share_decision::filtered_out: return "the usb-filter does not allow it";
    case share_decision::present_at_start: return "it was plugged in before the session (autoshare takes new devices)";
    case share_decision::already_redirected: return "already redirected";
    case share_decision::no_free_channel: return "no free usbredir channel";
  }
  return "?";
}

share_decision decide_share(const usb_device_description& device, bool named_by_user, bool plugged_in_later,
                            const autoshare_policy& policy, bool already_redirected, std::size_t free_channels) {
  if (already_redirected)
    return share_decision::already_redirected;
  if (!named_by_user) {
    if (!policy.enabled)
      return share_decision::autoshare_off;
    if (!plugged_in_later)
      return share_decision::present_at_start;
    if (!policy.filter.allows(device))
      return share_decision::filtered_out;
  }
  if (free_channels == 0)
    return share_decision::no_free_channel;
  return share_decision::redirect;
}

}  // namespace vigil::protocol::usb
