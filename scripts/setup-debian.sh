#!/usr/bin/env bash
# Install every build, test and demo dependency of libvoip from Debian 12 packages.
# Idempotent: installs only what is missing. Runs as root, or through sudo.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git clang libclang-rt-14-dev llvm-14 clang-format
  # the library
  libasio-dev libssl-dev ca-certificates libopus-dev libspandsp-dev libsrtp2-dev libspeexdsp-dev
  libfmt-dev libsndfile1-dev
  # programs and speech
  libcli11-dev flite1-dev libpocketsphinx-dev pocketsphinx-en-us espeak-ng sox
  # API reference (cmake --build <dir> --target docs)
  doxygen
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev sip-tester kamailio openssl
  # peer SIP stacks, linked only into bench/sip_parse
  libosip2-dev libsofia-sip-ua-dev libre-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-debian: all ${#packages[@]} packages already installed"
  exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup-debian: run as root or install sudo" >&2; exit 1; }
  sudo=(sudo)
fi
echo "setup-debian: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
