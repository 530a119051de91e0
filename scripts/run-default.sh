#!/usr/bin/env bash
# The main job: the desktop application with the default preset (SGD on 1000 Fashion-MNIST
# examples) when a display is available, otherwise the CLI run of the same preset (~20 s),
# written to runs/.
set -euo pipefail
build="${1:-build/release}"
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -x "$build/app/minimascope" ]; then
  exec "$build/app/minimascope" --preset sgd-fashion-mnist
fi
exec "$build/app/minimascope-cli" train --preset sgd-fashion-mnist --out runs/sgd-fashion-mnist --track-at-end
