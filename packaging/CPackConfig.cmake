# The Debian package of both programs: `cpack -G DEB` in a build folder (the release preset's).
# Everything the desktop needs besides the programs is in DesktopIntegration.cmake.
include(${CMAKE_CURRENT_LIST_DIR}/DesktopIntegration.cmake)

set(CPACK_PACKAGE_NAME "minimascope")
set(CPACK_PACKAGE_VENDOR "MinimaScope developers")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "MinimaScope developers <minimascope@users.noreply.github.com>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "see why SGD finds flat minima: sharpness, non-uniformity, loss landscapes")
set(CPACK_PACKAGE_DESCRIPTION
    "MinimaScope trains small neural networks with GD, SGD, momentum, AdaGrad, Adam, L-BFGS, SAM or AdaHessian and measures, while they train, the sharpness a (the largest eigenvalue of the Hessian) and the non-uniformity s (the square root of the largest eigenvalue of the covariance of the per-example Hessians). A stability diagram draws every run against the linear-stability bounds of Wu, Ma and E (2018), a <= 2/eta and s <= sqrt(B(n-1)/(n-B))/eta.\n\nIt also draws the Hessian's spectral density, and the filter-normalized loss surface around a minimum in 3D. The package holds the Qt desktop application (minimascope) and a command-line tool (minimascope-cli) that trains, analyzes, computes surfaces, runs studies over grids of runs and renders the same figures headless.")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_SECTION "science")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/minimascope/minimascope")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# OpenBLAS with OpenMP is not optional: with the reference BLAS every matmul is ~40x slower.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libopenblas0-openmp")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "dataset-fashion-mnist")
set(CPACK_STRIP_FILES ON)
include(CPack)
