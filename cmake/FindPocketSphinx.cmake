# FindPocketSphinx: libvoip's lookup of pocketsphinx through pkg-config; defines PocketSphinx::pocketsphinx.
include(${CMAKE_CURRENT_LIST_DIR}/VoipPkgConfigFind.cmake)
voip_pkg_config_find(PocketSphinx pocketsphinx PocketSphinx::pocketsphinx)
