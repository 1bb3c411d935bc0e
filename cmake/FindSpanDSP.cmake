# FindSpanDSP: libvoip's lookup of spandsp through pkg-config; defines SpanDSP::spandsp.
include(${CMAKE_CURRENT_LIST_DIR}/VoipPkgConfigFind.cmake)
voip_pkg_config_find(SpanDSP spandsp SpanDSP::spandsp)
