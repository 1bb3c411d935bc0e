#!/usr/bin/env bash
# Set up a Debian 12 machine, build libvoip's `voip` program (release) and run `voip demo`: two
# user agents on 127.0.0.1, one says a sentence (Flite) to the other over SIP + SRTP + Opus, the
# other transcribes it (PocketSphinx). Exits with the demo's status (0 = transcription matched).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-debian.sh
cmake --preset release >/dev/null
cmake --build --preset release -j2 --target voip_cli
exec ./build/release/apps/voip/voip demo "$@"
