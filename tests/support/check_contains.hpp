// The suite's one "text contains part" check, with both in the failure message.
#pragma once

#include <boost/test/unit_test.hpp>

#include <string>

#define VIGIL_CHECK_CONTAINS(text, part)                                                          \
  BOOST_TEST((std::string(text)).find(part) != std::string::npos,                                 \
             "\"" << (text) << "\" should contain \"" << (part) << "\"")
