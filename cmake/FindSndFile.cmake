# FindSndFile: libvoip's lookup of sndfile through pkg-config; defines SndFile::sndfile.
include(${CMAKE_CURRENT_LIST_DIR}/VoipPkgConfigFind.cmake)
voip_pkg_config_find(SndFile sndfile SndFile::sndfile)
