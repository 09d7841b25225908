// Boost.Test entry point of vigil_deployment_tests: how real deployments are
// reached (proxies, Unix sockets, SASL, prompts, expired tickets, --wait).
#define BOOST_TEST_MODULE vigil_deployment_tests
#include <boost/test/unit_test.hpp>
