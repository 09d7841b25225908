// Boost.Test entry point of vigil_integration_tests (the test cases live in
// session_tests.cpp and connection_error_tests.cpp).
#define BOOST_TEST_MODULE vigil_integration_tests
#include <boost/test/unit_test.hpp>
