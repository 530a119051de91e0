#!/usr/bin/env bash
# Studies (minimascope-cli study): six escape-toy runs whose minima docs/science.md gives exactly, a
# second invocation that runs nothing, bad study files, a worker killed with SIGKILL, and a
# kill -9 of the whole study followed by a resume with an intact store.
# Usage: study.sh path/to/minimascope-cli
set -uo pipefail
cli="$1"
work=$(mktemp -d)
# Runs are forks of `study run` (their command line is the runner's) or `study run-one` children.
trap 'pkill -9 -f "$work" 2> /dev/null; rm -rf "$work"' EXIT
. "$(dirname "$0")/checks.sh"
# The study measures a and s certified to a relative residual of 1e-3: 2e-3 absolute near 2.
measured_tolerance=2e-3
integrity() {   # integrity FILE: SQLite's own check of the store
  /usr/bin/python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("PRAGMA integrity_check").fetchone()[0])' "$1"
}
column() {   # column NAME CSV: the values of a column of the export, one per line
  awk -F, -v name="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i; next } { print $c }' "$2"
}

# GD and SGD (B = 1 of n = 2, B-subsets) from x0 = 0.99 at three learning rates. Both minima have
# a = 2; x = 1 has s = 1.8, x = 0 has s = 0. GD stays at x = 1 (a <= 2/eta for every eta here);
# SGD leaves it only when s = 1.8 exceeds its bound sqrt(B(n-1)/(n-B))/eta = 1/eta, at eta = 0.7.
cat > "$work/escape.json" <<EOF
{"format": "minimascope-study", "version": 1, "name": "escape",
 "base": "escape-toy-sgd",
 "grid": {"optimizer.name": ["gd", "sgd"], "optimizer.lr": [0.3, 0.5, 0.7]},
 "measure": ["sharpness", "non_uniformity", "stability"]}
EOF
"$cli" study run --config "$work/escape.json" --out "$work/escape" --workers 2 > "$work/run.txt" 2> "$work/run.err"
check "the study runs" 0 $?
contains "all six done" "6 done (0 did not reach the loss target), 0 diverged, 0 failed" "$work/run.txt"
"$cli" study export "$work/escape" --csv "$work/escape.csv" > /dev/null; check "export exits 0" 0 $?
check "six rows" 6 "$(tail -n +2 "$work/escape.csv" | wc -l)"
paste -d' ' <(column optimizer "$work/escape.csv") <(column eta "$work/escape.csv") \
  <(column sharpness "$work/escape.csv") <(column non_uniformity "$work/escape.csv") \
  <(column stability "$work/escape.csv") > "$work/points.txt"
while read -r optimizer eta a s verdict; do
  expected_s=1.8
  [ "$optimizer $eta" = "sgd 0.7" ] && expected_s=0
  near "a of $optimizer at eta $eta" 2 "$a" "$measured_tolerance"
  near "s of $optimizer at eta $eta" "$expected_s" "$s" "$measured_tolerance"
  check "verdict of $optimizer at eta $eta" stable "$verdict"
done < "$work/points.txt"
check "every run folder is complete" 6 "$(grep -l '"status": "finished"' "$work"/escape/runs/*/summary.json | wc -l)"

# "track": a and s along each run too, every 2 iterations into its run folder's curvature.csv.
# GD at eta = 0.3 contracts x - 1 by 1 - 2 eta = 0.4 a step and stays where a = 2, s = 1.8
# exactly: 8 iterations to the loss target, so samples at 2, 4, 6 and 8.
cat > "$work/tracked.json" <<EOF
{"format": "minimascope-study", "version": 1, "name": "tracked", "base": "escape-toy-gd",
 "runs": [{"optimizer.lr": 0.3}], "measure": ["sharpness", "non_uniformity"], "track": {"every": 2}}
EOF
"$cli" study run --config "$work/tracked.json" --out "$work/tracked" -q > /dev/null 2> "$work/tracked.err"
check "the tracked study runs" 0 $?
tracked_log=$(ls "$work"/tracked/runs/*/curvature.csv)
check "the tracked samples' iterations" "2 4 6 8" "$(column iteration "$tracked_log" | tr '\n' ' ' | sed 's/ $//')"
for a in $(column sharpness "$tracked_log"); do near "a along the run" 2 "$a" "$measured_tolerance"; done
for s in $(column non_uniformity "$tracked_log"); do near "s along the run" 1.8 "$s" "$measured_tolerance"; done
run_id=$(sed -n 's/.*"run_id": "\([0-9a-f]*\)".*/\1/p' "$(dirname "$tracked_log")/summary.json" | head -1)
check "the samples carry the run's id" "$run_id" "$(column run_id "$tracked_log" | sort -u)"

# The verdict is the Theorem's, which speaks of plain SGD and GD only: Adam and SGD with momentum
# get "n/a", and their a and s are still measured (both minima of the toy have a = 2).
cat > "$work/adaptive.json" <<EOF
{"format": "minimascope-study", "version": 1, "name": "other-optimizers",
 "base": "escape-toy-sgd",
 "runs": [{"optimizer.name": "adam", "optimizer.lr": 0.01}, {"optimizer.lr": 0.3, "optimizer.momentum": 0.5}],
 "measure": ["sharpness", "non_uniformity", "stability"]}
EOF
"$cli" study run --config "$work/adaptive.json" --out "$work/adaptive" --workers 2 -q > /dev/null 2> "$work/adaptive.err"
check "the study of other optimizers runs" 0 $?
"$cli" study export "$work/adaptive" --csv "$work/adaptive.csv" > /dev/null
paste -d' ' <(column optimizer "$work/adaptive.csv") <(column sharpness "$work/adaptive.csv") \
  <(column stability "$work/adaptive.csv") > "$work/adaptive-points.txt"
check "two rows" 2 "$(wc -l < "$work/adaptive-points.txt")"
while read -r optimizer a verdict; do
  near "a of $optimizer" 2 "$a" 2e-3
  check "no verdict for $optimizer (momentum or adaptive)" "n/a" "$verdict"
done < "$work/adaptive-points.txt"

"$cli" study run --config "$work/escape.json" --out "$work/escape" > "$work/again.txt" 2> "$work/again.err"
check "a second invocation exits 0" 0 $?
if grep -q started "$work/again.err"; then echo "FAIL: the second invocation ran something"; failures=$((failures + 1)); else echo "ok: the second invocation runs nothing"; fi
"$cli" study run --out "$work/escape" > "$work/folder.txt" 2> "$work/folder.err"
check "the folder alone resumes its stored study" 0 $?
contains "... which is complete" "6 done" "$work/folder.txt"
"$cli" study status "$work/escape" > "$work/status.txt"; check "status exits 0" 0 $?
contains "status counts the runs" "6 done" "$work/status.txt"

# A changed study file adds its new points and keeps the old results.
sed 's/\[0.3, 0.5, 0.7\]/[0.3, 0.5, 0.7, 0.9]/' "$work/escape.json" > "$work/escape2.json"
"$cli" study run --config "$work/escape2.json" --out "$work/escape" > "$work/grow.txt" 2> "$work/grow.err"
check "the grown study runs" 0 $?
check "only the two new points ran" 2 "$(grep -c '^  started' "$work/grow.err")"

# MPI: two ranks on this machine (loopback) share the same study; the store holds what the local
# runner's holds, number for number (runs are deterministic at one thread each).
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mpirun --oversubscribe -np 2 "$cli" study run --config "$work/escape.json" --out "$work/mpi" > "$work/mpi.txt" 2> "$work/mpi.err"
check "the study runs on 2 MPI ranks" 0 $?
contains "all six done under MPI" "6 done (0 did not reach the loss target), 0 diverged, 0 failed" "$work/mpi.txt"
"$cli" study export "$work/mpi" --csv "$work/mpi.csv" > /dev/null
same_numbers() {   # the columns that must agree, one line per run, sorted by key
  awk -F, 'NR > 1 { print $2, $3, $4, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $17, $18, $19, $20 }' "$1" | sort
}
join <(same_numbers "$work/escape.csv") <(same_numbers "$work/mpi.csv") > "$work/joined.txt"
check "MPI ran the same six points" 6 "$(wc -l < "$work/joined.txt")"
diff <(same_numbers "$work/mpi.csv") <(same_numbers "$work/escape.csv" | grep -F -f <(cut -d' ' -f1 "$work/joined.txt")) > /dev/null
check "MPI's store equals the local one" 0 $?

# A surface's grid split over 2 ranks: the same numbers as one process, byte for byte, for
# random directions and for pca's fitted range; only rank 0 writes.
"$cli" train --preset two-moons-quick --snapshot-every 100 --out "$work/moons" --quiet > /dev/null
check "a two-moons run trains" 0 $?
for directions in random pca; do
  "$cli" landscape --run "$work/moons" --directions "$directions" --resolution 9 --out "$work/one_$directions" \
    --quiet > /dev/null 2> "$work/one.err"
  check "landscape --directions $directions in one process" 0 $?
  mpirun --oversubscribe -np 2 "$cli" landscape --run "$work/moons" --directions "$directions" --resolution 9 \
    --out "$work/mpi_$directions" > "$work/mpi_landscape.txt" 2> "$work/mpi_landscape.err"
  check "landscape --directions $directions on 2 MPI ranks" 0 $?
  contains "the split is reported" "the grid split over 2 MPI ranks" "$work/mpi_landscape.err"
  for suffix in npy csv vts; do
    cmp -s "$work/one_$directions.$suffix" "$work/mpi_$directions.$suffix"
    check "$directions $suffix is the same under MPI" 0 $?
  done
  check "rank 0 alone reports" 1 "$(grep -c 'grid, loss' "$work/mpi_landscape.txt")"
done

# Bad study files: exit 2, a message naming the problem, nothing written.
echo '{"base": "escape-toy-sgd", "gird": {}}' > "$work/typo.json"
"$cli" study run --config "$work/typo.json" --out "$work/typo" 2> "$work/typo.err"; check "an unknown key exits 2" 2 $?
contains "the message names the key" "gird" "$work/typo.err"
[ ! -e "$work/typo" ] && echo "ok: nothing written" || { echo "FAIL: $work/typo was created"; failures=$((failures + 1)); }
echo '{"base": "escape-toy-sgd", "grid": {"optimizer.batch_size": [1, 5]}}' > "$work/invalid.json"
"$cli" study run --config "$work/invalid.json" --out "$work/invalid" 2> "$work/invalid.err"; check "an invalid point exits 2" 2 $?
contains "the message names the point" "optimizer.batch_size=5" "$work/invalid.err"
echo '{"base": "escape-toy-sgd", "grid": {"optimizer.lr": []}}' > "$work/empty.json"
"$cli" study run --config "$work/empty.json" --out "$work/empty" 2> "$work/empty.err"; check "an empty axis exits 2" 2 $?
sed 's/"name": "escape"/"name": "other"/' "$work/escape.json" > "$work/other.json"
"$cli" study run --config "$work/other.json" --out "$work/escape" 2> "$work/other.err"; check "another study's folder exits 2" 2 $?
contains "the message names both studies" "holds the study 'escape'" "$work/other.err"

# A folder that cannot be created, and a store written by a newer MinimaScope: exit 2, named.
"$cli" study run --config "$work/escape.json" --out /proc/minimascope-no-such/study 2> "$work/unwritable.err"
check "an --out that cannot be created exits 2" 2 $?
contains "... naming it" "cannot create directory /proc/minimascope-no-such/study" "$work/unwritable.err"
cp -r "$work/escape" "$work/newer"
/usr/bin/python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("PRAGMA user_version = 99"); c.commit()' \
  "$work/newer/study.sqlite"
"$cli" study run --config "$work/escape.json" --out "$work/newer" 2> "$work/newer.err"
check "a store of a newer schema exits 2" 2 $?
contains "... saying so" "a study store of schema version 99, newer than this MinimaScope reads" "$work/newer.err"
"$cli" study status "$work/newer" > /dev/null 2> "$work/newer-status.err"
check "... for status too" 2 $?

# Runs long enough to be killed: two-moons for 60,000 iterations each, about 2.5 s on a machine
# that trains the preset to its loss target in 0.2 s (it would end before the kill).
cat > "$work/moons.json" <<EOF
{"name": "moons", "base": "two-moons-quick",
 "grid": {"seed": [1, 2, 3], "stop.loss_below": [0], "stop.max_iterations": [60000]}, "measure": ["sharpness"]}
EOF
"$cli" study run --config "$work/moons.json" --out "$work/moons" --workers 1 > "$work/moons.txt" 2> "$work/moons.err" &
study=$!
for _ in $(seq 300); do pgrep -P $study > /dev/null && break; sleep 0.1; done
sleep 0.5
pkill -9 -P $study
wait $study; check "the study survives a killed worker" 0 $?
# (They stop at their iteration cap: "did not reach the loss target" of 0.)
contains "one run failed, the others finished" "2 done (2 did not reach the loss target), 0 diverged, 1 failed" "$work/moons.txt"
"$cli" study status "$work/moons" > "$work/moons-status.txt"
contains "the failed run says why" "killed by signal 9" "$work/moons-status.txt"
"$cli" study run --config "$work/moons.json" --out "$work/moons" --retry-failed > "$work/retry.txt" 2> /dev/null
contains "--retry-failed completes it" "3 done" "$work/retry.txt"

# kill -9 of the whole study (runner and workers) mid-run, then a resume.
sed 's/"moons"/"moons-killed"/; s/\[1, 2, 3\]/[4, 5, 6, 7]/' "$work/moons.json" > "$work/killed.json"
"$cli" study run --config "$work/killed.json" --out "$work/killed" --workers 2 > /dev/null 2>&1 &
study=$!
for _ in $(seq 300); do pgrep -P $study > /dev/null && break; sleep 0.1; done
sleep 1
workers=$(pgrep -P $study)
kill -9 $study $workers
wait $study 2> /dev/null
check "the store is intact after kill -9" ok "$(integrity "$work/killed/study.sqlite")"
"$cli" study run --config "$work/killed.json" --out "$work/killed" > "$work/resume.txt" 2> /dev/null
check "the resumed study exits 0" 0 $?
contains "the resume finishes every run" "4 done" "$work/resume.txt"
check "the store is intact after the resume" ok "$(integrity "$work/killed/study.sqlite")"

echo "$failures failures"
[ "$failures" -eq 0 ]
