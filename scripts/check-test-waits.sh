#!/usr/bin/env bash
# Fails when a test sleeps a fixed time instead of waiting on a condition.
# A fixed sleep before an assertion passes on an idle machine and fails on a
# loaded one (or hides a slow path on a fast one). Tests wait on what they
# need -- a log line, a port, a snapshot field, an X event -- with
# wait_until() (tests/support/waiting.hpp) or a support helper built on it.
#
# The rule: no sleep call (sleep_for, sleep_until, usleep, nanosleep, sleep())
# in a C or C++ file under tests/, except
#   - tests/support/waiting.hpp, the one polling loop;
#   - a line that says why it is not a wait before an assertion, with a
#     trailing comment `// sleep-ok: <why>` (a proxy's configured delay, a
#     poll inside a support helper that has its own deadline, a program that
#     runs inside the test guest).
#
# usage: check-test-waits.sh [SOURCE_DIR]   (default: this script's project)
#        check-test-waits.sh --self-test    plants a sleep in a scratch tree and
#                                           fails unless it is reported
set -euo pipefail

sleep_call='(sleep_for|sleep_until|usleep|nanosleep)[[:space:]]*\(|(^|[^_[:alnum:]])sleep[[:space:]]*\([[:space:]]*[0-9]'

check() {
  local root=$1 violations=0 hit
  [[ -d $root/tests ]] || { echo "check-test-waits: no tests/ under $root" >&2; return 2; }
  while IFS= read -r hit; do
    [[ $hit == tests/support/waiting.hpp:* ]] && continue
    [[ $hit == *"// sleep-ok: "?* ]] && continue
    echo "$hit"
    violations=$((violations + 1))
  done < <(cd "$root" && grep -rnE --include='*.cpp' --include='*.hpp' --include='*.h' --include='*.c' \
             "$sleep_call" tests || true)
  if (( violations > 0 )); then
    echo "$violations fixed sleep(s) in tests/: wait on the condition with wait_until()" \
         "(tests/support/waiting.hpp), or say why it is no wait with '// sleep-ok: <why>'" \
         "(docs/testing.md, Waiting)" >&2
    return 1
  fi
  echo "test waits: no fixed sleep in tests/"
}

if [[ ${1:-} == --self-test ]]; then
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  mkdir -p "$scratch"/tests/{support,display}
  printf 'std::this_thread::sleep_for(period);\n' > "$scratch/tests/support/waiting.hpp"
  printf 'std::this_thread::sleep_for(delay);  // sleep-ok: the delay the proxy was asked for\n' \
    > "$scratch/tests/support/proxy.cpp"
  printf 'wait_until([&] { return done(); }, 10s);\nint sleepy = 0;\n' > "$scratch/tests/display/fine.cpp"
  check "$scratch" > /dev/null || { echo "self-test: a clean tree was rejected" >&2; exit 1; }
  printf 'std::this_thread::sleep_for(300ms);\nBOOST_TEST(received == 4);\n' > "$scratch/tests/display/settle.cpp"
  printf 'usleep(50000);\n' > "$scratch/tests/display/guest.c"
  printf 'sleep(1);  // sleep-ok:\n' > "$scratch/tests/display/bare.cpp"
  output=$(check "$scratch" 2>&1) && { echo "self-test: fixed sleeps were accepted" >&2; exit 1; }
  for expected in "tests/display/settle.cpp:1:" "tests/display/guest.c:1:" "tests/display/bare.cpp:1:"; do
    grep -qF "$expected" <<<"$output" || { echo "self-test: not reported: $expected" >&2; echo "$output" >&2; exit 1; }
  done
  echo "test waits self-test: fixed sleeps are reported"
  exit 0
fi

check "${1:-$(cd "$(dirname "$0")/.." && pwd)}"
