# voip_pkg_config_find(<Package> <pkg-config-module> <imported-target>)
# Shared body of the Find modules for libraries Debian ships with a .pc file but no CMake config.
# Installed with the package so that a consumer's find_package(voip) finds them the same way.
include_guard(GLOBAL)
include(FindPackageHandleStandardArgs)
find_package(PkgConfig QUIET)

macro(voip_pkg_config_find package module target)
  if(PKG_CONFIG_FOUND)
    pkg_check_modules(_voip_pc_${package} QUIET ${module})
  endif()
  if(_voip_pc_${package}_FOUND AND NOT TARGET ${target})
    add_library(${target} INTERFACE IMPORTED)
    set_target_properties(${target} PROPERTIES
      INTERFACE_INCLUDE_DIRECTORIES "${_voip_pc_${package}_INCLUDE_DIRS}"
      INTERFACE_LINK_LIBRARIES "${_voip_pc_${package}_LINK_LIBRARIES}"
      INTERFACE_COMPILE_OPTIONS "${_voip_pc_${package}_CFLAGS_OTHER}")
  endif()
  set(${package}_VERSION "${_voip_pc_${package}_VERSION}")
  set(_voip_pc_${package}_found_flag "${_voip_pc_${package}_FOUND}")
  find_package_handle_standard_args(${package}
    REQUIRED_VARS _voip_pc_${package}_found_flag
    VERSION_VAR ${package}_VERSION)
endmacro()
