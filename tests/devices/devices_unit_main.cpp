// Boost.Test entry point for the devices unit tests.
#define BOOST_TEST_MODULE vigil_devices_unit
#include <boost/test/unit_test.hpp>
