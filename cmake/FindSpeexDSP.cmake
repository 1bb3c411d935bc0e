# FindSpeexDSP: libvoip's lookup of speexdsp through pkg-config; defines SpeexDSP::speexdsp.
include(${CMAKE_CURRENT_LIST_DIR}/VoipPkgConfigFind.cmake)
voip_pkg_config_find(SpeexDSP speexdsp SpeexDSP::speexdsp)
