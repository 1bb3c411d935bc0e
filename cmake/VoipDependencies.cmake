# Every dependency comes from Debian packages. A missing one stops the configure step with the
# name of the package to install (scripts/setup-debian.sh installs them all).
include(VoipFindHelpers)

find_package(Threads REQUIRED)
voip_require(Asio libasio-dev)
voip_require(OpenSSL libssl-dev)
voip_require(fmt libfmt-dev)
voip_require(Opus libopus-dev)
voip_require(SpanDSP libspandsp-dev)
voip_require(SRTP2 libsrtp2-dev)
voip_require(SpeexDSP libspeexdsp-dev)

if(VOIP_BUILD_TESTS)
  voip_require(GTest "libgtest-dev libgmock-dev")
endif()
if(VOIP_BUILD_BENCH)
  voip_require(benchmark libbenchmark-dev)
endif()
# Always: the codec module links it (WAV I/O), whatever else is built.
voip_require(SndFile libsndfile1-dev)
if(VOIP_BUILD_APPS)
  voip_require(CLI11 libcli11-dev)
endif()
# Optional speech engines (Debian flite1-dev; libpocketsphinx-dev + pocketsphinx-en-us): the
# speech module builds without them, minus those engines.
find_package(Flite QUIET)
find_package(PocketSphinx QUIET)
