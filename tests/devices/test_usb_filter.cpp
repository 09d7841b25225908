// The usb-filter parser, the --usb-redirect selectors and the autoshare decision.
#include <boost/test/unit_test.hpp>

#include <ostream>

#include "protocol/usb/usb_filter.hpp"

using namespace vigil::protocol::usb;

namespace {

usb_device_description device(std::uint8_t klass, std::uint16_t vendor, std::uint16_t product,
                              std::vector<usb_device_description::interface_class> interfaces = {}) {
  usb_device_description d;
  d.bus = 1;
  d.address = 4;
  d.device_class = klass;
  d.vendor_id = vendor;
  d.product_id = product;
  d.device_version_bcd = 0x0100;
  d.interfaces = std::move(interfaces);
  return d;
}

const auto mass_storage = device(0, 0x0781, 0x5567, {{0x08, 0x06, 0x50}});
const auto keyboard = device(0, 0x046d, 0xc31c, {{0x03, 0x01, 0x01}});

autoshare_policy policy_with(std::string_view filter) {
  autoshare_policy policy;
  policy.enabled = true;
  auto parsed = parse_usb_filter(filter);
  BOOST_REQUIRE(parsed);
  policy.filter = *parsed;
  return policy;
}

}  // namespace

namespace vigil::protocol::usb {
std::ostream& operator<<(std::ostream& out, share_decision decision) { return out << to_string(decision); }
}  // namespace vigil::protocol::usb

BOOST_AUTO_TEST_SUITE(usb_filter_rules)

BOOST_AUTO_TEST_CASE(parses_spice_gtk_default_filter) {
  auto filter = parse_usb_filter(usb_filter::default_autoshare);
  BOOST_REQUIRE(filter);
  BOOST_REQUIRE_EQUAL(filter->rules().size(), 2u);
  BOOST_TEST(filter->rules()[0].device_class == 3);
  BOOST_TEST(!filter->rules()[0].allow);
  BOOST_TEST(filter->rules()[1].vendor_id == -1);
  BOOST_TEST(filter->rules()[1].allow);
}

BOOST_AUTO_TEST_CASE(default_filter_keeps_hid_and_shares_the_rest) {
  auto filter = *parse_usb_filter(usb_filter::default_autoshare);
  BOOST_TEST(filter.allows(mass_storage));
  BOOST_TEST(!filter.allows(keyboard));
}

BOOST_AUTO_TEST_CASE(first_matching_rule_decides_by_vendor_and_product) {
  auto filter = *parse_usb_filter("-1,0x0781,0x5567,-1,0|0x08,-1,-1,-1,1");
  BOOST_TEST(!filter.allows(mass_storage));
  BOOST_TEST(filter.allows(device(0, 0x1234, 0x0001, {{0x08, 0x06, 0x50}})));
}

BOOST_AUTO_TEST_CASE(no_matching_rule_means_no) {
  auto filter = *parse_usb_filter("0x08,-1,-1,-1,1");
  BOOST_TEST(!filter.allows(keyboard));
  BOOST_TEST(!usb_filter{}.allows(mass_storage));
}

BOOST_AUTO_TEST_CASE(empty_text_is_an_empty_filter) {
  auto filter = parse_usb_filter("");
  BOOST_REQUIRE(filter);
  BOOST_TEST(filter->rules().empty());
}

BOOST_AUTO_TEST_CASE(errors_name_the_rule_and_the_field) {
  auto short_rule = parse_usb_filter("-1,-1,-1,-1,1|0x03,-1");
  BOOST_REQUIRE(!short_rule);
  BOOST_TEST(short_rule.error().message.find("rule 2") != std::string::npos);
  BOOST_TEST(short_rule.error().message.find("has 2") != std::string::npos);
  auto big_class = parse_usb_filter("0x100,-1,-1,-1,1");
  BOOST_REQUIRE(!big_class);
  BOOST_TEST(big_class.error().message.find("field class") != std::string::npos);
  auto bad_allow = parse_usb_filter("-1,-1,-1,-1,yes");
  BOOST_REQUIRE(!bad_allow);
  BOOST_TEST(bad_allow.error().message.find("field allow") != std::string::npos);
  BOOST_TEST(!parse_usb_filter("-1,-1,-1,-1,1||-1,-1,-1,-1,0"));
}

BOOST_AUTO_TEST_CASE(selectors_by_vendor_product_and_by_bus_address) {
  auto by_id = parse_usb_device_selector("0781:5567");
  BOOST_REQUIRE(by_id);
  BOOST_TEST(by_id->matches(mass_storage));
  BOOST_TEST(!by_id->matches(keyboard));
  BOOST_TEST(by_id->to_string() == "0781:5567");
  BOOST_TEST(parse_usb_device_selector("0x0781:0x5567")->matches(mass_storage));
  auto by_place = parse_usb_device_selector("1-4");
  BOOST_REQUIRE(by_place);
  BOOST_TEST(by_place->matches(mass_storage));
  BOOST_TEST(!parse_usb_device_selector("usb"));
  BOOST_TEST(!parse_usb_device_selector("12345:1"));
  BOOST_TEST(!parse_usb_device_selector("0-1"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(usb_autoshare)

BOOST_AUTO_TEST_CASE(a_device_plugged_in_later_is_shared_when_the_filter_allows_it) {
  auto policy = policy_with(usb_filter::default_autoshare);
  BOOST_TEST(decide_share(mass_storage, false, true, policy, false, 1) == share_decision::redirect);
  BOOST_TEST(decide_share(keyboard, false, true, policy, false, 1) == share_decision::filtered_out);
}

BOOST_AUTO_TEST_CASE(devices_present_at_start_are_not_autoshared) {
  auto policy = policy_with(usb_filter::default_autoshare);
  BOOST_TEST(decide_share(mass_storage, false, false, policy, false, 1) == share_decision::present_at_start);
}

BOOST_AUTO_TEST_CASE(autoshare_off_shares_nothing_by_itself) {
  auto policy = policy_with(usb_filter::default_autoshare);
  policy.enabled = false;
  BOOST_TEST(decide_share(mass_storage, false, true, policy, false, 1) == share_decision::autoshare_off);
}

BOOST_AUTO_TEST_CASE(a_device_the_user_named_ignores_the_filter_but_needs_a_channel) {
  auto policy = policy_with("-1,-1,-1,-1,0");
  policy.enabled = false;
  BOOST_TEST(decide_share(keyboard, true, false, policy, false, 1) == share_decision::redirect);
  BOOST_TEST(decide_share(keyboard, true, false, policy, false, 0) == share_decision::no_free_channel);
  BOOST_TEST(decide_share(keyboard, true, false, policy, true, 1) == share_decision::already_redirected);
}

BOOST_AUTO_TEST_SUITE_END()
