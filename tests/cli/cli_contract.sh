#!/usr/bin/env bash
# The command-line contract of minimascope-cli: exit codes, messages, the run folder, and that
# a run folder's config.json reproduces the run. Usage: cli_contract.sh path/to/minimascope-cli
set -uo pipefail
cli="$1"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$(dirname "$0")/checks.sh"

# Tolerances. The escape toy's a and s at its minima are exact on its one-parameter quadratic
# pieces: the measurement is off by double rounding and the sqrt of a rounding-level lambda(Sigma).
toy_curvature_tolerance=1e-6
# The Theorem's lambda_max from those a and s at a float32 x = 1: far inside 1e-4 of the closed form.
lambda_max_tolerance=1e-4
# The s bound is a closed form evaluated in double: rounding only.
closed_form_tolerance=1e-9
# With noise 0 the teacher's loss is 0 up to the float32 rounding of its targets (~1e-14).
teacher_loss_bound=1e-10

"$cli" --help > "$work/help.txt"; check "--help exits 0" 0 $?
contains "--help lists exit codes" "Exit codes" "$work/help.txt"
"$cli" presets > "$work/presets.txt"; check "presets exits 0" 0 $?
contains "presets lists the GD preset" "gd-fashion-mnist" "$work/presets.txt"
contains "presets describe themselves" "escape-toy-sgd *SGD" "$work/presets.txt"

# Conventions (CLI11): --version, help per command, --opt=value, typo suggestions, --json.
"$cli" --version > "$work/version.txt"; check "--version exits 0" 0 $?
contains "--version names the version" "^minimascope-cli [0-9][0-9.]*$" "$work/version.txt"
"$cli" train --help > "$work/train-help.txt"; check "train --help exits 0" 0 $?
contains "train --help lists --lr" "--lr X" "$work/train-help.txt"
if grep -q -- "--quantities" "$work/train-help.txt"; then echo "FAIL: train --help shows analyze's options"; failures=$((failures + 1))
else echo "ok: train --help shows only train's options"; fi
"$cli" help analyze > "$work/analyze-help.txt"; check "help analyze exits 0" 0 $?
contains "help analyze is analyze's" "--quantities" "$work/analyze-help.txt"
"$cli" --help-all > "$work/help-all.txt"; check "--help-all exits 0" 0 $?
contains "--help-all has every command" "study run" "$work/help-all.txt"
"$cli" trian --preset escape-toy-gd 2> "$work/typo.txt"; check "a misspelt command exits 2" 2 $?
contains "it suggests the command" "did you mean 'train'" "$work/typo.txt"
"$cli" train --preset escape-toy-gd --lrr 0.1 2> "$work/typo.txt"; check "a misspelt option exits 2" 2 $?
contains "it suggests the option" "did you mean '--lr'" "$work/typo.txt"
"$cli" analyze --run "$work/none" --quiet --verbose 2> "$work/qv.txt"; check "--quiet with --verbose exits 2" 2 $?
"$cli" train --preset=escape-toy-sgd --lr=0.7 --out="$work/json" --track-at-end --json --quiet > "$work/train.json"
check "train --json exits 0" 0 $?
/usr/bin/python3 - "$work/train.json" "$toy_curvature_tolerance" <<'PY'; check "train --json prints one JSON object with the run's a and s" 0 $?
import json, sys
summary = json.load(open(sys.argv[1]))
tolerance = float(sys.argv[2])
assert summary["status"] == "finished" and summary["exit_code"] == 0, summary
a, s = summary["curvature"]["sharpness"], summary["curvature"]["non_uniformity"]
assert abs(a - 2.0) < tolerance and abs(s) < tolerance, f"a = {a!r} (expected 2), s = {s!r} (expected 0), +- {tolerance}"
PY
"$cli" analyze --run "$work/json" --json > "$work/analyze.json" 2> /dev/null; check "analyze --json exits 0" 0 $?
/usr/bin/python3 -c 'import json, sys; a = json.load(open(sys.argv[1]))["sharpness"]["value"]; t = float(sys.argv[2]); assert abs(a - 2) < t, f"a = {a!r}, expected 2 +- {t}"' \
  "$work/analyze.json" "$toy_curvature_tolerance"; check "analyze --json is the analysis" 0 $?
"$cli" landscape --run "$work/json" --resolution 5 --json --quiet > "$work/landscape.json"; check "landscape --json exits 0" 0 $?
/usr/bin/python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert len(d["files"]) == 4 and d["alpha"]["points"] == 5, d' \
  "$work/landscape.json"; check "landscape --json lists the files and the axes" 0 $?
"$cli" analyze --run "$work/none" --json > "$work/error.json" 2> /dev/null; check "a failing --json command exits 2" 2 $?
contains "and still prints JSON with the error" '"exit_code": 2' "$work/error.json"

"$cli" train --preset escape-toy-gd --out "$work/gd" --quiet > "$work/gd.txt"; check "GD on the escape toy finishes" 0 $?
for f in config.json metrics.csv summary.json parameters/index.json parameters/x.npy; do
  [ -f "$work/gd/$f" ] && echo "ok: run folder has $f" || { echo "FAIL: run folder lacks $f"; failures=$((failures + 1)); }
done
contains "summary says finished" '"status": "finished"' "$work/gd/summary.json"
head -c 6 "$work/gd/parameters/x.npy" | od -c | grep -q 'N   U   M   P   Y' && echo "ok: x.npy is npy" || { echo "FAIL: x.npy magic"; failures=$((failures + 1)); }

# The folder's config.json reruns the same run: identical metrics apart from wall time and run id.
"$cli" train --config "$work/gd/config.json" --out "$work/gd2" --quiet > /dev/null; check "rerun from config.json" 0 $?
cut -d, -f1,2,4-8 "$work/gd/metrics.csv" > "$work/a.csv"; cut -d, -f1,2,4-8 "$work/gd2/metrics.csv" > "$work/b.csv"
cmp -s "$work/a.csv" "$work/b.csv"; check "rerun gives identical metrics" 0 $?
cmp -s "$work/gd/parameters/x.npy" "$work/gd2/parameters/x.npy"; check "rerun gives identical parameters" 0 $?

# analyze tests stability for the run's own batch draw. The GD run ended at x = 1 (a = 2, s = 1.8):
# as GD (B = n = 2, no noise) the Theorem's lambda_max is (1 - 0.7 * 2)^2 = 0.16 with no s bound;
# read as SGD drawing B = 2 indices with replacement (c = 1/2) it is 0.16 + 0.49 * 3.24 / 2 = 0.9538,
# still stable, and s <= sqrt(2) / 0.7.
json_number() {   # json_number key file: the first number under "key"
  grep -o "\"$1\": [-0-9.e+]*" "$2" | head -n 1 | awk '{ print $2 }'
}
"$cli" analyze --run "$work/gd" --quantities stability > "$work/an.txt"; check "analyze of GD exits 0" 0 $?
contains "GD is tested without replacement" "B = 2 drawn without replacement" "$work/an.txt"
near "GD lambda_max" 0.16 "$(json_number lambda_max "$work/gd/analysis.json")" "$lambda_max_tolerance"
contains "GD has no s bound" '"non_uniformity_bound": null' "$work/gd/analysis.json"
cp -r "$work/gd" "$work/replacement"
sed -i -e 's/"name": "gd"/"name": "sgd"/' -e 's/"sampling": "[a-z]*"/"sampling": "replacement"/' \
  -e 's/"batch_size": [0-9]*/"batch_size": 2/' "$work/replacement/config.json"
"$cli" analyze --run "$work/replacement" --quantities stability > "$work/an.txt"
check "analyze with replacement exits 0" 0 $?
contains "verdict names the draw" "stable for eta = 0.7, B = 2 drawn with replacement" "$work/an.txt"
contains "analysis.json names the draw" '"batch_draw": "with replacement"' "$work/replacement/analysis.json"
near "lambda_max with replacement" 0.9538 "$(json_number lambda_max "$work/replacement/analysis.json")" "$lambda_max_tolerance"
near "s bound with replacement" 2.0203050891044216 \
  "$(json_number non_uniformity_bound "$work/replacement/analysis.json")" "$closed_form_tolerance"

# A folder holds one run: training into it again is refused unless --overwrite, which replaces it.
"$cli" train --preset escape-toy-gd --out "$work/gd2" --quiet 2> "$work/again.txt"; check "a second run into a run folder exits 2" 2 $?
contains "the refusal names --overwrite" "pass --overwrite" "$work/again.txt"
old_id=$(grep -o '"run_id": "[0-9a-f]*"' "$work/gd2/summary.json")
"$cli" train --preset escape-toy-gd --out "$work/gd2" --overwrite --quiet > /dev/null; check "--overwrite replaces the run" 0 $?
new_id=$(grep -o '"run_id": "[0-9a-f]*"' "$work/gd2/summary.json")
[ "$old_id" != "$new_id" ] && echo "ok: the overwritten folder has a new run id" || { echo "FAIL: run id unchanged"; failures=$((failures + 1)); }

"$cli" train --preset escape-toy-gd --out "$work/bad" --set optimizer.lrr=1 2> "$work/bad.txt"; check "unknown key exits 2" 2 $?
contains "message names the key" "optimizer.lrr" "$work/bad.txt"
[ ! -e "$work/bad" ] && echo "ok: a rejected config creates no folder" || { echo "FAIL: $work/bad was created"; failures=$((failures + 1)); }
"$cli" train --preset escape-toy-gd --out "$work/bad" --lr -1 2> "$work/bad.txt"; check "negative lr exits 2" 2 $?
contains "message names lr" "optimizer.lr" "$work/bad.txt"
echo '{"seed": ' > "$work/broken.json"
"$cli" train --config "$work/broken.json" --out "$work/bad" 2> "$work/bad.txt"; check "broken JSON exits 2" 2 $?
contains "message names the file" "broken.json" "$work/bad.txt"
"$cli" train --preset escape-toy-gd --out "$work/gd/config.json/sub" 2> "$work/bad.txt"; check "unwritable output exits 2" 2 $?
"$cli" train --preset sgd-fashion-mnist --set dataset.path="$work" --out "$work/nodata" 2> "$work/bad.txt"; check "missing data exits 2" 2 $?
contains "message names the missing file" "train-images" "$work/bad.txt"
"$cli" frobnicate 2> /dev/null; check "unknown command exits 2" 2 $?

"$cli" train --preset escape-toy-gd --out "$work/div" --lr 100 --quiet > "$work/div.txt"; check "huge lr diverges with exit 3" 3 $?
contains "summary says diverged" '"status": "diverged"' "$work/div/summary.json"

# SIGINT stops a long run cleanly, writes the folder and exits 4.
"$cli" train --preset two-moons-quick --out "$work/int" --max-iterations 100000000 --loss-below 0 --quiet > /dev/null &
pid=$!
# config.json is written after the handler is installed; a SIGINT before that would be lost
# (a script's background jobs start with SIGINT ignored), so wait for it, not for a fixed time.
for _ in $(seq 600); do [ -f "$work/int/config.json" ] && break; sleep 0.1; done
sleep 1
kill -INT $pid
wait $pid; check "SIGINT exits 4" 4 $?
contains "summary says cancelled" '"status": "cancelled"' "$work/int/summary.json"

# asymmetry: the asymmetric-valley scan at a run's minimum writes its JSON and CSV.
"$cli" train --preset two-moons-quick --out "$work/moons" --max-iterations 200 --quiet > /dev/null
"$cli" asymmetry --run "$work/moons" --count 2 > "$work/asym.txt" 2>&1; check "asymmetry exits 0" 0 $?
[ -s "$work/moons/asymmetry.json" ] && [ -s "$work/moons/asymmetry.csv" ] && echo "ok: asymmetry wrote its files" ||
  { echo "FAIL: asymmetry files missing"; failures=$((failures + 1)); }
"$cli" asymmetry --run "$work/moons" --count 0 2> "$work/asym.txt"; check "asymmetry --count 0 exits 2" 2 $?

# schedule.average_from: the last line gives the average of iterates 200..300 (101 of them); the
# GUI suite TestMainWindowRun checks its numbers against average/.
"$cli" train --preset two-moons-quick --set schedule.average_from=200 --set stop.loss_below=0 \
  --max-iterations 300 --out "$work/swa" > "$work/swa.txt" 2> /dev/null; check "train with averaging exits 0" 0 $?
contains "... and reports the average" "; average of the last 101 iterates: train loss" "$work/swa.txt"

# fdc: the fitness-distance correlation around the teacher; noise 0 makes the teacher's loss 0.
"$cli" fdc --preset teacher-student-small --set dataset.noise=0 --distances 0,1,2 --samples 3 --out "$work/fdc" \
  > "$work/fdc.txt" 2> /dev/null; check "fdc exits 0" 0 $?
contains "fdc prints r" "FDC r = 0\.[0-9]* over 9 points" "$work/fdc.txt"
/usr/bin/python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["centre_loss"] < float(sys.argv[2]) and 0 < d["correlation"] <= 1, d' \
  "$work/fdc.json" "$teacher_loss_bound"; check "fdc.json holds the teacher's loss and r" 0 $?
[ "$(wc -l < "$work/fdc.csv")" -eq 10 ] && echo "ok: fdc.csv has the 9 points" || { echo "FAIL: fdc.csv rows"; failures=$((failures + 1)); }
# Its format whether or not the figure is drawn: the header, then distance as given, the seed
# (config seed 0 + i, distance-major) and the loss in nine significant digits (core's csvNumber).
/usr/bin/python3 - "$work/fdc.csv" <<'PY'; check "fdc.csv keeps its format" 0 $?
import sys
lines = open(sys.argv[1]).read().split("\n")
assert lines[0] == "distance,seed,loss" and lines[-1] == "", lines
for i, line in enumerate(lines[1:-1]):
    distance, seed, loss = line.split(",")
    assert distance == str(i // 3) and seed == str(i) and loss == "%.9g" % float(loss), line
PY
# The figure PREFIX.png, in builds with the GUI libraries ('figures' says whether this is one).
if "$cli" figures --run "$work/none" 2>&1 | grep -q "GUI libraries"; then
  contains "fdc says it drew no figure" "no figure: .*without the GUI libraries" "$work/fdc.txt"
else
  contains "fdc prints its figure" "figure -> $work/fdc.png" "$work/fdc.txt"
  [ "$(head -c 8 "$work/fdc.png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] && echo "ok: fdc.png is a PNG" ||
    { echo "FAIL: fdc.png is missing or not a PNG"; failures=$((failures + 1)); }
  "$cli" fdc --preset teacher-student-small --formats png,tiff --out "$work/nofdc/x" 2> "$work/fdc.txt"; check "fdc --formats tiff exits 2" 2 $?
  contains "it names the format" "unknown format 'tiff'" "$work/fdc.txt"
  [ ! -e "$work/nofdc" ] && echo "ok: a bad --formats writes nothing" || { echo "FAIL: $work/nofdc was created"; failures=$((failures + 1)); }
fi
"$cli" fdc --preset teacher-student-small --samples 0 2> "$work/fdc.txt"; check "fdc --samples 0 exits 2" 2 $?
contains "it names --samples" "--samples" "$work/fdc.txt"
"$cli" fdc --preset teacher-student-small --distances 1,-2 2> "$work/fdc.txt"; check "fdc negative distance exits 2" 2 $?
contains "it names --distances" "--distances" "$work/fdc.txt"
"$cli" fdc --preset two-moons-quick --out "$work/nofdc" 2> "$work/fdc.txt"; check "fdc without a teacher exits 2" 2 $?
contains "it says there is no teacher" "teacher-student" "$work/fdc.txt"
"$cli" fdc --preset teacher-student-small --set 'model.widths=[5]' --out "$work/nofdc" 2> "$work/fdc.txt"
check "fdc with another student exits 2" 2 $?
contains "it names the teacher's architecture" "MLP 5-4-1 tanh" "$work/fdc.txt"

# XOR 2-2-1: 9 weights; a hidden-layer slice reports its plateaus in the landscape's .json.
"$cli" train --preset xor-2-2-1 --out "$work/xor" --quiet > /dev/null; check "XOR 2-2-1 trains" 0 $?
"$cli" landscape --run "$work/xor" --vary linear0 --range -20,20 --resolution 21 --quiet > "$work/xor.txt"
check "landscape --vary exits 0" 0 $?
/usr/bin/python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); p = d["plateaus"]; assert p["plateau_fraction"] > 0.1 and d["direction_details"]["varied"] == ["linear0"], p' \
  "$work/xor/landscape_random.json"; check "the hidden-layer slice has plateaus" 0 $?
"$cli" landscape --run "$work/xor" --vary linear9 2> "$work/xor.txt"; check "landscape --vary of no parameter exits 2" 2 $?
contains "it lists the parameters" "linear0.weight" "$work/xor.txt"

echo "$failures failures"
[ "$failures" -eq 0 ]
