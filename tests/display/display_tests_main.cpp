// Boost.Test entry point for the end-to-end display tests.
#define BOOST_TEST_MODULE vigil_display
#include <boost/test/unit_test.hpp>
