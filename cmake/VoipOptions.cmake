# Compiler options shared by every target of the project, carried by one interface target.
add_library(voip_build_options INTERFACE)

target_compile_options(voip_build_options INTERFACE
  $<$<CXX_COMPILER_ID:GNU,Clang>:-Wall -Wextra -Wpedantic>
  $<$<AND:$<CXX_COMPILER_ID:GNU,Clang>,$<BOOL:${VOIP_WERROR}>>:-Werror>)

if(VOIP_SANITIZE)
  string(REPLACE ";" "," _voip_sanitizers "${VOIP_SANITIZE}")
  add_compile_options(-fsanitize=${_voip_sanitizers} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${_voip_sanitizers})
endif()

if(VOIP_BUILD_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "VOIP_BUILD_FUZZ needs clang: configure with -DCMAKE_CXX_COMPILER=clang++")
  endif()
  # Instrument the library for coverage feedback; only the fuzz executables link libFuzzer.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
endif()
