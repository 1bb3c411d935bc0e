# FindSofiaSip: libvoip's lookup of sofia-sip-ua through pkg-config; defines SofiaSip::sofia.
include(${CMAKE_CURRENT_LIST_DIR}/VoipPkgConfigFind.cmake)
voip_pkg_config_find(SofiaSip sofia-sip-ua SofiaSip::sofia)
