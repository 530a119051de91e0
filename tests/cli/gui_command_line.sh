#!/usr/bin/env bash
# The desktop application's command line (app/gui/main.cpp) when a step of --run fails: it says
# so on stderr and exits with minimascope-cli's codes (2 the run could not start, 3 it
# diverged, 5 a requested surface failed) instead of waiting for a surface that cannot come; a run
# that works still ends with exit 0 and its pictures. Needs an X server (ctest runs under
# xvfb-run). Usage: gui_command_line.sh path/to/minimascope
set -uo pipefail
gui="$1"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$(dirname "$0")/checks.sh"

# Never the user's settings; presets from here first, then the shipped ones.
export XDG_CONFIG_HOME="$work/config"
export MINIMASCOPE_PRESETS="$work/presets"
mkdir -p "$MINIMASCOPE_PRESETS"
# GD with eta = 5 on the escape toy: |1 - eta f''| >= 4.5 on every piece, so the loss passes the
# divergence bound within a few dozen steps.
cat > "$MINIMASCOPE_PRESETS/diverges.json" <<EOF
{"dataset": {"name": "escape-toy"}, "model": {"kind": "escape-toy", "x0": 0.99},
 "optimizer": {"name": "gd", "lr": 5}, "stop": {"loss_below": 1e-10, "max_iterations": 200}}
EOF
cat > "$MINIMASCOPE_PRESETS/no-data.json" <<EOF
{"dataset": {"name": "fashion-mnist", "path": "$work/nothing", "n": 100, "test_n": 0},
 "model": {"kind": "mlp", "widths": [8]}, "optimizer": {"name": "sgd", "lr": 0.1, "batch_size": 10}}
EOF
cat > "$MINIMASCOPE_PRESETS/quick.json" <<EOF
{"dataset": {"name": "two-moons", "n": 100, "test_n": 0}, "model": {"kind": "mlp", "widths": [8]},
 "optimizer": {"name": "sgd", "lr": 0.2, "batch_size": 10}, "stop": {"max_iterations": 100}}
EOF
# No step at all: the run ends at once (Finished), with its starting point as its only snapshot.
cat > "$MINIMASCOPE_PRESETS/no-steps.json" <<EOF
{"dataset": {"name": "two-moons", "n": 100, "test_n": 0}, "model": {"kind": "mlp", "widths": [8]},
 "optimizer": {"name": "sgd", "lr": 0.2, "batch_size": 10}, "stop": {"max_iterations": 0}}
EOF
# A hang ends as timeout's 124, not as ctest's timeout.
launch() { timeout 60 "$gui" "$@"; }

launch --preset diverges --run --surface 2> "$work/err.txt"; check "diverging run with --surface exits 3" 3 $?
contains "message says the run diverged" "minimascope: the run diverged" "$work/err.txt"
launch --preset no-data --run --surface 2> "$work/err.txt"; check "run without its data exits 2" 2 $?
contains "message says why" "minimascope: the run failed: $work/nothing" "$work/err.txt"
launch --preset diverges --run --surface --screenshot "$work/diverged.png" --screenshot-delay 0 2> "$work/err.txt"
check "diverging run with --surface --screenshot exits 3" 3 $?
[ -s "$work/diverged.png" ] && echo "ok: the picture of the failure is saved" || { echo "FAIL: no picture"; failures=$((failures + 1)); }
launch --preset diverges --run --screenshot "$work/run.png" --screenshot-delay 0 2> "$work/err.txt"
check "diverging run with --screenshot exits 3" 3 $?
launch --preset quick --run --surface --directions sideways 2> "$work/err.txt"
check "an unknown --directions exits 2" 2 $?
contains "message names the planes" "minimascope: --directions must be random, eigen or pca" "$work/err.txt"
# The plane named pca needs two snapshots of the path: the run is fine, its surface fails, and
# that is exit 5 of common/ExitCode.h (1 is an internal error).
launch --preset no-steps --run --surface --directions pca 2> "$work/err.txt"
check "a failed --surface exits 5" 5 $?
contains "message says why" "minimascope: the loss surface failed: The run kept fewer than two snapshots" \
  "$work/err.txt"
# The escape toy has one parameter: no plane to draw a surface in, so its 1D loss curve instead.
launch --preset escape-toy-gd --run --surface --screenshot "$work/toy.png" --screenshot-delay 0 2> "$work/err.txt"
check "a one-parameter model's surface is its loss curve: exits 0" 0 $?

launch --preset quick --run --surface --screenshot "$work/quick.png" --screenshot-delay 0 2> "$work/err.txt"
check "a run and its surface exit 0" 0 $?
[ -s "$work/quick.png" ] && [ -s "$work/quick-3d.png" ] && echo "ok: window and 3D pictures saved" \
  || { echo "FAIL: pictures missing: $(cat "$work/err.txt")"; failures=$((failures + 1)); }

# --line and --asymmetry: the line or the scan after the run, the dock pictured on its own too; a
# line the model cannot have (the escape toy is no MLP: no symmetric twin) exits 5 with the reason.
launch --preset quick --run --line sideways 2> "$work/err.txt"
check "an unknown --line exits 2" 2 $?
contains "message names the lines" "minimascope: --line must be scale, interpolate or permutation" "$work/err.txt"
launch --preset quick --run --line permutation --screenshot "$work/twin.png" --screenshot-delay 0 2> "$work/err.txt"
check "a run and its line to the twin exit 0" 0 $?
[ -s "$work/twin.png" ] && [ -s "$work/twin-dock.png" ] && echo "ok: window and line pictures saved" \
  || { echo "FAIL: pictures missing: $(cat "$work/err.txt")"; failures=$((failures + 1)); }
launch --preset escape-toy-gd --run --line permutation --screenshot "$work/toy-twin.png" --screenshot-delay 0 \
  2> "$work/err.txt"
check "the twin of a model that is no MLP exits 5" 5 $?
contains "message says why" "minimascope: the loss line failed: the line to the symmetric twin" "$work/err.txt"
launch --preset quick --run --asymmetry --screenshot "$work/asym.png" --screenshot-delay 0 2> "$work/err.txt"
check "a run and its asymmetry scan exit 0" 0 $?
[ -s "$work/asym-dock.png" ] && echo "ok: the scan's picture saved" \
  || { echo "FAIL: no scan picture: $(cat "$work/err.txt")"; failures=$((failures + 1)); }

echo "$failures failures"
[ "$failures" -eq 0 ]
