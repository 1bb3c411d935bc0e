#!/usr/bin/env bash
# Set up a Debian 12 machine, build everything with warnings as errors, run every test.
#   1. unit, integration, interop and install tests (ctest, GCC)
#   2. every libFuzzer target for a bounded time (ctest -L fuzz, clang + ASan + UBSan)
#   3. clang-format check of the tree
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-debian.sh

echo "== build and test (GCC, -Werror)"
cmake --preset ci
cmake --build --preset ci -j2
ctest --preset ci

echo "== fuzz (clang, ASan + UBSan, ${VOIP_FUZZ_SECONDS:-10} s per target)"
cmake --preset fuzz -DVOIP_FUZZ_SECONDS="${VOIP_FUZZ_SECONDS:-10}"
cmake --build --preset fuzz -j2
ctest --preset fuzz

echo "== clang-format"
git ls-files '*.cpp' '*.hpp' | xargs clang-format --dry-run --Werror
echo "clang-format: clean"
