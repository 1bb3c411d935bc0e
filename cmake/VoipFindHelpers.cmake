# voip_require(<Package> <debian-packages>): find_package or fail naming what to apt-get install.
macro(voip_require package debian)
  find_package(${package} QUIET)
  if(NOT ${package}_FOUND)
    message(FATAL_ERROR
      "libvoip needs ${package}, which was not found.\n"
      "On Debian: sudo apt-get install ${debian}   (or run scripts/setup-debian.sh)")
  endif()
endmacro()
