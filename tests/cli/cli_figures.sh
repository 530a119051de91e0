#!/usr/bin/env bash
# Curvature tracking in 'train' and headless figures: the escape toy's GD run ends at the
# minimum x = 1, where docs/science.md ("The escape toy") gives a = 2 and s = 1.8 exactly; 'figures'
# plots those numbers.
# Usage: cli_figures.sh path/to/minimascope-cli
set -uo pipefail
cli="$1"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$(dirname "$0")/checks.sh"

# Tolerances. The tracker certifies a and s to a relative residual of 1e-3: 2e-3 absolute near 2.
tracked_tolerance=2e-3
# A config value written back into a figure's data: decimal printing only.
config_value_tolerance=1e-12
# The same measurement in two CSV files, each printed to at least nine significant digits.
printed_tolerance=1e-6
# A closed-form bound in double, printed in the figures' summary.
closed_form_tolerance=1e-8
# x is float32: x - 1 carries about one ulp of 1 (1.2e-7) of rounding, doubled in 2 (x - 1).
toy_gradient_tolerance=5e-7
# Every analysis of a constant Hessian certifies its eigenvalues to 1e-3 relative.
spectrum_rel_tolerance=1e-3
png_size() {   # width x height from the PNG header (IHDR: big-endian at bytes 16 and 20)
  od -An -tu1 -j16 -N8 "$1" | awk '{ printf "%dx%d", $1*16777216 + $2*65536 + $3*256 + $4, $5*16777216 + $6*65536 + $7*256 + $8 }'
}

"$cli" train --preset escape-toy-gd --out "$work/gd" --track-every 50 --quiet > "$work/gd.txt"; check "tracked GD run exits 0" 0 $?
[ -f "$work/gd/curvature.csv" ] && echo "ok: curvature.csv written" || { echo "FAIL: no curvature.csv"; failures=$((failures + 1)); }
last=$(tail -n 1 "$work/gd/curvature.csv")
# The minimum's curvatures are exact (per-example 0.2 and 3.8).
near "sharpness at x = 1" 2 "$(echo "$last" | cut -d, -f2)" "$tracked_tolerance"
near "non-uniformity at x = 1" 1.8 "$(echo "$last" | cut -d, -f4)" "$tracked_tolerance"
contains "summary line reports a" "sharpness a 2" "$work/gd.txt"

"$cli" figures --run "$work/gd" --size 640x480 > "$work/fig.txt"; check "figures exits 0" 0 $?
for f in loss stability sharpness spectrum; do
  for ext in png svg pdf csv; do
    [ -s "$work/gd/figures/$f.$ext" ] && echo "ok: $f.$ext" || { echo "FAIL: $f.$ext missing"; failures=$((failures + 1)); }
  done
done
check "PNG has the requested size" 640x480 "$(png_size "$work/gd/figures/stability.png")"
head -c 4 "$work/gd/figures/figure-sheet.pdf" | grep -q '%PDF' && echo "ok: figure sheet is a PDF" || { echo "FAIL: figure sheet"; failures=$((failures + 1)); }
contains "SVG is SVG" "<svg" "$work/gd/figures/loss.svg"
# The stability diagram's data: eta 0.7 and B = n = 2 from the run, the last (a, s) as measured.
row=$(grep '^trajectory' "$work/gd/figures/stability.csv" | tail -n 1)
near "diagram eta" 0.7 "$(echo "$row" | cut -d, -f3)" "$config_value_tolerance"
check "diagram batch size" 2 "$(echo "$row" | cut -d, -f4)"
near "diagram a" "$(echo "$last" | cut -d, -f2)" "$(echo "$row" | cut -d, -f5)" "$printed_tolerance"
near "diagram s" "$(echo "$last" | cut -d, -f4)" "$(echo "$row" | cut -d, -f6)" "$printed_tolerance"

# The bounds are those of the examples the run trained on: blobs of 3 classes, n = 300 in the
# config, classes 0 and 1 kept, so 200 examples; B = 10 subsets, eta = 0.2:
# sqrt(10 * 199 / 190) / 0.2 (with the config's n = 300 it would be 16.0548628).
cat > "$work/blobs.json" <<EOF
{"dataset": {"name": "blobs", "n": 300, "test_n": 0, "classes": [0, 1]}, "model": {"kind": "mlp", "widths": [8]},
 "optimizer": {"name": "sgd", "lr": 0.2, "batch_size": 10, "sampling": "subset"}, "stop": {"max_iterations": 20}}
EOF
"$cli" train --config "$work/blobs.json" --out "$work/blobs" --quiet > /dev/null; check "filtered run exits 0" 0 $?
"$cli" figures --run "$work/blobs" --formats png > "$work/fig.txt"; check "its figures exit 0" 0 $?
contains "bounds for the n trained on" "B = 10 of n = 200 drawn without replacement" "$work/fig.txt"
near "s bound for n = 200" 16.18153593646653 "$(grep -o 's <= [0-9.]*' "$work/fig.txt" | cut -d' ' -f3)" "$closed_form_tolerance"

# The gradient norm (schedule.gradient_norm): GD at eta 0.7 from x0 = 0.99 has x_k - 1 = -0.01 (-0.4)^k
# on the toy's mean loss (x - 1)^2, so |grad| = 0.02 * 0.4^k at every iteration k.
"$cli" train --preset escape-toy-gd --set schedule.gradient_norm=true --max-iterations 5 --out "$work/norm" --quiet > /dev/null
check "GD run with gradient norms exits 0" 0 $?
[ ! -e "$work/gd/figures/gradient-norm.png" ] && echo "ok: no gradient-norm figure for a run without them" || { echo "FAIL: gradient-norm.png of a run without gradient norms"; failures=$((failures + 1)); }
"$cli" figures --run "$work/norm" --formats png > /dev/null; check "its figures exit 0" 0 $?
[ -s "$work/norm/figures/gradient-norm.png" ] && echo "ok: gradient-norm.png" || { echo "FAIL: gradient-norm.png missing"; failures=$((failures + 1)); }
near "gradient norm at iteration 0" 0.02 "$(grep '^train,0,' "$work/norm/figures/gradient-norm.csv" | cut -d, -f3)" "$toy_gradient_tolerance"
near "gradient norm at iteration 3" 0.00128 "$(grep '^train,3,' "$work/norm/figures/gradient-norm.csv" | cut -d, -f3)" "$toy_gradient_tolerance"
near "metrics.csv holds the same" 0.00128 "$(grep '^3,' "$work/norm/metrics.csv" | cut -d, -f9)" "$toy_gradient_tolerance"

# Spectra through training (analyze --snapshots): a linear least-squares model's Hessian is constant
# (a multiple of X^T X for each output), so every snapshot's top eigenvalues are the same.
cat > "$work/linear.json" <<EOF
{"dataset": {"name": "teacher-student", "n": 200, "test_n": 0, "input_dim": 10}, "model": {"kind": "mlp", "widths": []},
 "optimizer": {"name": "gd", "lr": 0.05}, "stop": {"max_iterations": 50, "loss_below": 0}, "schedule": {"snapshot_every": 20}}
EOF
"$cli" train --config "$work/linear.json" --out "$work/linear" --quiet > /dev/null; check "linear run exits 0" 0 $?
"$cli" analyze --run "$work/linear" --snapshots --quantities sharpness,density --top-k 3 > /dev/null 2>&1
check "analyze --snapshots exits 0" 0 $?
check "one analysis a snapshot (0, 20, 40) and the end (50)" "iter_00000000.json iter_00000020.json iter_00000040.json iter_00000050.json" "$(cd "$work/linear/spectra" && echo *)"
/usr/bin/python3 - "$work/linear/spectra" "$spectrum_rel_tolerance" > "$work/linear.checks" <<'PY'
import glob, json, math, sys
rel_tol = float(sys.argv[2])
reports = [json.load(open(f)) for f in sorted(glob.glob(sys.argv[1] + "/iter_*.json"))]
first = [e["value"] for e in reports[0]["top_eigenvalues"]]
print(("ok" if len(first) == 3 and first[0] > first[1] > first[2] > 0 else "FAIL") + f": three distinct top eigenvalues {first}")
for r in reports:
    top = [e["value"] for e in r["top_eigenvalues"]]
    same = all(math.isclose(x, y, rel_tol=rel_tol) for x, y in zip(top, first))
    print(("ok" if same and len(r["density"]["grid"]) > 2 else "FAIL") + f": iteration {r['iteration']}: {top} with a density")
PY
cat "$work/linear.checks"; failures=$((failures + $(grep -c '^FAIL' "$work/linear.checks")))
"$cli" figures --run "$work/linear" --formats png > /dev/null; check "its figures exit 0" 0 $?
for f in spectra-over-training top-eigenvalues-over-training; do
  [ -s "$work/linear/figures/$f.png" ] && echo "ok: $f.png" || { echo "FAIL: $f.png missing"; failures=$((failures + 1)); }
done
check "the density figure has a curve per iteration" 4 "$(tail -n +2 "$work/linear/figures/spectra-over-training.csv" | cut -d, -f1 | sort -u | wc -l)"
"$cli" analyze --run "$work/gd" --snapshots 2> "$work/bad.txt"; check "--snapshots without snapshots exits 2" 2 $?
contains "the message says how to get them" "--snapshot-every" "$work/bad.txt"

"$cli" figures --run "$work/gd" --formats png,bmp 2> "$work/bad.txt"; check "unknown format exits 2" 2 $?
contains "message names the format" "bmp" "$work/bad.txt"
"$cli" figures --run "$work/nothing" 2> "$work/bad.txt"; check "missing run exits 2" 2 $?
contains "message says it is no run" "nothing is not a run folder" "$work/bad.txt"
"$cli" figures --run "$work/gd" --surface "$work/none.vts" 2> "$work/bad.txt"; check "missing surface exits 2" 2 $?
contains "message names the surface file" "none.vts" "$work/bad.txt"
"$cli" figures --run "$work/gd" --out "$work/gd/config.json/x" 2> "$work/bad.txt"; check "unwritable output exits 2" 2 $?

echo "$failures failures"
[ "$failures" -eq 0 ]
