# vigil_test(): the one way to add a Boost.Test executable to the suite.
#
#   vigil_test(<executable>
#     SOURCES <file>...            # the test sources; the shared Boost.Test main is added
#     [LIBRARIES <target>...]      # besides vigil_test_support (always linked)
#     LABELS <label>...            # ctest labels of every case (docs/testing.md lists them)
#     TIMEOUT <seconds>            # per ctest test
#     [WHOLE <ctest-name>]         # one ctest test runs every case (fast unit binaries);
#                                  # otherwise one ctest test per Boost.Test case,
#                                  # named <PREFIX>.<case>, found after each build
#     [PREFIX <name>]              # default: <executable>
#     [NEEDS <target>...])         # built first (vigil, vigil-test-server, vigil-guest-image);
#                                  # vigil_test_support knows their paths
#
# Per-case registration reads the executable's own test tree (--list_content=DOT)
# after every build, so a new BOOST_AUTO_TEST_CASE is a ctest test at once, with
# the labels of its decorators (`*boost::unit_test::label("qemu")`) added to
# LABELS. Every test must end up with exactly one peer label -- unit, cli,
# server, qemu or guest -- or the build fails and says which case lacks one.
# Tests labelled `viewer` (an SFML window under Xvfb, llvmpipe-heavy) share the
# resource lock `window`, so two windows never draw at once.
# Every test takes two of ctest's slots except the idle soak (label `soak`), which
# takes one and starts first: scripts/test.sh runs `ctest -j 5`, so at most two
# busy tests run at once, beside the soak (vigil_ctest_slots()).
# An executable that was not built is one failing ctest test, never a silent skip.

set(VIGIL_TEST_DIR ${CMAKE_CURRENT_LIST_DIR}/..)
set(VIGIL_PEER_LABELS unit cli server qemu guest)

# The ctest properties that place a test with `labels` in scripts/test.sh's slots, into `out`.
function(vigil_ctest_slots out labels)
  if("soak" IN_LIST labels)
    set(${out} "PROCESSORS 1 COST 100000" PARENT_SCOPE)  # mostly idle; the longest, so first
  else()
    set(${out} "PROCESSORS 2" PARENT_SCOPE)
  endif()
endfunction()

function(vigil_test executable)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "TIMEOUT;WHOLE;PREFIX" "SOURCES;LIBRARIES;LABELS;NEEDS")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "vigil_test(${executable}): unknown arguments ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT arg_SOURCES OR NOT arg_LABELS OR NOT arg_TIMEOUT)
    message(FATAL_ERROR "vigil_test(${executable}) needs SOURCES, LABELS and TIMEOUT")
  endif()

  add_executable(${executable} ${arg_SOURCES} ${VIGIL_TEST_DIR}/support/boost_test_main.cpp)
  # Collected per label, for the aggregate targets in tests/CMakeLists.txt
  # (`ninja unit_tests`: what scripts/sanitize.sh builds).
  foreach(label IN LISTS arg_LABELS)
    set_property(GLOBAL APPEND PROPERTY VIGIL_TESTS_LABELLED_${label} ${executable})
  endforeach()
  target_link_libraries(${executable} PRIVATE vigil_test_support ${arg_LIBRARIES})
  if(arg_NEEDS)
    add_dependencies(${executable} ${arg_NEEDS})
  endif()

  if(arg_WHOLE)
    vigil_check_peer_label(${arg_WHOLE} "${arg_LABELS}")
    add_test(NAME ${arg_WHOLE} COMMAND ${executable})
    vigil_ctest_slots(slots "${arg_LABELS}")
    separate_arguments(slots)
    set_tests_properties(${arg_WHOLE} PROPERTIES LABELS "${arg_LABELS}" TIMEOUT ${arg_TIMEOUT}
                         ENVIRONMENT VIGIL_TEST_TIMEOUT=${arg_TIMEOUT} ${slots})
    return()
  endif()

  if(NOT arg_PREFIX)
    set(arg_PREFIX ${executable})
  endif()
  set(listing ${CMAKE_CURRENT_BINARY_DIR}/${executable}_tests.cmake)
  add_custom_command(TARGET ${executable} POST_BUILD
    COMMAND ${CMAKE_COMMAND} -D EXECUTABLE=$<TARGET_FILE:${executable}> -D PREFIX=${arg_PREFIX}
            -D "LABELS=${arg_LABELS}" -D TIMEOUT=${arg_TIMEOUT}
            -D OUTPUT=${listing} -P ${VIGIL_TEST_DIR}/cmake/vigil_list_test_cases.cmake
    COMMENT "Listing the test cases of ${executable}"
    VERBATIM)
  set(include_file ${CMAKE_CURRENT_BINARY_DIR}/${executable}_include.cmake)
  file(WRITE ${include_file}
    "if(EXISTS \"${listing}\")\n"
    "  include(\"${listing}\")\n"
    "else()\n"
    "  add_test(${arg_PREFIX}.NOT_BUILT ${CMAKE_COMMAND} -E echo \"${executable} was not built: build it, then run ctest\")\n"
    "  set_tests_properties(${arg_PREFIX}.NOT_BUILT PROPERTIES WILL_FAIL FALSE LABELS \"${arg_LABELS}\" "
    "PASS_REGULAR_EXPRESSION \"^never$\")\n"
    "endif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${include_file})
endfunction()

# The peer labels among `labels`, into `out`.
function(vigil_peer_labels_of out labels)
  set(peers "")
  foreach(label IN LISTS labels)
    if(label IN_LIST VIGIL_PEER_LABELS)
      list(APPEND peers ${label})
    endif()
  endforeach()
  set(${out} "${peers}" PARENT_SCOPE)
endfunction()

function(vigil_check_peer_label name labels)
  vigil_peer_labels_of(peers "${labels}")
  list(LENGTH peers count)
  if(NOT count EQUAL 1)
    message(FATAL_ERROR "test ${name}: labels '${labels}' need exactly one of ${VIGIL_PEER_LABELS}")
  endif()
endfunction()
