#!/usr/bin/env bash
# kill -9 of `train` at 20 random moments: every file left in the run folder parses, the run says
# it is incomplete, analyze refuses its missing final parameters and names the last checkpoint,
# and that checkpoint (when one was written) analyzes.
# Usage: run_folder_faults.sh path/to/minimascope-cli
set -uo pipefail
cli="$1"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$(dirname "$0")/checks.sh"

for seed in $(seq 1 20); do
  dir="$work/run$seed"
  "$cli" train --preset two-moons-quick --out "$dir" --max-iterations 1000000 --loss-below 0 --seed "$seed" \
    --checkpoint-every 0.3 --snapshot-every 2000 --track-every 1500 --quiet > /dev/null 2>&1 &
  pid=$!
  # A random moment: from before the folder exists to a few checkpoints in.
  sleep "$(awk -v s="$seed" 'BEGIN { srand(s); printf "%.2f", 0.05 + 2.5 * rand() }')"
  kill -9 $pid
  wait $pid 2> /dev/null
  if [ ! -e "$dir/summary.json" ]; then
    # Killed while the data loaded (no folder) or while the folder was claimed (summary.json is
    # written last): readers call it no run, and a new train refuses it without --overwrite.
    "$cli" analyze --run "$dir" > /dev/null 2> "$work/an.txt"
    check "seed $seed: killed before the run began: analyze exits 2" 2 $?
    contains "seed $seed: ... saying it is no run folder" "not a run folder" "$work/an.txt"
    continue
  fi
  state=$(check_run_folder "$dir"); check "seed $seed: every file parses" 0 $?
  check "seed $seed: the run says it is incomplete" incomplete "${state% *}"
  "$cli" analyze --run "$dir" --quantities sharpness > /dev/null 2> "$work/an.txt"
  check "seed $seed: analyze refuses an incomplete run" 2 $?
  contains "seed $seed: the refusal says why" "incomplete run" "$work/an.txt"
  if [ "${state#* }" = "True" ]; then
    contains "seed $seed: the refusal names the checkpoint" "--params $dir/checkpoint" "$work/an.txt"
    "$cli" analyze --run "$dir" --params "$dir/checkpoint" --quantities sharpness > /dev/null 2>&1
    check "seed $seed: the last checkpoint analyzes" 0 $?
  fi
done

# kill -9 of analyze and landscape on a finished run (10 random moments each): what they leave is
# either absent or whole (they write each file atomically), and the run folder stays readable.
"$cli" train --preset two-moons-quick --out "$work/done" --max-iterations 300 --quiet > /dev/null 2>&1
check "a finished run to analyze" 0 $?
for seed in $(seq 1 10); do
  delay=$(awk -v s="$seed" 'BEGIN { srand(100 + s); printf "%.2f", 0.05 + 1.5 * rand() }')
  "$cli" analyze --run "$work/done" --quantities sharpness,non_uniformity,density --quiet > /dev/null 2>&1 &
  pid=$!; sleep "$delay"; kill -9 $pid 2> /dev/null; wait $pid 2> /dev/null
  "$cli" landscape --run "$work/done" --resolution 41 --quiet > /dev/null 2>&1 &
  pid=$!; sleep "$delay"; kill -9 $pid 2> /dev/null; wait $pid 2> /dev/null
  /usr/bin/python3 - "$work/done" <<'EOF2'
import glob, json, os, sys
import numpy as np
run = sys.argv[1]
for path in glob.glob(os.path.join(run, "*.json")):
    json.load(open(path))
for path in glob.glob(os.path.join(run, "landscape_*.npy")):
    np.load(path)
# A kill between writing a temporary file and renaming it may leave "<name>.tmp-*" behind: never
# read, and removed with the run's other outputs by train --overwrite.
EOF2
  check "seed $seed: analyze and landscape killed after ${delay} s leave only whole files" 0 $?
done
"$cli" analyze --run "$work/done" --quantities sharpness > /dev/null 2>&1
check "the run still analyzes after the kills" 0 $?

echo "$failures failures"
[ "$failures" -eq 0 ]
