# FindSRTP2: libvoip's lookup of libsrtp2 through pkg-config; defines SRTP2::srtp2.
include(${CMAKE_CURRENT_LIST_DIR}/VoipPkgConfigFind.cmake)
voip_pkg_config_find(SRTP2 libsrtp2 SRTP2::srtp2)
