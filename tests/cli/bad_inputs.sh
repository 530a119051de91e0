#!/usr/bin/env bash
# The bad-input corpus (tests/data/bad/) and out-of-range options, each through the program that
# reads it: every one must exit 2 with a message on stderr naming the file, key or option, never
# crash (exit < 128) or hang, and write nothing. With the desktop application's path as second
# argument, its command line too (without a display, and with Qt's offscreen platform).
# Usage: bad_inputs.sh path/to/minimascope-cli [path/to/minimascope]
set -uo pipefail
cli="$1"
gui="${2:-}"
here=$(cd "$(dirname "$0")" && pwd)
bad=$(realpath "$here/../data/bad")   # the paths messages name are absolute
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$here/checks.sh"

# rejects "case" "needle" command...: exit 2, no crash, the needle (a fixed string) on stderr,
# and nothing at $written (the output the command was given).
written=/nonexistent
rejects() {
  local name="$1" needle="$2"
  shift 2
  timeout 120 "$@" > "$work/stdout.txt" 2> "$work/stderr.txt"
  local code=$?
  check "$name: exits 2" 2 "$code"
  check "$name: no crash or hang" 1 "$((code < 128 && code != 124))"
  also_names "$name" "$needle"
  if [ -e "$written" ]; then echo "FAIL: $name: $written was written"; failures=$((failures + 1)); rm -rf "$written"
  else echo "ok: $name: nothing written"; fi
}
# also_names "case" needle: the last rejection's message names this too.
also_names() {
  if grep -qaF -- "$2" "$work/stderr.txt"; then echo "ok: $1: names $2"; else
    echo "FAIL: $1: '$2' not in: $(head -c 500 "$work/stderr.txt")"; failures=$((failures + 1)); fi
}

# --- configs: train --config FILE ---------------------------------------------------------------
written="$work/out"
train_rejects() {   # train_rejects config-file needle
  local file="$1" needle="$2" name
  name="train --config $(basename "$file")"
  rejects "$name" "$needle" "$cli" train --config "$file" --out "$work/out" --quiet
  also_names "$name" "$file"
}
train_rejects "$bad/config/duplicate-key.json" "duplicate key 'optimizer.lr'"
train_rejects "$bad/config/number-overflow.json" "optimizer.lr"
train_rejects "$bad/config/lr-beyond-float32.json" "optimizer.lr"
# Runs that cannot fit in memory are refused from their config, before any allocation, with the numbers.
written="$work/out"
rejects "train: a 65536-wide MLP" "the run needs about" "$cli" train --preset sgd-fashion-mnist --set model.preset=null \
  --set 'model.widths=[65536,65536]' --out "$work/out" --quiet
rejects "train: n = 2^31 - 1" "are available" "$cli" train --preset two-moons-quick --set dataset.n=2147483647 \
  --set dataset.test_n=0 --out "$work/out" --quiet
train_rejects "$bad/config/unknown-key.json" "optimizer.lrr"
train_rejects "$bad/config/wrong-type.json" "optimizer.lr"
train_rejects "$bad/config/fraction-for-integer.json" "stop.max_iterations"
train_rejects "$bad/config/seed-wraps.json" "seed"
train_rejects "$bad/config/invalid-utf8.json" "dataset.path"
train_rejects "$bad/config/truncated.json" "not valid JSON"
train_rejects "$bad/config/empty.json" "not valid JSON"
train_rejects "$bad/config/trailing-garbage.json" "not valid JSON"
train_rejects "$bad/config/not-an-object.json" "must be an object"
# Generated rather than committed: a value nested 100,000 deep (it crashed the stack once).
{ printf '{"dataset": {"name": "escape-toy"}, "model": {"kind": "escape-toy"}, "optimizer": {"lr": '
  head -c 100000 /dev/zero | tr '\0' '['; head -c 100000 /dev/zero | tr '\0' ']'; printf '}}\n'; } > "$work/deep.json"
train_rejects "$work/deep.json" "nested deeper than 64 levels"
# Files that are too large or never end: a sparse 65 MiB file, /dev/zero and a FIFO fed forever.
truncate -s 65M "$work/huge.json"
train_rejects "$work/huge.json" "larger than the limit"
rejects "train --config /dev/zero" "/dev/zero: larger than the limit" "$cli" train --config /dev/zero --out "$work/out"
mkfifo "$work/fifo.json"
yes '[' > "$work/fifo.json" &
feeder=$!
rejects "train --config FIFO" "fifo.json: larger than the limit" "$cli" train --config "$work/fifo.json" --out "$work/out"
kill "$feeder" 2> /dev/null
wait "$feeder" 2> /dev/null
# A FIFO nobody writes to is an empty file, not a wait forever.
mkfifo "$work/silent.json"
train_rejects "$work/silent.json" "not valid JSON"

# --- data files: IDX images behind dataset.path ---------------------------------------------------
for kind in truncated garbage bad-gzip huge-dims; do
  rejects "train on IDX $kind" "$bad/idx/$kind/train-images-idx3-ubyte" "$cli" train --preset sgd-fashion-mnist \
    --set dataset.path="$bad/idx/$kind" --n 10 --set dataset.test_n=0 --batch-size 5 --out "$work/out" --quiet
done

# --- command-line values ----------------------------------------------------------------------
rejects "--set with invalid UTF-8" "dataset.path" "$cli" train --preset escape-toy-gd --set dataset.path=$'\xff' --out "$work/out"
rejects "--lr 1e400" "--lr" "$cli" train --preset escape-toy-gd --lr 1e400 --out "$work/out"
rejects "--lr 1e39" "optimizer.lr" "$cli" train --preset escape-toy-gd --lr 1e39 --out "$work/out"
rejects "--lr nan" "optimizer.lr" "$cli" train --preset escape-toy-gd --lr nan --out "$work/out"
rejects "train --seed 1e30" "seed" "$cli" train --preset escape-toy-gd --seed 1e30 --out "$work/out"
rejects "--set with a duplicate key" "duplicate key 'lr'" "$cli" train --preset escape-toy-gd \
  --set 'optimizer={"name": "gd", "lr": 0.1, "lr": 0.2}' --out "$work/out"
rejects "--track-every 1e30" "--track-every" "$cli" train --preset escape-toy-gd --track-every 1e30 --out "$work/out"

# A run to analyse: GD on the escape toy (one parameter, x).
"$cli" train --preset escape-toy-gd --out "$work/run" --quiet > /dev/null
check "the reference run trains" 0 $?
out="$work/analysis.json"
written="$out"
rejects "analyze --eta nan" "--eta" "$cli" analyze --run "$work/run" --eta nan --out "$out"
rejects "analyze --eta -1" "--eta" "$cli" analyze --run "$work/run" --eta -1 --out "$out"
rejects "analyze --tolerance -1" "--tolerance" "$cli" analyze --run "$work/run" --tolerance -1 --out "$out"
rejects "analyze --epsilon inf" "--epsilon" "$cli" analyze --run "$work/run" --epsilon inf --out "$out"
rejects "analyze --subset 1e30" "--subset" "$cli" analyze --run "$work/run" --subset 1e30 --out "$out"
rejects "analyze --top-k 100000" "--top-k" "$cli" analyze --run "$work/run" --top-k 100000 --out "$out"
rejects "analyze --top-k 2 of one parameter" "--top-k 2 exceeds the network's 1 parameters" \
  "$cli" analyze --run "$work/run" --top-k 2 --out "$out"
prefix="$work/landscape/surface"
written="$work/landscape"
rejects "landscape --range -inf,inf" "--range" "$cli" landscape --run "$work/run" --range -inf,inf --out "$prefix"
rejects "landscape --range nan,1" "--range" "$cli" landscape --run "$work/run" --range nan,1 --out "$prefix"
rejects "landscape --seed 1e30" "--seed" "$cli" landscape --run "$work/run" --seed 1e30 --out "$prefix"
rejects "landscape --seed -1" "--seed" "$cli" landscape --run "$work/run" --seed -1 --out "$prefix"
rejects "landscape --threads 100000" "--threads" "$cli" landscape --run "$work/run" --threads 100000 --out "$prefix"
rejects "landscape --resolution 100000" "--resolution" "$cli" landscape --run "$work/run" --resolution 100000 --out "$prefix"
rejects "landscape --convexity 1000" "--convexity" "$cli" landscape --run "$work/run" --convexity 1000 --out "$prefix"

# --- parameter folders: .npy files and their index.json ------------------------------------------
for dir in "$bad"/parameters/*/; do
  dir="${dir%/}"
  case "$(basename "$dir")" in
    index-missing-file) needle="$dir/x.npy: No such file" ;;
    index-*) needle="$dir/index.json" ;;
    npy-wrong-shape) needle="has shape [1] in the index but [2, 3] in x.npy" ;;
    npy-nan | npy-inf) needle="NaN or infinite" ;;
    *) needle="$dir/x.npy" ;;
  esac
  written="$out"
  rejects "analyze --params $(basename "$dir")" "$needle" "$cli" analyze --run "$work/run" --params "$dir" --out "$out"
  written="$work/landscape"
  rejects "landscape --params $(basename "$dir")" "$needle" \
    "$cli" landscape --run "$work/run" --params "$dir" --resolution 3 --out "$prefix"
done

# --- study files: study run --config FILE; study folders: study run --out DIR and study status DIR ---
# What each case's message must name besides the file (a case not listed here: the file alone).
study_needle() {
  case "$1" in
    truncated | empty | trailing-garbage) echo "not valid JSON" ;;
    invalid-utf8) echo "not valid JSON at key 'name'" ;;
    duplicate-key) echo "duplicate key 'name'" ;;
    not-an-object) echo "a study file is a JSON object" ;;
    wrong-format) echo "'format' must be \"minimascope-study\"" ;;
    newer-version) echo "study file version 2" ;;
    version-as-text) echo 'study file version "1"' ;;
    missing-base) echo "'base' is missing" ;;
    base-unknown-preset) echo "escape-toy-gdd" ;;
    base-wrong-type) echo "'base' must be" ;;
    unknown-key) echo "unknown key 'grids'" ;;
    grid-not-an-object) echo "'grid' must be an object" ;;
    grid-empty-axis) echo "grid axis 'seed' must be a non-empty list" ;;
    grid-empty | grid-empty-with-runs) echo "'grid' is empty: give at least one key with values, or remove it" ;;
    grid-axis-not-a-list) echo "grid axis 'optimizer.lr' must be a non-empty list" ;;
    grid-wrong-type) echo 'point 2 (optimizer.lr="fast")' ;;
    grid-out-of-range) echo "point 2 (optimizer.lr=-0.1)" ;;
    grid-unknown-key) echo "'optimizer.lrr' is unknown" ;;
    grid-number-overflow) echo "grid.optimizer.lr" ;;
    grid-ten-million-points) echo "more than 100000 points" ;;
    grid-run-too-large) echo "point 2 (model.widths=[65536,65536,65536,65536]): the run needs about" ;;
    runs-not-a-list) echo "'runs' must be a list" ;;
    runs-empty) echo "'runs' is empty: list at least one {KEY: value} run, or remove it" ;;
    track-not-an-object) echo "'track' must be an object" ;;
    track-every-zero) echo "'track.every' must be an integer of at least 1, not 0" ;;
    track-unknown-key) echo "unknown key 'track.subsets' (known: every, subset)" ;;
    run-not-an-object) echo "runs[1] must be an object" ;;
    run-unknown-key) echo "'optimizer.momentun' is unknown" ;;
    measure-unknown) echo "unknown measure 'flatness'" ;;
    measure-not-a-list) echo "'measure' must be a list" ;;
    name-wrong-type) echo "'name' must be a string" ;;
    follow-up-unknown-command) echo "'analyse' is not a follow-up command" ;;
    store-not-sqlite) echo "file is not a database" ;;
    store-empty) echo "not a study store" ;;
    store-newer-schema) echo "schema version 2" ;;
  esac
}
written="$work/study"
for file in "$bad"/study/*.json; do
  case_name=$(basename "$file" .json)
  rejects "study run --config $case_name" "$file" "$cli" study run --config "$file" --out "$work/study/x" --quiet
  needle=$(study_needle "$case_name")
  [ -z "$needle" ] || also_names "study run --config $case_name" "$needle"
done
# A study folder is the input itself: each runs on a copy, which must hold the same bytes afterwards.
fingerprint() { (cd "$1" && find . -exec sh -c 'if [ -f "$1" ]; then md5sum "$1"; else echo "$1"; fi' _ {} \; | sort); }
unchanged() {   # unchanged "case" copy original
  if [ "$(fingerprint "$2")" = "$(fingerprint "$3")" ]; then echo "ok: $1: the folder is unchanged"; else
    echo "FAIL: $1: $2 changed: $(fingerprint "$2" | tr '\n' ' ')"; failures=$((failures + 1)); fi
}
written=/nonexistent
for dir in "$bad"/study/*/; do
  dir="${dir%/}"
  case_name=$(basename "$dir")
  copy="$work/stores/$case_name"
  mkdir -p "$work/stores" && cp -r "$dir" "$copy"
  for command in "study run --out" "study status"; do
    # shellcheck disable=SC2086  # the command is two words
    rejects "$command $case_name" "$copy/study.sqlite" "$cli" $command "$copy"
    also_names "$command $case_name" "$(study_needle "$case_name")"
    unchanged "$command $case_name" "$copy" "$dir"
  done
done

# --- the desktop application's command line -------------------------------------------------------
if [ -n "$gui" ]; then
  export XDG_CONFIG_HOME="$work/config"
  written="$work/shot.png"
  headless=(env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM)
  timeout 60 "${headless[@]}" "$gui" --help > "$work/help.txt" 2>&1
  check "minimascope --help without a display exits 0" 0 $?
  contains "its help lists --preset" "--preset" "$work/help.txt"
  timeout 60 "${headless[@]}" "$gui" --version > "$work/version.txt" 2>&1
  check "minimascope --version without a display exits 0" 0 $?
  contains "it names the version" "MinimaScope [0-9]" "$work/version.txt"
  rejects "minimascope --preset without a display" "no display: run under xvfb-run" \
    "${headless[@]}" "$gui" --preset escape-toy-gd
  offscreen=(env QT_QPA_PLATFORM=offscreen)
  rejects "minimascope --screenshot-delay -5" "--screenshot-delay" \
    "${offscreen[@]}" "$gui" --screenshot "$work/shot.png" --screenshot-delay -5
  rejects "minimascope --screenshot-delay 1e9" "--screenshot-delay" \
    "${offscreen[@]}" "$gui" --screenshot "$work/shot.png" --screenshot-delay 1000000000
  rejects "minimascope --centre nan" "--centre" "${offscreen[@]}" "$gui" --run --surface --centre nan
  rejects "minimascope --directions up" "--directions" "${offscreen[@]}" "$gui" --directions up
  rejects "minimascope --frobnicate" "frobnicate" "${offscreen[@]}" "$gui" --frobnicate
  # The study corpus through --study, as File → Open study opens it: a study file would be run into
  # a folder named after it beside it, so each case opens a copy that must stay as it was.
  cp -r "$bad/study" "$work/gui-study"
  written=/nonexistent
  for entry in "$work"/gui-study/*; do
    case_name=$(basename "$entry" .json)
    rejects "minimascope --study $case_name" "$entry" "${offscreen[@]}" "$gui" --study "$entry"
    needle=$(study_needle "$case_name")
    [ -z "$needle" ] || also_names "minimascope --study $case_name" "$needle"
  done
  unchanged "minimascope --study: every case" "$work/gui-study" "$bad/study"
  # Run folders (--open, as File → Open run folder) whose config.json is a bad config: the reference
  # run with that file in place (given the run's id when it is an object, so that the config's own
  # fault is found rather than a mixed-up folder). Two of them: tests/gui/TestBadFiles.cpp opens every
  # config this way, and each start of the application costs more than a second.
  run_id=$(sed -n 's/.*"run_id": *"\([0-9a-f]*\)".*/\1/p' "$work/run/summary.json" | head -n 1)
  for file in "$bad"/config/truncated.json "$bad"/config/unknown-key.json; do
    case_name=$(basename "$file" .json)
    copy="$work/gui-runs/$case_name"
    mkdir -p "$work/gui-runs" && cp -r "$work/run" "$copy"
    LC_ALL=C sed "1s/^{/{\"run_id\": \"$run_id\", /" "$file" > "$copy/config.json"
    cp -r "$copy" "$copy.before"
    rejects "minimascope --open a run with config $case_name" "$copy/config.json" \
      "${offscreen[@]}" "$gui" --open "$copy"
    unchanged "minimascope --open a run with config $case_name" "$copy" "$copy.before"
  done
fi

echo "$failures failure(s)"
[ "$failures" -eq 0 ]
