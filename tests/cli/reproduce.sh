#!/usr/bin/env bash
# minimascope-cli reproduce (docs/reproductions.md): every resources/studies/*-quick.json, found
# here by globbing, runs end to end shrunk to 4 points of at most 1,200 iterations on 20 training
# examples (B for a batch size B > 20) and 20 test examples (--shrink, the same code path as the
# real command), each in under 120 s on 2 cores. Checked: the outputs, the rows of study.csv, that
# every a and s is finite, and the bounds of Wu, Ma & E (2018) where the Theorem speaks: at
# converged SGD and GD runs (minima) without momentum or BatchNorm, a <= 2/eta and, for B < n,
# s <= sqrt(B(n-1)/(n-B))/eta (B-subsets and epoch shuffling) or sqrt(B)/eta (with replacement);
# and the follow-up analyses against the study's own numbers (below).
# Then a second invocation that runs nothing, Ctrl-C, and the errors of an unknown NAME and of a
# folder that holds another study.
# Usage: reproduce.sh path/to/minimascope-cli HAVE_FIGURES (1 when built with the GUI libraries)
set -uo pipefail
cli="$1"
have_figures="$2"
work=$(mktemp -d)
trap 'pkill -9 -f "$work" 2> /dev/null; rm -rf "$work"' EXIT
. "$(dirname "$0")/checks.sh"
studies="$(cd "$(dirname "$0")/../../resources/studies" && pwd)"
shrink=4,1200,20
max_seconds=120
# The Lanczos estimates of a and s are certified to a relative 1e-3 (study runs measure with the
# analyze defaults); a bound is met when the estimate is within that of it.
bound_tolerance=1e-3

quick_files=("$studies"/*-quick.json)
check "the studies folder has quick study files" 1 "$([ -f "${quick_files[0]}" ] && echo 1 || echo 0)"
names_with_both=$(for f in "${quick_files[@]}"; do name=$(basename "$f" -quick.json); [ -f "$studies/$name.json" ] && echo "$name"; done | LC_ALL=C sort)
"$cli" reproduce --list > "$work/list.txt"; check "--list exits 0" 0 $?
check "--list names each study that has a full and a quick version" "$names_with_both" "$(cut -f1 "$work/list.txt" | LC_ALL=C sort)"

"$cli" reproduce no-such-study --quick --out "$work/unknown" 2> "$work/unknown.txt"
check "an unknown NAME exits 2" 2 $?
contains "the message names it" "no reproduction named 'no-such-study'" "$work/unknown.txt"
for name in $names_with_both; do contains "the message lists $name" "$name" "$work/unknown.txt"; done
[ ! -e "$work/unknown" ] && echo "ok: nothing written for an unknown NAME" || { echo "FAIL: $work/unknown was created"; failures=$((failures + 1)); }

s_checks=0
for quick in "${quick_files[@]}"; do
  name=$(basename "$quick" -quick.json)
  out="$work/$name"
  start=$(date +%s%N)
  "$cli" reproduce "$name" --quick --out "$out" --workers 2 --shrink "$shrink" > "$work/$name.txt" 2> "$work/$name.err"
  check "reproduce $name --quick exits 0" 0 $?
  elapsed=$(( ($(date +%s%N) - start) / 1000000000 ))
  if [ "$elapsed" -lt "$max_seconds" ]; then echo "ok: $name shrunk ran in $elapsed s"
  else echo "FAIL: $name shrunk took $elapsed s (at most $max_seconds)"; failures=$((failures + 1)); fi
  for f in study/study.sqlite study.csv README.md "$name-quick-shrunk-p4-i1200-n20.json"; do
    [ -s "$out/$f" ] && echo "ok: $name wrote $f" || { echo "FAIL: $name did not write $f"; failures=$((failures + 1)); }
  done
  if [ "$have_figures" = 1 ]; then
    for figure in stability-by-eta stability-by-batch-size sharpness-vs-eta sharpness-vs-batch-size; do
      check "$name: $figure.png is a PNG" 89504e470d0a1a0a "$(head -c 8 "$out/figures/$figure.png" | od -An -tx1 | tr -d ' \n')"
      [ "$(wc -l < "$out/figures/$figure.csv")" -ge 2 ] && echo "ok: $name: $figure.csv has data" || { echo "FAIL: $name: $figure.csv is empty"; failures=$((failures + 1)); }
      contains "$name: README links $figure" "figures/$figure.png" "$out/README.md"
    done
  else
    contains "$name: the output says there are no figures" "no figures" "$work/$name.txt"
  fi
  /usr/bin/python3 - "$quick" "$out" "$shrink" "$bound_tolerance" "$have_figures" > "$work/$name.checks" <<'PY'
import csv, json, math, os, sys
quick, out, tolerance = sys.argv[1], sys.argv[2], float(sys.argv[4])
# The store's bounds are closed forms in double: 1e-6 relative is far above their rounding.
STORED_BOUND_REL_TOL = 1e-6
# A grid coordinate is a decimal written back: it matches alpha, beta up to printing.
GRID_COORDINATE_TOL = 1e-9
# A surface evaluates the loss in float32 through its own path, the trainer through the network's
# forward: they agree to float32 rounding of a mean over n (TestMainWindowAnalysis's kLossAgreement).
SURFACE_LOSS_REL_TOL = 1e-5
max_points, max_iterations, max_examples = (int(x) for x in sys.argv[3].split(","))
failures = 0
def check(what, ok):
    global failures
    print(("ok: " if ok else "FAIL: ") + what)
    failures += not ok
study = json.load(open(quick))
points = math.prod(len(v) for v in study["grid"].values()) if "grid" in study else 0
points += len(study.get("runs", []))
rows = list(csv.DictReader(open(os.path.join(out, "study.csv"))))
check(f"study.csv has min({max_points}, {max(points, 1)}) rows: {len(rows)}", len(rows) == min(max_points, max(points, 1)))
check("no run failed or is left to do", all(r["state"] in ("done", "diverged") for r in rows))
# The shrink: every point capped, and the study's last point kept (the first of the grid too,
# but the grid's order is its keys' sorted order, which this script would have to redo).
check(f"every run stopped by {max_iterations} iterations", all(int(r["iterations"]) <= max_iterations for r in rows))
check(f"every run trained on max({max_examples}, B) examples",
      all(int(r["n"]) == max(max_examples, int(r["batch_size"])) for r in rows))
caps = ("stop.max_iterations", "dataset.n", "dataset.test_n")
last = {k: v for k, v in json.loads(rows[-1]["axes"]).items() if k not in caps}
check("the last point of the study file is kept",
      last == (study["runs"][-1] if study.get("runs") else {k: v[-1] for k, v in study.get("grid", {}).items()}))
for r in rows:
    for column in ("sharpness", "non_uniformity"):
        if r[column] != "":
            check(f"#{int(r['ordinal']) + 1} {column} {r[column]} is finite", math.isfinite(float(r[column])))
    if r["state"] == "done":
        check(f"#{int(r['ordinal']) + 1} (done) has a and s", r["sharpness"] != "" and r["non_uniformity"] != "")
a_checks = s_checks = 0
for r in rows:
    if r["state"] != "done" or r["converged"] != "1" or r["optimizer"] not in ("sgd", "gd"):
        continue
    config = json.load(open(os.path.join(out, "study", r["folder"], "config.json")))
    optimizer = config["optimizer"]
    if optimizer.get("momentum", 0) != 0 or config["model"].get("batch_norm"):
        continue   # the bounds are those of plain SGD on a sum of per-example losses
    check(f"#{int(r['ordinal']) + 1}: a verdict, not n/a", r["stability"] in ("stable", "unstable"))
    run = f"#{int(r['ordinal']) + 1} ({r['optimizer']}, eta {r['eta']}, B {r['batch_size']} of n {r['n']})"
    eta, b, n = float(r["eta"]), int(r["batch_size"]), int(r["n"])
    a, s = float(r["sharpness"]), float(r["non_uniformity"])
    check(f"{run}: the store's a bound is 2/eta", math.isclose(float(r["sharpness_bound"]), 2 / eta, rel_tol=STORED_BOUND_REL_TOL))
    check(f"{run}: a = {a} <= 2/eta = {2 / eta}", 0 <= a <= 2 / eta * (1 + tolerance))
    a_checks += 1
    if b < n:
        bound = (math.sqrt(b) if optimizer.get("sampling") == "replacement" else math.sqrt(b * (n - 1) / (n - b))) / eta
        check(f"{run}: the store's s bound is {bound}", math.isclose(float(r["non_uniformity_bound"]), bound, rel_tol=STORED_BOUND_REL_TOL))
        check(f"{run}: s = {s} <= {bound}", 0 <= s <= bound * (1 + tolerance))
        s_checks += 1
check(f"at least one converged SGD or GD run to check a <= 2/eta against ({a_checks})", a_checks >= 1)
converged = sum(r["state"] == "done" and r["converged"] == "1" for r in rows)
readme = open(os.path.join(out, "README.md")).read()
check("README counts the converged runs", f"{len(rows)} runs: {converged} reached the loss target" in readme)
# The follow-ups (docs/studies.md): each ran on a run the study picked, and its numbers agree with
# the study's at that run: analyze's a with the study's a (both certified to the tolerance), a
# surface's loss at its centre with the run's final train loss (the same parameters and examples),
# and an interpolation's loss at alpha = 1 with the other run's, when both trained on the same n.
have_figures = sys.argv[5] == "1"
by_run_id = {r["run_id"]: r for r in rows}
def loss_at(grid, alpha, beta):
    return [float(g["loss"]) for g in grid
            if abs(float(g["alpha"]) - alpha) < GRID_COORDINATE_TOL and abs(float(g["beta"]) - beta) < GRID_COORDINATE_TOL]
follow_ups = study.get("follow_up", [])
if follow_ups:
    check("README has the follow-up section", "## Follow-up analyses" in readme)
for f in follow_ups:
    base = os.path.join(out, "follow-up", f["name"])
    labels = sorted(os.listdir(base)) if os.path.isdir(base) else []
    check(f"follow-up {f['name']} ran ({len(labels)} runs)", len(labels) >= 1)
    for label in labels:
        folder = os.path.join(base, label)
        done = json.load(open(os.path.join(folder, "follow-up.json")))
        r = by_run_id[done["run_id"]]
        what = f"follow-up {f['name']} ({label}, run #{int(r['ordinal']) + 1})"
        if f["command"][0] == "analyze":
            top = json.load(open(os.path.join(folder, "analysis.json")))["top_eigenvalues"][0]["value"]
            check(f"{what}: a = {top} is the study's a = {r['sharpness']}",
                  math.isclose(top, float(r["sharpness"]), rel_tol=2 * tolerance))
        else:
            grid = list(csv.DictReader(open(os.path.join(folder, "landscape.csv"))))
            centre = loss_at(grid, 0, 0)
            check(f"{what}: the loss at the centre {centre} is the run's train loss {r['train_loss']}",
                  len(centre) == 1 and math.isclose(centre[0], float(r["train_loss"]), rel_tol=SURFACE_LOSS_REL_TOL))
            partner = by_run_id.get(done["partner_run_id"])
            if partner is not None and partner["n"] == r["n"]:
                end = loss_at(grid, 1, 0)
                check(f"{what}: the loss at alpha = 1 {end} is the other run's train loss {partner['train_loss']}",
                      len(end) == 1 and math.isclose(end[0], float(partner["train_loss"]), rel_tol=SURFACE_LOSS_REL_TOL))
        if have_figures:
            # Its own figure, or the one it shares with the other run of a pair of 1D curves.
            names = [n for n in (f"{f['name']}-{label}.png", f"{f['name']}.png")
                     if os.path.exists(os.path.join(out, "figures", n))]
            check(f"{what}: its figure {names} is written",
                  len(names) == 1 and os.path.getsize(os.path.join(out, "figures", names[0])) > 1000)
            check(f"{what}: README links its figure", bool(names) and f"figures/{names[0]}" in readme)
# schedule.gradient_norm in the study's base config: every finished run's metrics have a finite,
# positive gradient norm at every evaluation, and the figure draws one curve per optimizer.
if study.get("base", {}).get("schedule", {}).get("gradient_norm"):
    finished = [r for r in rows if r["state"] == "done"]
    for r in finished:
        metrics = list(csv.DictReader(open(os.path.join(out, "study", r["folder"], "metrics.csv"))))
        norms = [float(m["gradient_norm"]) for m in metrics]
        check(f"#{int(r['ordinal']) + 1}: {len(norms)} gradient norms, all finite and positive",
              len(norms) >= 2 and all(math.isfinite(g) and g > 0 for g in norms))
    if have_figures:
        curves = {c["curve"] for c in csv.DictReader(open(os.path.join(out, "figures", "gradient-norm.csv")))}
        optimizers = {r["optimizer"] for r in finished}
        check(f"gradient-norm.csv has a curve per optimizer ({sorted(curves)})", len(curves) == len(optimizers))
        check("README links the gradient-norm figure", "figures/gradient-norm.png" in readme)
print(f"s checks: {s_checks}")
sys.exit(min(failures, 100))
PY
  python_failures=$?
  cat "$work/$name.checks"
  failures=$((failures + python_failures))
  study_s_checks=$(sed -n 's/^s checks: //p' "$work/$name.checks")
  s_checks=$((s_checks + ${study_s_checks:-0}))

  # Again: the study folder resumes, and nothing is left to run.
  "$cli" reproduce "$name" --quick --out "$out" --workers 2 --shrink "$shrink" > /dev/null 2> "$work/$name-again.err"
  check "$name: a second invocation exits 0" 0 $?
  if grep -q started "$work/$name-again.err"; then echo "FAIL: $name: the second invocation ran something"; failures=$((failures + 1))
  else echo "ok: $name: the second invocation runs nothing"; fi
  contains "$name: its README says the runs were kept" "runs had ended in an earlier invocation" "$out/README.md"
done
if [ "$s_checks" -ge 1 ]; then echo "ok: $s_checks converged SGD runs with B < n checked against the s bound"
else echo "FAIL: no converged SGD run with B < n: the s bound was not checked"; failures=$((failures + 1)); fi

# A folder that holds another study is refused, unless --overwrite.
first=$(basename "${quick_files[0]}" -quick.json)
"$cli" reproduce "$first" --out "$work/$first" --shrink "$shrink" 2> "$work/other.txt"
check "the full study into the quick one's folder exits 2" 2 $?
contains "the message names the study the folder holds" "holds the study '$first-quick-shrunk-p4-i1200-n20'" "$work/other.txt"

# Ctrl-C, as for study run: exit code 4, the runs in flight back to "to do", no README yet.
"$cli" reproduce "$first" --quick --out "$work/cancel" --workers 2 --shrink "$shrink" > /dev/null 2> "$work/cancel.err" &
pid=$!
for _ in $(seq 300); do grep -q started "$work/cancel.err" && break; sleep 0.1; done
kill -INT $pid
wait $pid; check "Ctrl-C exits 4" 4 $?
[ ! -e "$work/cancel/README.md" ] && echo "ok: no README for a stopped study" || { echo "FAIL: a stopped study wrote its README"; failures=$((failures + 1)); }
"$cli" study status "$work/cancel/study" > "$work/cancel-status.txt"
contains "the stopped runs are to do again" "4 to do" "$work/cancel-status.txt"

echo "$failures failures"
[ "$failures" -eq 0 ]
