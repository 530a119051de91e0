#!/usr/bin/env bash
# Installs what MinimaScope needs on Debian 12 (bookworm) from Debian's own packages.
#   scripts/install-deps.sh           build + run: compilers, Qt6, LibTorch, VTK, QCustomPlot, CLI11,
#                                     OpenBLAS (OpenMP), zlib, nlohmann-json, Fashion-MNIST, Xvfb
#   scripts/install-deps.sh --tests   the same plus what the tests use (python3-numpy and
#                                     python3-vtk9 for the Python snippets of docs/exports.md and the
#                                     .npy interoperability test, python3-torch for the TorchScript
#                                     models the own-model tests save; lintian, desktop-file-utils
#                                     and appstream for the package test; clang-format-14 for
#                                     scripts/format.sh, which .ci/run runs, and clang-tidy-14 for
#                                     scripts/tidy.sh)
#   scripts/install-deps.sh --bench   the same plus python3-torch for the Python reference loops
#   scripts/install-deps.sh --fuzz    the same plus clang and libFuzzer for scripts/fuzz.sh
# libopenblas0-openmp is listed on purpose: without it libblas.so.3 is the reference BLAS and
# every torch matmul runs ~40x slower; --no-install-recommends would otherwise skip it.
set -euo pipefail
packages=(build-essential cmake ninja-build ccache git
          qt6-base-dev libqt6opengl6-dev qt6-svg-dev libtorch-dev libopenblas0-openmp libsqlite3-dev
          libopenmpi-dev openmpi-bin
          libvtk9-dev libqcustomplot-dev nlohmann-json3-dev libcli11-dev zlib1g-dev help2man librsvg2-bin
          xvfb xauth libgl1-mesa-dri dataset-fashion-mnist)
for arg in "$@"; do
  case "$arg" in
    --tests) packages+=(python3-numpy python3-vtk9 python3-torch lintian desktop-file-utils appstream
                        clang-format-14 clang-tidy-14) ;;
    --bench) packages+=(python3-numpy python3-torch) ;;
    --fuzz) packages+=(clang-14 libfuzzer-14-dev) ;;
    *) echo "install-deps.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${packages[@]}"
