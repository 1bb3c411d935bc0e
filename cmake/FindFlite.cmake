# FindFlite: Flite text-to-speech with the cmu_us_slt voice (Debian flite1-dev); defines Flite::flite.
include(FindPackageHandleStandardArgs)
find_path(Flite_INCLUDE_DIR NAMES flite/flite.h)
find_library(Flite_LIBRARY NAMES flite)
find_library(Flite_SLT_LIBRARY NAMES flite_cmu_us_slt)
find_library(Flite_LEX_LIBRARY NAMES flite_cmulex)
find_library(Flite_LANG_LIBRARY NAMES flite_usenglish)
find_package_handle_standard_args(Flite REQUIRED_VARS
  Flite_INCLUDE_DIR Flite_LIBRARY Flite_SLT_LIBRARY Flite_LEX_LIBRARY Flite_LANG_LIBRARY)
if(Flite_FOUND AND NOT TARGET Flite::flite)
  add_library(Flite::flite INTERFACE IMPORTED)
  set_target_properties(Flite::flite PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${Flite_INCLUDE_DIR}/flite"
    INTERFACE_LINK_LIBRARIES
      "${Flite_SLT_LIBRARY};${Flite_LANG_LIBRARY};${Flite_LEX_LIBRARY};${Flite_LIBRARY};m")
endif()
mark_as_advanced(Flite_INCLUDE_DIR Flite_LIBRARY Flite_SLT_LIBRARY Flite_LEX_LIBRARY Flite_LANG_LIBRARY)
