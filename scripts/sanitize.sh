#!/usr/bin/env bash
# Builds a sanitizer preset and runs its tests (docs/development.md, "Sanitizers").
#
#   scripts/sanitize.sh asan [CTEST_ARGS...]   AddressSanitizer + UndefinedBehaviorSanitizer (and
#                                              LeakSanitizer): every suite, in build/asan
#   scripts/sanitize.sh tsan [CTEST_ARGS...]   ThreadSanitizer: the suites labelled gui or threads
#                                              (the GUI's workers, the core's own threads), in build/tsan
#
# CTEST_ARGS select tests in both passes below (e.g. -R TestNpy, -L unit). Configures from
# CMakePresets.json, builds with `nice -n 10` and -j2 (MINIMASCOPE_SANITIZE_JOBS to change, which
# then sets ctest's jobs too; MINIMASCOPE_SANITIZE_BUILD=0 to skip the build) everything, or with
# CTEST_ARGS only the programs the selected tests run, then tests under xvfb-run in two passes:
#   1. `ctest --preset <kind>`: every selected suite but those labelled `timing`;
#   2. the `timing` suites (they assert wall-clock time: a cancel within 200 ms...), one at a time;
#      a failure there counts only with a sanitizer report, a missed time is printed and forgiven.
# The sanitizers write their reports to build/<kind>/sanitizer-reports/ (a file per process, so that
# a report from a program a test runs, e.g. minimascope-cli, is not lost in the test's output;
# UBSan, which writes to stderr, is copied there from the tests' output); the first lines of each
# are printed at the end. Third-party findings are suppressed by library in
# tests/sanitizers/{lsan,ubsan,tsan}.supp, never our own code.
# Exit status: 0 when every test passed and no sanitizer reported anything, 1 otherwise, 2 for bad
# usage or a failed configure/build.
set -uo pipefail

kind=${1:-}
case "$kind" in
  asan | tsan) shift ;;
  *)
    sed -n '2,7p' "$0" >&2
    exit 2
    ;;
esac
source_dir=$(cd "$(dirname "$0")/.." && pwd)
cd "$source_dir" || exit 2
build_dir=$source_dir/build/$kind
supp=$source_dir/tests/sanitizers
command -v xvfb-run >/dev/null || { echo "sanitize.sh: needs xvfb-run (scripts/install-deps.sh)" >&2; exit 2; }

seconds() { date +%s; }
started=$(seconds)
cmake --preset "$kind" >/dev/null || { echo "sanitize.sh: configuring build/$kind failed" >&2; exit 2; }
# With CTEST_ARGS (tsan: or its labels), only the programs the selected tests run (e.g. -L unit:
# minimascope-unit-tests); everything if one of them is given the build directory (the package test).
select=("$@")
[[ $kind == asan || $# -gt 0 ]] || select=(-L 'gui|threads')
targets=()
if [[ ${#select[@]} -gt 0 ]]; then
  everything=0
  while IFS= read -r word; do
    word=${word//\"/}
    if [[ $word == "$build_dir" || $word == "$build_dir/" ]]; then
      everything=1
    elif [[ $word == "$build_dir"/* ]]; then
      targets+=("$(basename "$word")")
    fi
  done < <(ctest --test-dir "$build_dir" -N -V "${select[@]}" | sed -n 's/^[0-9]*: Test command: //p' | tr ' ' '\n')
  if [[ $everything == 1 ]]; then
    targets=()
  elif [[ ${#targets[@]} -gt 0 ]]; then
    mapfile -t targets < <(printf '%s\n' "${targets[@]}" | sort -u)
    targets=(--target "${targets[@]}")
  fi
fi
if [[ ${MINIMASCOPE_SANITIZE_BUILD:-1} != 0 ]]; then
  echo "sanitize.sh: building build/$kind ${targets[*]:-(everything)}"
  nice -n 10 cmake --build --preset "$kind" -j "${MINIMASCOPE_SANITIZE_JOBS:-2}" "${targets[@]}" ||
    { echo "sanitize.sh: building build/$kind failed" >&2; exit 2; }
fi
built=$(seconds)

reports=$build_dir/sanitizer-reports
rm -rf "$reports"
mkdir -p "$reports"
# The runtime options of one pass, its reports under $1.
set_options() {
  local log=$1
  mkdir -p "$log"
  if [[ $kind == asan ]]; then
    export ASAN_OPTIONS="log_path=$log/asan:detect_leaks=1:check_initialization_order=1:strict_init_order=1"
    export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0"
    # GCC links UBSan's runtime (libubsan) apart from ASan's, and it writes to stderr whatever
    # log_path says: its reports are taken from the tests' output instead (collect_ubsan).
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$supp/ubsan.supp"
  else
    export TSAN_OPTIONS="log_path=$log/tsan:suppressions=$supp/tsan.supp:print_suppressions=0:second_deadlock_stack=1:history_size=4"
  fi
}
# UBSan's reports in the output of the ctest run that just ended (LastTest.log keeps every test's
# output, passed or not; the next ctest call overwrites it), with their stacks, into $1. A report
# from a program a test script runs is there only if the script lets its stderr through.
collect_ubsan() {
  local log=$build_dir/Testing/Temporary/LastTest.log
  if [[ -f $log ]] && grep -q 'runtime error: ' "$log"; then
    grep -A 8 'runtime error: ' "$log" >"$1/ubsan-in-test-output"
  fi
}
# Prints the head of every report under $1; true if there was none.
show_reports() {
  local found=0 file
  while IFS= read -r file; do
    found=1
    echo "---- ${file#"$build_dir"/}"
    # The report's first lines: what, where, the first frames of the access and of the allocation.
    grep -v '^\s*$' "$file" | head -n "${MINIMASCOPE_SANITIZE_REPORT_LINES:-25}"
  done < <(find "$1" -type f | sort)
  [[ $found == 0 ]]
}

status=0
# The preset's jobs (asan 2, tsan 1) unless MINIMASCOPE_SANITIZE_JOBS says otherwise.
jobs=()
[[ -z ${MINIMASCOPE_SANITIZE_JOBS:-} ]] || jobs=(-j "$MINIMASCOPE_SANITIZE_JOBS")
echo "sanitize.sh: pass 1, ctest --preset $kind ${jobs[*]} $*"
set_options "$reports/pass1"
xvfb-run -a ctest --preset "$kind" "${jobs[@]}" "$@" || status=1
collect_ubsan "$reports/pass1"
pass1=$(seconds)

# Pass 2: the timing suites the preset selects otherwise (tsan: labelled gui or threads too).
mapfile -t timing < <(ctest --test-dir "$build_dir" -N -L timing "$@" | awk '/Test +#/ {print $3}')
if [[ $kind == tsan ]]; then
  mapfile -t selected < <(ctest --test-dir "$build_dir" -N -L 'gui|threads' "$@" | awk '/Test +#/ {print $3}')
  mapfile -t timing < <(comm -12 <(printf '%s\n' "${timing[@]}" | sort) <(printf '%s\n' "${selected[@]}" | sort))
fi
forgiven=()
for test in "${timing[@]}"; do
  [[ -n $test ]] || continue
  echo "sanitize.sh: pass 2, $test alone (its wall-clock checks are forgiven)"
  set_options "$reports/timing-$test"
  mkdir -p "$build_dir/sanitizer-logs"
  output=$build_dir/sanitizer-logs/timing-$test.log
  xvfb-run -a ctest --test-dir "$build_dir" -R "^$test\$" --output-on-failure >"$output" 2>&1
  passed=$?
  collect_ubsan "$reports/timing-$test"
  if [[ $passed == 0 && -z $(find "$reports/timing-$test" -type f) ]]; then
    tail -n 3 "$output" | head -n 1
  elif [[ -z $(find "$reports/timing-$test" -type f) ]]; then
    # A crash or timeout is no missed time.
    if grep -qE '\*\*\*(Exception|Timeout)|SEGFAULT|Subprocess aborted' "$output"; then
      status=1
      echo "    $test crashed or timed out (no sanitizer report): counted. Its output: $output"
    else
      forgiven+=("$test")
      echo "    $test failed without a sanitizer report: a missed time, forgiven. Its failures:"
    fi
    grep -E '^(FAIL!|   Loc:)' "$output" | head -n 10 | sed 's/^/    /'
  else
    status=1
    cat "$output"
  fi
done
finished=$(seconds)

echo
echo "sanitize.sh: sanitizer reports ($reports):"
if show_reports "$reports"; then
  echo "  none"
else
  status=1
fi
[[ ${#forgiven[@]} == 0 ]] || echo "sanitize.sh: timing failures forgiven: ${forgiven[*]}"
echo "sanitize.sh: $kind build $((built - started)) s, pass 1 $((pass1 - built)) s, pass 2 $((finished - pass1)) s:" \
  "$([[ $status == 0 ]] && echo clean || echo FAILED)"
exit $status
