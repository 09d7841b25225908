// The Boost.Test entry point of every test executable (vigil_test() in
// tests/cmake/vigil_test.cmake adds it).
#define BOOST_TEST_MODULE vigil
#include <boost/test/unit_test.hpp>
