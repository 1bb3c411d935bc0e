# FindOpus: libvoip's lookup of opus through pkg-config; defines Opus::opus.
include(${CMAKE_CURRENT_LIST_DIR}/VoipPkgConfigFind.cmake)
voip_pkg_config_find(Opus opus Opus::opus)
