#define BOOST_TEST_MODULE vigil codec tests
#include <boost/test/unit_test.hpp>
