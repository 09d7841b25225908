#define BOOST_TEST_MODULE vigil supervision unit tests
#include <boost/test/unit_test.hpp>
