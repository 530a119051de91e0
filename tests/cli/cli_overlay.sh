#!/usr/bin/env bash
# Several runs on one figure (figures --overlay) and the curve along the weight vector
# (landscape --directions scale): two re-runs of a linear least-squares model from different
# initializations. Its loss is quadratic in the weights, so L(alpha theta) is a parabola in alpha;
# the overlay's CSV must hold exactly each run's own landscape curve and analysis density.
# Usage: cli_overlay.sh path/to/minimascope-cli
set -uo pipefail
cli="$1"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$(dirname "$0")/checks.sh"

cat > "$work/linear.json" <<EOF
{"dataset": {"name": "teacher-student", "n": 200, "test_n": 0, "input_dim": 10}, "model": {"kind": "mlp", "widths": []},
 "optimizer": {"name": "gd", "lr": 0.05}, "stop": {"max_iterations": 40, "loss_below": 0}, "schedule": {"snapshot_at": [0]}}
EOF
# The second run on fewer examples: another Hessian, so that a mix-up of the runs' spectra shows.
for seed in 0 1; do
  "$cli" train --config "$work/linear.json" --set seed=$seed --set dataset.n=$((200 - 80 * seed)) --out "$work/s$seed" \
    --quiet > /dev/null
  check "run of seed $seed exits 0" 0 $?
  "$cli" landscape --run "$work/s$seed" --directions scale --resolution 21 --quiet > "$work/scale$seed.txt"
  check "scale curve of seed $seed exits 0" 0 $?
  "$cli" landscape --run "$work/s$seed" --params "$work/s$seed/snapshots/iter_00000000" --to "$work/s$seed/parameters" \
    --directions interpolate --resolution 21 --out "$work/s$seed/landscape_init_final" --quiet > /dev/null
  check "init-to-final interpolation of seed $seed exits 0" 0 $?
done
contains "the lowest point is reported" "lowest loss along alpha theta" "$work/scale0.txt"
# Seed 0 through spectra/ (a snapshot and the end), seed 1 through analysis.json.
"$cli" analyze --run "$work/s0" --snapshots --quantities sharpness,density --top-k 2 > /dev/null 2>&1
check "analyze --snapshots of seed 0 exits 0" 0 $?
"$cli" analyze --run "$work/s1" --quantities sharpness,density --top-k 2 > /dev/null 2>&1
check "analyze of seed 1 exits 0" 0 $?

"$cli" figures --overlay "$work/s0" --overlay "$work/s1/" --label "seed 0" --label s1 --curve landscape_scale \
  --curve landscape_init_final --spectra --out "$work/overlay" --formats png,svg > "$work/overlay.txt"
check "figures --overlay exits 0" 0 $?
for f in landscape_scale landscape_init_final spectra; do
  for ext in png svg csv; do
    [ -s "$work/overlay/$f.$ext" ] && echo "ok: $f.$ext" || { echo "FAIL: $f.$ext missing"; failures=$((failures + 1)); }
  done
done
contains "the runs' lowest points are printed" "seed 0 .*lowest loss" "$work/overlay.txt"
# Without --label, each run is named after its folder (a trailing slash too).
"$cli" figures --overlay "$work/s0" --overlay "$work/s1/" --curve landscape_scale --out "$work/named" --formats png \
  > "$work/named.txt"
check "figures --overlay without --label exits 0" 0 $?
check "the curves are named after the folders" "s0 s1" "$(tail -n +2 "$work/named/landscape_scale.csv" | cut -d, -f1 | sort -u | xargs)"

/usr/bin/python3 - "$work" > "$work/overlay.checks" <<'PY'
import csv, glob, json, sys
work = sys.argv[1]
def landscape(path):   # [(alpha, loss)] of a landscape's CSV
    return [(float(r["alpha"]), float(r["loss"])) for r in csv.DictReader(open(path))]
def overlay(path):     # curve -> [(x, y)] of an overlay's CSV (None = not drawn)
    curves = {}
    for r in csv.DictReader(open(path)):
        curves.setdefault(r["curve"], []).append((float(r["x"]), float(r["y"]) if r["y"] else None))
    return curves
def say(ok, what):
    print(("ok" if ok else "FAIL") + ": " + what)
for name in ("landscape_scale", "landscape_init_final"):
    drawn = overlay(f"{work}/overlay/{name}.csv")
    say(sorted(drawn) == ["s1", "seed 0"], f"{name}: one curve a run {sorted(drawn)}")
    for label, run in (("seed 0", "s0"), ("s1", "s1")):
        say(drawn.get(label) == landscape(f"{work}/{run}/{name}.csv"), f"{name}: the curve of {label} is {run}'s own, exactly")
# The two runs differ (else the check above could not tell them apart).
say(landscape(f"{work}/s0/landscape_scale.csv") != landscape(f"{work}/s1/landscape_scale.csv"), "the runs' curves differ")
# A linear model's squared loss is quadratic in the weights: L(alpha theta) = a alpha^2 + b alpha + c.
for run in ("s0", "s1"):
    points = landscape(f"{work}/{run}/landscape_scale.csv")
    say(len(points) == 21 and points[0][0] == 0.0 and points[-1][0] == 2.0, f"{run}: 21 points over [0, 2]")
    (x0, y0), (x1, y1), (x2, y2) = points[0], points[10], points[20]
    a = ((y2 - y0) / (x2 - x0) - (y1 - y0) / (x1 - x0)) / (x2 - x1)
    b = (y1 - y0) / (x1 - x0) - a * (x0 + x1)
    worst = max(abs(y - (a * x * x + b * x + y0)) / max(1.0, abs(y)) for x, y in points)
    say(a > 0 and worst < 1e-5, f"{run}: the curve is a parabola (a = {a:.4g}, largest relative misfit {worst:.2g})")
    side = json.load(open(f"{work}/{run}/landscape_scale.json"))
    lowest = min(points, key=lambda p: p[1])
    say(side["directions"] == "scale" and side["lowest"]["alpha"] == lowest[0] and side["lowest"]["loss"] == lowest[1],
        f"{run}: the sidecar's lowest point {side['lowest']}")
# The spectra figure: seed 0's last analysis in spectra/ and seed 1's analysis.json, each its own density.
drawn = overlay(f"{work}/overlay/spectra.csv")
reports = {"s0": json.load(open(sorted(glob.glob(f"{work}/s0/spectra/iter_*.json"))[-1])),
           "s1": json.load(open(f"{work}/s1/analysis.json"))}
say(reports["s0"]["top_eigenvalues"][0]["value"] != reports["s1"]["top_eigenvalues"][0]["value"], "the runs' spectra differ")
for label, run in (("seed 0", "s0"), ("s1", "s1")):
    report = reports[run]
    name = [c for c in drawn if c.startswith(label + " (")]
    say(len(name) == 1 and f"{report['top_eigenvalues'][0]['value']:.4g}" in name[0], f"spectra: {run} is named with its lambda1: {name}")
    if name:
        grid, density = report["density"]["grid"], report["density"]["density"]
        peak = max(density)
        same = [x for x, _ in drawn[name[0]]] == grid and all(
            y == d if y is not None else d < 1e-8 * peak for (_, y), d in zip(drawn[name[0]], density))
        say(same, f"spectra: {run}'s curve is its report's density (cut below 1e-8 of the peak)")
PY
cat "$work/overlay.checks"; failures=$((failures + $(grep -c '^FAIL' "$work/overlay.checks")))
[ -s "$work/overlay.checks" ] || { echo "FAIL: the Python checks printed nothing"; failures=$((failures + 1)); }

# Bad input: each refused with exit 2 and a message that names the problem; nothing written.
"$cli" figures --overlay "$work/s0" --out "$work/o2" 2> "$work/bad.txt"; check "overlay without --curve or --spectra exits 2" 2 $?
contains "message says what to draw" "--curve NAME and/or --spectra" "$work/bad.txt"
"$cli" figures --overlay "$work/s0" --curve landscape_scale 2> "$work/bad.txt"; check "overlay without --out exits 2" 2 $?
"$cli" figures --overlay "$work/s0" --overlay "$work/s1" --label one --curve landscape_scale --out "$work/o2" 2> "$work/bad.txt"
check "one --label for two runs exits 2" 2 $?
"$cli" figures --overlay "$work/s0" --curve landscape_random --out "$work/o2" 2> "$work/bad.txt"; check "a missing curve exits 2" 2 $?
contains "message names the file" "landscape_random.vts" "$work/bad.txt"
"$cli" landscape --run "$work/s0" --resolution 5 --out "$work/s0/plane" --quiet > /dev/null
"$cli" figures --overlay "$work/s0" --curve plane --out "$work/o2" 2> "$work/bad.txt"; check "a surface is not a curve: exit 2" 2 $?
contains "message says it is a surface" "not a curve" "$work/bad.txt"
"$cli" figures --overlay "$work/s1" --spectra --spectra-at 5 --out "$work/o2" 2> "$work/bad.txt"; check "--spectra-at without spectra/ exits 2" 2 $?
"$cli" figures --run "$work/s0" --spectra 2> "$work/bad.txt"; check "--spectra without --overlay exits 2" 2 $?
[ ! -e "$work/o2" ] && echo "ok: nothing written on bad input" || { echo "FAIL: $work/o2 written"; failures=$((failures + 1)); }

echo "$failures failures"
[ "$failures" -eq 0 ]
