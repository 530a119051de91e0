#!/usr/bin/env bash
# Fuzzes the parsers of files a user may be handed (IDX, .npy, .npz, run configs, tensor folders'
# index.json, CSV tables) with libFuzzer: configures and builds build/fuzz with clang, AddressSanitizer
# and UndefinedBehaviorSanitizer, then runs each target for a fixed time from its committed seeds
# fuzz/corpus/<target>/ (docs/development.md, "Fuzzing").
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]    SECONDS per target (default 60); targets: all by default,
#                                            or some of: idx npy npz run_config tensor_index csv
#
# Needs clang-14 and libfuzzer-14-dev (Debian 12; CXX/CC choose another clang). Builds with
# `nice -n 10 ninja -j1` (MINIMASCOPE_FUZZ_JOBS to change -j): the first build compiles the core
# libraries with clang, about 5 minutes on 2 cores.
# A finding (a crash, a sanitizer report, an exception other than InputError, an allocation above
# 512 MB, an input that takes over 10 s) stops that target and is written to
# build/fuzz/findings/<target>/ with the report in build/fuzz/logs/<target>.log. Fix the parser, copy
# the reproducer into fuzz/corpus/<target>/ and TestFuzzCorpus replays it in every build from then
# on. Inputs that reached new code stay in build/fuzz/corpus/<target>/ for the next run.
# Exit status: 0 when no target found anything, 1 when one did, 2 for bad usage or a failed build.
set -euo pipefail

targets_all=(idx npy npz run_config tensor_index csv)
seconds=60
if [[ $# -gt 0 && $1 =~ ^[0-9]+$ ]]; then
  seconds=$1
  shift
fi
if [[ $seconds -lt 1 ]]; then
  echo "fuzz.sh: SECONDS must be at least 1" >&2
  exit 2
fi
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=("${targets_all[@]}")
for target in "${targets[@]}"; do
  case " ${targets_all[*]} " in
    *" $target "*) ;;
    *) echo "fuzz.sh: unknown target '$target' (known: ${targets_all[*]})" >&2; exit 2 ;;
  esac
done

source_dir=$(cd "$(dirname "$0")/.." && pwd)
build_dir=$source_dir/build/fuzz
cxx=${CXX:-clang++-14}
cc=${CC:-clang-14}
if ! command -v "$cxx" >/dev/null; then
  echo "fuzz.sh: $cxx not found (apt-get install clang-14 libfuzzer-14-dev)" >&2
  exit 2
fi

if [[ ! -f $build_dir/CMakeCache.txt ]]; then
  # Only what the fuzz targets link: no GUI, tests, benchmarks or MPI.
  cmake -S "$source_dir" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" -DMINIMASCOPE_FUZZ=ON \
    -DMINIMASCOPE_BUILD_GUI=OFF -DMINIMASCOPE_BUILD_TESTS=OFF -DMINIMASCOPE_BUILD_BENCHMARKS=OFF \
    -DMINIMASCOPE_MPI=OFF >/dev/null || exit 2
fi
programs=()
for target in "${targets[@]}"; do programs+=("minimascope-fuzz-$target"); done
nice -n 10 cmake --build "$build_dir" --target "${programs[@]}" -- -j"${MINIMASCOPE_FUZZ_JOBS:-1}" || exit 2

# Leaks are findings too; the reports name the frame that made the bad call.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
found=0
for target in "${targets[@]}"; do
  corpus=$build_dir/corpus/$target
  findings=$build_dir/findings/$target
  log=$build_dir/logs/$target.log
  mkdir -p "$corpus" "$findings" "$(dirname "$log")"
  options=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=512 -max_len=65536
           -artifact_prefix="$findings/" -print_final_stats=1)
  dictionary=$source_dir/fuzz/dictionaries/$target.dict
  [[ -f $dictionary ]] && options+=(-dict="$dictionary")
  before=$(find "$findings" -type f | wc -l)
  echo "== $target: ${seconds} s"
  # New inputs go to the first folder (the build's), never into the committed seeds.
  status=0
  "$build_dir/fuzz/minimascope-fuzz-$target" "${options[@]}" "$corpus" "$source_dir/fuzz/corpus/$target" \
    >"$log" 2>&1 || status=$?
  grep -E '^#[0-9]+[[:space:]]+DONE|^stat::number_of_executed_units|^stat::peak_rss_mb' "$log" | sed 's/^/   /' || true
  after=$(find "$findings" -type f | wc -l)
  if [[ $status -ne 0 || $after -gt $before ]]; then
    found=1
    echo "   FOUND (exit $status), report in $log:"
    grep -E 'ERROR: |SUMMARY: |runtime error: |terminate called|what\(\):|Test unit written to' "$log" \
      | head -n 8 | sed 's/^/   /'
  else
    echo "   nothing found"
  fi
done
exit $found
