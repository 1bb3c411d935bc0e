# The library is built from modules, one per folder of src/ (core, sip, sdp, rtp, ...). Each
# module is an OBJECT library holding every .cpp of its folder; the installed voip::voip is all
# of them in one archive (or shared object). Tests link only the module under test and what it
# depends on, so a module builds, tests and fuzzes on its own.

# voip_add_module(<name> [DEPS <module>...] [LIBS <target>...])
function(voip_add_module name)
  cmake_parse_arguments(M "" "" "DEPS;LIBS" ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/src/${name}/*.cpp")
  set(closure ${name})
  if(sources)
    add_library(voip_${name} OBJECT ${sources})
    target_include_directories(voip_${name}
      PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
      PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_BINARY_DIR}/generated)
    target_link_libraries(voip_${name} PUBLIC voip_build_options ${M_LIBS})
    set(visibility PUBLIC)
    set_property(GLOBAL APPEND PROPERTY VOIP_OBJECT_MODULES ${name})
  else()
    # A module without sources yet: headers and usage requirements only.
    add_library(voip_${name} INTERFACE)
    target_include_directories(voip_${name} INTERFACE $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>)
    target_link_libraries(voip_${name} INTERFACE voip_build_options ${M_LIBS})
    set(visibility INTERFACE)
  endif()
  foreach(dep IN LISTS M_DEPS)
    target_link_libraries(voip_${name} ${visibility} voip_${dep})
    get_property(dep_closure GLOBAL PROPERTY VOIP_MODULE_CLOSURE_${dep})
    list(APPEND closure ${dep_closure})
  endforeach()
  list(REMOVE_DUPLICATES closure)
  set_property(GLOBAL PROPERTY VOIP_MODULE_CLOSURE_${name} ${closure})
  set_property(GLOBAL APPEND PROPERTY VOIP_MODULES ${name})
endfunction()

# voip_link_modules(<target> <module>...): link the objects of the modules and of everything
# they depend on into <target> (an executable).
function(voip_link_modules target)
  set(all)
  foreach(module IN LISTS ARGN)
    get_property(closure GLOBAL PROPERTY VOIP_MODULE_CLOSURE_${module})
    if(NOT closure)
      message(FATAL_ERROR "voip_link_modules: no module named '${module}'")
    endif()
    list(APPEND all ${closure})
  endforeach()
  list(REMOVE_DUPLICATES all)
  foreach(module IN LISTS all)
    target_link_libraries(${target} PRIVATE voip_${module})
  endforeach()
endfunction()
