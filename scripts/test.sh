#!/usr/bin/env bash
# Set up a Debian 12 machine, build everything with warnings as errors, run every test.
#   1. unit, integration, reliability, interop and install tests (ctest, GCC), built with
#      AddressSanitizer + UndefinedBehaviorSanitizer: any finding fails the test
#   2. the tests of code that runs on more than one thread, under ThreadSanitizer
#   3. every libFuzzer target for a bounded time (ctest -L fuzz, clang + ASan + UBSan)
#   4. clang-format check of the tree
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-debian.sh

echo "== build and test (GCC, -Werror, ASan + UBSan)"
cmake --preset ci
cmake --build --preset ci -j2
ctest --preset ci

# Only the test executables of threaded code: a second full build would double the CI time.
echo "== ThreadSanitizer (tests of code that uses more than one thread)"
tsan_targets=(voip_stun_tests)
[[ -d tests/speech ]] && tsan_targets+=(voip_speech_tests)
cmake --preset tsan
cmake --build --preset tsan -j2 --target "${tsan_targets[@]}"
ctest --preset tsan

echo "== fuzz (clang, ASan + UBSan, ${VOIP_FUZZ_SECONDS:-10} s per target)"
cmake --preset fuzz -DVOIP_FUZZ_SECONDS="${VOIP_FUZZ_SECONDS:-10}"
cmake --build --preset fuzz -j2
ctest --preset fuzz

echo "== clang-format"
git ls-files '*.cpp' '*.hpp' | xargs clang-format --dry-run --Werror
echo "clang-format: clean"
