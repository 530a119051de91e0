#!/usr/bin/env bash
# A full disk (issue 15), on a 2 MiB tmpfs: a run that cannot fit is refused before anything is
# written; a disk that fills during training stops the run with a clear message, exit 2, and
# leaves a folder whose files all parse and whose last checkpoint analyzes; analyze and landscape
# on a full disk fail the same way and leave no partial file; a study that cannot create its store
# exits 2 and resumes once there is room. Mounting needs root: skipped (77) otherwise.
# Usage: full_disk.sh path/to/minimascope-cli
set -uo pipefail
cli="$1"
work=$(mktemp -d)
disk="$work/disk"
mkdir "$disk"
trap 'umount "$disk" 2> /dev/null; rm -rf "$work"' EXIT
if ! mount -t tmpfs -o size=2m tmpfs "$disk" 2> /dev/null; then
  echo "skipped: cannot mount a tmpfs here (needs root)"
  exit 77
fi
. "$(dirname "$0")/checks.sh"
fill_disk() { dd if=/dev/zero of="$disk/filler" bs=4k > /dev/null 2>&1; }

# The 784-256x4 MLP's parameters, checkpoints and snapshots need ~6 MB: refused up front.
"$cli" train --preset sgd-fashion-mnist --out "$disk/big" --max-iterations 10 > /dev/null 2> "$work/err.txt"
check "a run larger than the disk is refused" 2 $?
contains "... with the free space and the need" "the disk has 2.1 MB free, the run needs about" "$work/err.txt"
check "... before anything is written" "" "$(ls -A "$disk")"

# The disk fills while a run trains (another program takes the space).
"$cli" train --preset two-moons-quick --out "$disk/run" --max-iterations 1000000 --loss-below 0 \
  --checkpoint-every 0.3 --quiet > /dev/null 2> "$work/err.txt" &
pid=$!
for _ in $(seq 1 100); do [ -d "$disk/run/checkpoint" ] && break; sleep 0.1; done
fill_disk
for _ in $(seq 1 100); do kill -0 $pid 2> /dev/null || break; sleep 0.1; done
if kill -0 $pid 2> /dev/null; then kill -9 $pid; echo "FAIL: train still running 10 s after the disk filled"; failures=$((failures + 1)); fi
wait $pid
check "training onto a full disk stops with exit 2" 2 $?
contains "... saying the disk is full" "No space left on device" "$work/err.txt"
state=$(check_run_folder "$disk/run"); check "... and every file left parses" 0 $?
check "... the run says it is incomplete and has a checkpoint" "incomplete True" "$state"
check "... no temporary folder is left" "" "$(ls -d "$disk"/run/*.tmp-* 2> /dev/null)"
rm "$disk/filler"
"$cli" analyze --run "$disk/run" --params "$disk/run/checkpoint" --quantities sharpness --out "$work/a.json" \
  > /dev/null 2>&1
check "... and its checkpoint analyzes once there is room" 0 $?

# analyze and landscape on a finished run when the disk is full: nothing partial.
rm -rf "$disk/run"
"$cli" train --preset two-moons-quick --out "$disk/done" --max-iterations 300 --quiet > /dev/null 2>&1
check "a finished run on the disk" 0 $?
fill_disk
"$cli" analyze --run "$disk/done" --quantities sharpness > /dev/null 2> "$work/err.txt"
check "analyze onto a full disk exits 2" 2 $?
contains "... saying the disk is full" "No space left on device" "$work/err.txt"
check "... and writes no analysis.json" "" "$(ls "$disk/done/analysis.json" 2> /dev/null)"
"$cli" landscape --run "$disk/done" --resolution 41 --quiet > /dev/null 2> "$work/err.txt"
check "landscape onto a full disk exits 2" 2 $?
contains "... saying the disk is full" "No space left on device" "$work/err.txt"
check "... and leaves no landscape file" "" "$(ls "$disk"/done/landscape* 2> /dev/null)"
state=$(check_run_folder "$disk/done"); check "the run folder still parses" 0 $?
check "... and is still finished" "finished False" "$state"

# A study whose store cannot be created on the full disk: exit 2, and the same command finishes
# it once there is room.
cat > "$work/study.json" <<EOF
{"format": "minimascope-study", "version": 1, "name": "disk", "base": "escape-toy-sgd",
 "grid": {"optimizer.lr": [0.3]}, "measure": ["sharpness"]}
EOF
"$cli" study run --config "$work/study.json" --out "$disk/study" --quiet > /dev/null 2> "$work/err.txt"
check "a study onto a full disk exits 2" 2 $?
contains "... saying the disk is full" "disk is full" "$work/err.txt"
rm -f "$disk/filler"
"$cli" study run --config "$work/study.json" --out "$disk/study" --quiet > "$work/out.txt" 2> "$work/err.txt"
check "... and the same command finishes it once there is room" 0 $?
contains "... all of it" "1 done" "$work/out.txt"

echo "$failures failures"
[ "$failures" -eq 0 ]
