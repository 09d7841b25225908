#define BOOST_TEST_MODULE vigil window in daily use
#include <boost/test/unit_test.hpp>
