# FindLibOsip2: libvoip's lookup of libosip2 through pkg-config; defines LibOsip2::osip2.
include(${CMAKE_CURRENT_LIST_DIR}/VoipPkgConfigFind.cmake)
voip_pkg_config_find(LibOsip2 libosip2 LibOsip2::osip2)
