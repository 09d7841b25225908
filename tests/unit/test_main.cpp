// Boost.Test entry point for the protocol unit tests.
#define BOOST_TEST_MODULE vigil_protocol
#include <boost/test/unit_test.hpp>
