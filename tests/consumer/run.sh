#!/usr/bin/env bash
# Install the built tree into a temporary prefix, then build a separate project against it twice:
# once with find_package(voip) and once with pkg-config. Usage: run.sh <build-dir> <consumer-src> <c++>
set -euo pipefail
build=$1 src=$2 cxx=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/prefix" >/dev/null

cmake -S "$src" -B "$work/cmake-build" -DCMAKE_PREFIX_PATH="$work/prefix" \
      -DCMAKE_CXX_COMPILER="$cxx" >/dev/null
cmake --build "$work/cmake-build" >/dev/null
out=$("$work/cmake-build/consumer")
echo "find_package: $out"
[[ $out == "consumer: linked against libvoip "* ]]

# The .pc file is relocatable: found wherever the prefix was installed.
PKG_CONFIG_PATH=$(dirname "$(find "$work/prefix" -name voip.pc | head -1)")
export PKG_CONFIG_PATH
# shellcheck disable=SC2046,SC2086
"$cxx" ${CXXFLAGS:-} -o "$work/consumer-pc" "$src/main.cpp" $(pkg-config --cflags --libs voip) ${LDFLAGS:-}
out=$("$work/consumer-pc")
echo "pkg-config: $out"
[[ $out == "consumer: linked against libvoip "* ]]
