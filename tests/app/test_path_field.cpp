// The Send file path field (ui/path_field.hpp): typed text, UTF-8, Backspace, Enter, Escape.
#include <boost/test/unit_test.hpp>

#include "ui/path_field.hpp"

using namespace vigil;
using protocol::pc_key;

BOOST_AUTO_TEST_SUITE(path_field_editing)

BOOST_AUTO_TEST_CASE(typed_characters_make_the_path_and_enter_submits_it) {
  path_field field;
  BOOST_TEST((field.key(pc_key::enter) == path_field::outcome::editing));  // nothing to send yet
  for (char c : std::string("/tmp/a b"))
    field.type(static_cast<unsigned char>(c));
  field.type(0xe9);     // e acute: two UTF-8 bytes
  field.type(0x1f600);  // four bytes
  field.type(8);        // control characters are the keys' business
  field.type(0x7f);
  BOOST_TEST(field.text() == "/tmp/a b\xc3\xa9\xf0\x9f\x98\x80");
  BOOST_TEST((field.key(pc_key::backspace) == path_field::outcome::editing));
  BOOST_TEST(field.text() == "/tmp/a b\xc3\xa9");
  field.key(pc_key::backspace);
  BOOST_TEST(field.text() == "/tmp/a b");
  BOOST_TEST((field.key(pc_key::a) == path_field::outcome::editing));
  BOOST_TEST((field.key(pc_key::kp_enter) == path_field::outcome::submitted));
}

BOOST_AUTO_TEST_CASE(escape_cancels_and_the_path_is_bounded) {
  path_field field;
  for (int i = 0; i < 5000; ++i)
    field.type('x');
  BOOST_TEST(field.text().size() == path_field::max_bytes);
  for (int i = 0; i < 5000; ++i)
    field.key(pc_key::backspace);
  BOOST_TEST(field.text().empty());
  BOOST_TEST((field.key(pc_key::escape) == path_field::outcome::cancelled));
}

BOOST_AUTO_TEST_SUITE_END()
