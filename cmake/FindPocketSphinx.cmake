# FindPocketSphinx: libvoip's lookup of pocketsphinx through pkg-config; defines PocketSphinx::pocketsphinx.
include(${CMAKE_CURRENT_LIST_DIR}/VoipPkgConfigFind.cmake)
voip_pkg_config_find(PocketSphinx pocketsphinx PocketSphinx::pocketsphinx)
# Debian's pocketsphinx.pc names -I/usr/include/sphinxbase, which does not exist (sphinxbase's
# headers are in the multiarch folder its own .pc names); CMake refuses missing include folders.
if(TARGET PocketSphinx::pocketsphinx)
  get_target_property(_voip_ps_includes PocketSphinx::pocketsphinx INTERFACE_INCLUDE_DIRECTORIES)
  set(_voip_ps_existing)
  foreach(_voip_ps_dir IN LISTS _voip_ps_includes)
    if(IS_DIRECTORY "${_voip_ps_dir}")
      list(APPEND _voip_ps_existing "${_voip_ps_dir}")
    endif()
  endforeach()
  set_target_properties(PocketSphinx::pocketsphinx PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${_voip_ps_existing}")
endif()
