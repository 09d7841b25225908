#define BOOST_TEST_MODULE vigil app tests
#include <boost/test/unit_test.hpp>
