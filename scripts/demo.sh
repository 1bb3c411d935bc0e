#!/usr/bin/env bash
# Set up a Debian 12 machine, build libvoip (release) and run the loopback demo.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-debian.sh
cmake --preset release >/dev/null
cmake --build --preset release -j2 --target example_media_loopback
exec ./build/release/examples/media_loopback "$@"
