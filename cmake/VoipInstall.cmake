# install(): the library, its headers, an exported CMake package (find_package(voip)) and a
# pkg-config file.
include(CMakePackageConfigHelpers)

set(VOIP_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/voip)

install(TARGETS voip EXPORT voipTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY include/voip DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT voipTargets NAMESPACE voip:: FILE voipTargets.cmake DESTINATION ${VOIP_CMAKE_DIR})

configure_package_config_file(cmake/voipConfig.cmake.in
  ${PROJECT_BINARY_DIR}/voipConfig.cmake
  INSTALL_DESTINATION ${VOIP_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/voipConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/voipConfig.cmake
  ${PROJECT_BINARY_DIR}/voipConfigVersion.cmake
  DESTINATION ${VOIP_CMAKE_DIR})
# The Find modules the exported targets refer to (Debian ships no CMake config for these).
install(FILES
  cmake/VoipPkgConfigFind.cmake cmake/FindAsio.cmake cmake/FindOpus.cmake
  cmake/FindSpanDSP.cmake cmake/FindSRTP2.cmake cmake/FindSpeexDSP.cmake cmake/FindSndFile.cmake
  cmake/FindFlite.cmake cmake/FindPocketSphinx.cmake
  DESTINATION ${VOIP_CMAKE_DIR}/modules)

if(BUILD_SHARED_LIBS)
  set(VOIP_PC_PRIVATE_LIBS "")
  set(VOIP_PC_REQUIRES_PRIVATE "libsrtp2 opus spandsp speexdsp sndfile")
  set(VOIP_PC_REQUIRES "openssl fmt")
else()
  set(VOIP_PC_REQUIRES "openssl fmt libsrtp2 opus spandsp speexdsp sndfile")
  set(VOIP_PC_REQUIRES_PRIVATE "")
endif()
# Optional speech engines: pocketsphinx has a .pc, Flite only libraries. A static libvoip needs
# them on the consumer's link line; a shared one only privately.
set(VOIP_PC_LIBS "")
set(VOIP_PC_LIBS_PRIVATE "")
if(PocketSphinx_FOUND)
  if(BUILD_SHARED_LIBS)
    string(APPEND VOIP_PC_REQUIRES_PRIVATE " pocketsphinx")
  else()
    string(APPEND VOIP_PC_REQUIRES " pocketsphinx")
  endif()
endif()
if(Flite_FOUND)
  set(_voip_flite_libs "-lflite_cmu_us_slt -lflite_usenglish -lflite_cmulex -lflite -lm")
  if(BUILD_SHARED_LIBS)
    set(VOIP_PC_LIBS_PRIVATE "${_voip_flite_libs}")
  else()
    set(VOIP_PC_LIBS " ${_voip_flite_libs}")
  endif()
endif()
# A relocatable .pc: the prefix is found relative to the file itself.
file(RELATIVE_PATH VOIP_PC_PREFIX_FROM_PCDIR
  "${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "${CMAKE_INSTALL_PREFIX}")
configure_file(cmake/voip.pc.in ${PROJECT_BINARY_DIR}/voip.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/voip.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
