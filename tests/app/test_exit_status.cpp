// What a session's end means for vigil's exit status (ui/session_runner.hpp):
// the code, and for a refused password what asking again wants, from the
// failure's fields, never from its text.
#include <boost/test/unit_test.hpp>

#include "ui/exit_codes.hpp"
#include "ui/session_runner.hpp"

namespace {

vigil::session_end ended_by(vigil::channel_failure failure, bool was_up = false, bool ticket_expired = false) {
  vigil::session_end end;
  end.was_up = was_up;
  end.ticket_expired = ticket_expired;
  end.reason = failure.message;
  end.failure.push_back(std::move(failure));
  return end;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(exit_status_of_a_session)

BOOST_AUTO_TEST_CASE(a_refused_ticket_asks_for_a_password_only) {
  auto status = vigil::status_of(ended_by({vigil::failure_kind::auth_failed, "link result 7 (PERMISSION_DENIED)"}));
  BOOST_TEST(status.code == vigil::exit_codes::auth_failed);
  BOOST_TEST(!status.sasl);
  BOOST_TEST(!status.ticket_expired);
}

BOOST_AUTO_TEST_CASE(sasl_is_the_failures_field_not_its_text) {
  auto sasl = vigil::status_of(ended_by({vigil::failure_kind::auth_failed, "the server closed the connection", true}));
  BOOST_TEST(sasl.code == vigil::exit_codes::auth_failed);
  BOOST_TEST(sasl.sasl, "a SASL failure whose text does not say SASL still asks for a user name");
  auto ticket = vigil::status_of(ended_by({vigil::failure_kind::auth_failed, "SASL? no: a plain ticket refused"}));
  BOOST_TEST(!ticket.sasl, "a ticket failure whose text mentions SASL asks for a password only");
}

BOOST_AUTO_TEST_CASE(an_expired_ticket_is_the_sessions_field) {
  auto status =
    vigil::status_of(ended_by({vigil::failure_kind::auth_failed, "link result 7 (PERMISSION_DENIED)"}, true, true));
  BOOST_TEST(status.code == vigil::exit_codes::auth_failed);
  BOOST_TEST(status.ticket_expired);
}

BOOST_AUTO_TEST_CASE(other_failures_keep_their_codes) {
  BOOST_TEST(vigil::status_of(ended_by({vigil::failure_kind::connect_failed, "refused"})).code ==
             vigil::exit_codes::connect_failed);
  BOOST_TEST(vigil::status_of(ended_by({vigil::failure_kind::connect_failed, "refused"}, true)).code ==
             vigil::exit_codes::session_lost);
  BOOST_TEST(vigil::status_of(ended_by({vigil::failure_kind::protocol_error, "bad"})).code ==
             vigil::exit_codes::protocol_error);
  vigil::session_end requested;
  requested.reason = "shutdown requested";
  BOOST_TEST(vigil::status_of(requested).code == vigil::exit_codes::ok);
}

BOOST_AUTO_TEST_SUITE_END()
