# Debian package of the tools (cpack -G DEB in a release build folder).
set(CPACK_PACKAGE_NAME "minimascope")
set(CPACK_PACKAGE_VENDOR "MinimaScope")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "See why SGD finds flat minima: sharpness, non-uniformity and loss landscapes")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "MinimaScope developers")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libopenblas0-openmp, dataset-fashion-mnist")
# The desktop application's launcher entry and AppStream description.
if(MINIMASCOPE_BUILD_GUI)
  install(FILES ${CMAKE_CURRENT_LIST_DIR}/io.github.minimascope.MinimaScope.desktop DESTINATION share/applications)
  install(FILES ${CMAKE_CURRENT_LIST_DIR}/io.github.minimascope.MinimaScope.metainfo.xml DESTINATION share/metainfo)
endif()
include(CPack)
