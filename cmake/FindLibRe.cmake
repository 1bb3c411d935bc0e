# FindLibRe: libvoip's lookup of libre through pkg-config; defines LibRe::re.
include(${CMAKE_CURRENT_LIST_DIR}/VoipPkgConfigFind.cmake)
voip_pkg_config_find(LibRe libre LibRe::re)
