#!/usr/bin/env bash
# Every ```python block of docs/exports.md, in order, run with /usr/bin/python3 from a folder that
# holds the outputs the page's commands write (a run, its analysis, two surfaces, its figures and
# a four-point escape-toy study), and what the blocks print checked against the CLI's own output
# and the escape toy's closed forms; the summary and parameters blocks also on a run killed after
# a checkpoint. Fails when the page has no block or a block fails; exits 77 (skipped) when
# /usr/bin/python3 has no NumPy.
# Usage: python_snippets.sh path/to/minimascope-cli
set -uo pipefail
cli="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"   # absolute: the outputs are written from another folder
doc="$(cd "$(dirname "$0")/../.." && pwd)/docs/exports.md"
py=/usr/bin/python3
if ! "$py" -c "import numpy" 2> /dev/null; then
  echo "SKIP: $py cannot import numpy (install python3-numpy)"
  exit 77
fi
work=$(mktemp -d)
trainer=""
trap '[ -n "$trainer" ] && kill -9 "$trainer" 2> /dev/null; rm -rf "$work"' EXIT
. "$(dirname "$0")/checks.sh"
printed() {   # printed "description" text FILE: the exact text is in what the blocks printed
  if [ -z "$2" ]; then echo "FAIL: $1: the CLI printed no value to look for"; failures=$((failures + 1))
  elif grep -qF -- "$2" "$3"; then echo "ok: $1"; else
    echo "FAIL: $1: '$2' not printed (in $(basename "$3"), shown at the end)"; failures=$((failures + 1)); fi
}

# The blocks, one file each, numbered in the page's order.
mkdir "$work/blocks"
awk -v dir="$work/blocks" '/^```python[[:space:]]*$/ { n++; file = sprintf("%s/%02d.py", dir, n); inside = 1; next }
                           inside && /^```/ { inside = 0; next }
                           inside { print > file }' "$doc"
shopt -s nullglob
blocks=("$work"/blocks/*.py)
if [ ${#blocks[@]} -eq 0 ]; then
  echo "FAIL: $doc has no \`\`\`python block"
  exit 1
fi
block_reading() {   # block_reading TEXT: the block whose first line (the files it reads) holds TEXT
  for block in "${blocks[@]}"; do
    if head -n 1 "$block" | grep -qF -- "$1"; then echo "$block"; return; fi
  done
}

# The outputs, at the paths the page uses.
out="$work/out"
mkdir -p "$out"
cd "$out" || exit 1
"$cli" train --preset two-moons-quick --track-every 500 --snapshot-every 500 --out runs/moons --quiet > train.txt 2>&1
check "train the run" 0 $?
"$cli" analyze --run runs/moons --quantities sharpness,non_uniformity,stability,density > analyze.txt 2> /dev/null
check "analyze it" 0 $?
"$cli" landscape --run runs/moons --resolution 21 > landscape.txt 2> /dev/null
check "its random-direction surface" 0 $?
"$cli" landscape --run runs/moons --directions pca --resolution 21 > /dev/null 2>&1
check "its PCA surface and path" 0 $?
figures=yes
"$cli" figures --run runs/moons --formats png > figures.txt 2>&1
status=$?
if [ $status -ne 0 ] && grep -q "needs a build with the GUI libraries" figures.txt; then
  figures=""
else
  check "its figures" 0 $status
fi
# Four points of resources/studies/escape-toy.json (the page runs all 42): seconds, not minutes.
cat > "$work/escape.json" << 'EOF'
{"format": "minimascope-study", "version": 1, "name": "escape-toy", "base": "escape-toy-sgd",
 "grid": {"optimizer.name": ["gd", "sgd"], "optimizer.lr": [0.5, 0.7]},
 "measure": ["sharpness", "non_uniformity", "stability"]}
EOF
"$cli" study run --config "$work/escape.json" --out studies/escape --workers 2 --quiet > /dev/null 2>&1
check "the study" 0 $?
"$cli" study export studies/escape --csv escape.csv > /dev/null
check "its export" 0 $?

# Run every block; a block that fails fails the test.
: > "$work/printed.txt"
for block in "${blocks[@]}"; do
  what=$(head -n 1 "$block")
  if [ -z "$figures" ] && [[ "$what" == *figures/* ]]; then
    echo "skip: block $(basename "$block") ($what): this CLI has no 'figures' (a build without the GUI)"
    continue
  fi
  "$py" "$block" > "$work/block.txt" 2>&1
  status=$?
  check "block $(basename "$block") runs ($what)" 0 $status
  [ $status -eq 0 ] || cat "$work/block.txt"
  cat "$work/block.txt" >> "$work/printed.txt"
done
all="$work/printed.txt"

# The numbers the CLI printed, and the files' sizes, against what the blocks printed.
# train: "finished (loss_below) after 2600 iterations in 0.9 s: train loss 0.000977167, train accuracy 1, ...,
#         sharpness a 0.41875 (2/eta = 10), non-uniformity s 2.8373 -> runs/moons"
outcome=$(sed -n 's/^\([a-z]* ([a-z_]*) after \([0-9]*\) iterations\) in .*/\1/p' train.txt)
iterations=$(sed -n 's/^[a-z]* ([a-z_]*) after \([0-9]*\) iterations in .*/\1/p' train.txt)
loss=$(sed -n 's/.*: train loss \([^,]*\),.*/\1/p' train.txt)
accuracy=$(sed -n 's/.*, train accuracy \([^,]*\),.*/\1/p' train.txt)
a=$(sed -n 's/.*sharpness a \([^ ]*\) .*/\1/p' train.txt)
bound=$(sed -n 's/.*(2\/eta = \([^)]*\)).*/\1/p' train.txt)
s=$(sed -n 's/.*non-uniformity s \([^ ]*\) .*/\1/p' train.txt)
evaluations=$(($(wc -l < runs/moons/metrics.csv) - 1))
measurements=$(($(wc -l < runs/moons/curvature.csv) - 1))
parameters=$(grep -o '([0-9]* parameters)' runs/moons/summary.json | tr -dc 0-9)
tensors=$(ls runs/moons/parameters/*.npy | wc -l)
printed "summary.json: the outcome and final loss train printed" "$outcome: train loss $loss, train accuracy $accuracy" "$all"
printed "config.json: the optimizer" "sgd, eta = 0.2, B = 10 of n = 200 (shuffle)" "$all"
printed "metrics.csv: every row, the last one the final loss" \
  "$evaluations evaluations; the last at iteration $iterations: train loss $loss" "$all"
printed "curvature.csv: the last a and s are those train printed" "iteration $iterations: a = $a (2/eta = $bound), s = $s" "$all"
check "curvature.csv: one line a measurement" "$measurements" "$(grep -c '^iteration [0-9]*: a = ' "$all")"
printed "parameters/: the model's parameter count" "$parameters parameters in $tensors tensors" "$all"
snapshots=0
for folder in runs/moons/snapshots/iter_*; do
  printed "snapshots/: ${folder##*/}" "snapshot $((10#${folder##*_})): |theta - theta_final| = " "$all"
  snapshots=$((snapshots + 1))
done
check "snapshots/: one line a snapshot" "$snapshots" "$(grep -c '^snapshot ' "$all")"

# analyze: "sharpness a      0.41875  (residual ...)", "non-uniformity s 2.8373 ...",
#          "stability ... -> stable for eta = 0.2, B = 10 drawn ... (bounds: a <= 10, s <= 16.18)"
analysis_a=$(awk '/^sharpness a/ { print $3 }' analyze.txt)
analysis_s=$(awk '/^non-uniformity s/ { print $3 }' analyze.txt)
verdict=$(sed -n 's/^stability .* -> \([a-z]*\) for eta = \([^,]*\), B = \([0-9]*\) drawn \(.*\) (bounds: \(.*\))$/\1 for eta = \2, B = \3 drawn \4: \5/p' analyze.txt)
density_points=$(awk '/^density/ { print $2 }' analyze.txt)
printed "analysis.json: a" "sharpness a = $analysis_a (residual" "$all"
printed "analysis.json: s" "non-uniformity s = $analysis_s" "$all"
printed "analysis.json: the verdict and its bounds" "$verdict" "$all"
printed "analysis.json: the spectral density integrates to 1" "integrates to 1.000" "$all"

# landscape: "finished after 0.12 s: 21 x 21 grid, loss 0.000977167 at (0, 0)"
grid=$(sed -n 's/.*: \([0-9]* x [0-9]* grid\), loss .*/\1/p' landscape.txt)
centre=$(sed -n 's/.* grid, loss \([^ ]*\) at (\(.*\))$/loss \1 at (alpha, beta) = (\2)/p' landscape.txt)
centre_loss=$(sed -n 's/.* grid, loss \([^ ]*\) at .*/\1/p' landscape.txt)
check "landscape: the grid of --resolution 21" "21 x 21 grid" "$grid"
printed "surface .npy: the sidecar's shape" "float64 (3, 21, 21): float64 [3, beta points, alpha points]" "$all"
printed "surface .npy + .json: the centre's loss on the sidecar's axes" "$grid: $centre" "$all"
printed "surface .csv: a row a point, the centre's loss" "441 rows; at (0, 0): loss $centre_loss" "$all"
printed "surface .vts: rows x cols points and the arrays" "441 points (21 x 21), arrays loss, log10_loss, accuracy" "$all"
printed "surface .vts: the centre's loss and height" "$centre, height $centre_loss" "$all"
first_loss=$(awk -F, 'NR == 2 { printf "%.6g", $5 }' runs/moons/metrics.csv)
start=$(grep '^path at iteration 0: ' "$all")
check "trajectory .vtp: it starts at iteration 0 with the first evaluation's loss" "loss $first_loss" "${start##*, }"
check "trajectory .vtp: one point a snapshot" "$snapshots" "$(grep -c '^path at iteration ' "$all")"

if [ -n "$figures" ]; then
  printed "figures/loss.csv: every evaluation" "loss.csv: $evaluations evaluations, the last train loss $loss" "$all"
  printed "figures/stability.csv: every measurement" "stability.csv: $measurements (a, s) points, the last ($a, $s)" "$all"
  printed "figures/spectrum.csv: analyze's density and sharpness" \
    "spectrum.csv: $density_points density points, top eigenvalue $analysis_a" "$all"
fi

# The escape toy (SCIENCE.md): both minima have a = 2; x = 1 has s = 1.8, x = 0 has s = 0. GD
# stays at x = 1; SGD (B = 1 of n = 2) leaves it once 1.8 > 1/eta, here at eta = 0.7 only.
printed "study CSV: GD at eta 0.5" "gd eta = 0.5: mean a = 2, mean s = 1.8 over 1 converged runs (stable)" "$all"
printed "study CSV: GD at eta 0.7" "gd eta = 0.7: mean a = 2, mean s = 1.8 over 1 converged runs (stable)" "$all"
printed "study CSV: SGD at eta 0.5 stays" "sgd eta = 0.5: mean a = 2, mean s = 1.8 over 1 converged runs (stable)" "$all"
printed "study CSV: SGD at eta 0.7 escapes" "sgd eta = 0.7: mean a = 2, mean s = 0 over 1 converged runs (stable)" "$all"
printed "study.sqlite: the states" "runs by state: {'done': 4}" "$all"
check "study.sqlite: three run folders read" 3 "$(grep -c '^[a-z]* eta = [0-9.]*: [0-9]* iterations, train loss ' "$all")"

# A run killed after a checkpoint: the same blocks read it as incomplete, from its checkpoint.
killed="$work/killed"
mkdir -p "$killed/runs"
"$cli" train --preset two-moons-quick --max-iterations 100000000 --loss-below 0 --checkpoint-every 0.2 \
  --out "$killed/runs/moons" --quiet > /dev/null 2>&1 &
trainer=$!
for _ in $(seq 1 300); do
  grep -q '"checkpoint"' "$killed/runs/moons/summary.json" 2> /dev/null && break
  sleep 0.1
done
kill -9 "$trainer"
wait "$trainer" 2> /dev/null
trainer=""
"$cli" analyze --run "$killed/runs/moons" --quantities sharpness > /dev/null 2> "$work/killed.txt"
check "analyze refuses the killed run" 2 $?
checkpoint=$(sed -n 's/.*its last checkpoint is at iteration \([0-9]*\).*/\1/p' "$work/killed.txt")
test -n "$checkpoint"; check "... naming its last checkpoint" 0 $?
summary_block=$(block_reading "runs/moons/summary.json")
parameters_block=$(block_reading "runs/moons/parameters/")
test -n "$summary_block" -a -n "$parameters_block"
check "the page has the summary and parameters blocks" 0 $?
cd "$killed" || exit 1
"$py" "$summary_block" > "$work/killed_printed.txt" 2>&1
check "the summary block on the killed run" 0 $?
"$py" "$parameters_block" >> "$work/killed_printed.txt" 2>&1
check "the parameters block on the killed run" 0 $?
printed "summary.json says incomplete" "is still training (or was killed)" "$work/killed_printed.txt"
printed "parameters: the checkpoint analyze names" \
  "runs/moons is incomplete: reading its checkpoint at iteration $checkpoint" "$work/killed_printed.txt"
printed "parameters: all of them" "$parameters parameters in $tensors tensors" "$work/killed_printed.txt"

if [ "$failures" -ne 0 ]; then
  echo "--- what the blocks printed:"; cat "$all"
  echo "--- on the killed run:"; cat "$work/killed_printed.txt"
fi
echo "$failures failures"
[ "$failures" -eq 0 ]
