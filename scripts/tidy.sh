#!/usr/bin/env bash
# Runs clang-tidy 14 (.clang-tidy) over the tree and fails only on warnings that are not in the
# committed baseline .clang-tidy-baseline (docs/development.md, "clang-tidy").
#
#   scripts/tidy.sh [BUILD_DIR] [FILES...]   every source file of BUILD_DIR's compile_commands.json,
#                                            or only FILES (.cpp, or .h: a file that includes it)
#   scripts/tidy.sh --since REF [BUILD_DIR]  the .cpp/.h files changed since REF, and new ones not
#                                            yet added to git (not in CI yet)
#   scripts/tidy.sh --update-baseline [...]  record the warnings found as the baseline (a whole run
#                                            rewrites it; with FILES, only their entries change)
#
# BUILD_DIR defaults to build/tidy, configured here with the `tidy` preset (no unity batches, no
# torch PCH, so that compile_commands.json has one entry per source file; configuring and running
# moc take a few minutes the first time; nothing is compiled). Another build directory works if it
# was configured with MINIMASCOPE_UNITY_BUILD=OFF (e.g. build/dev). Runs MINIMASCOPE_TIDY_JOBS
# clang-tidy processes at a time (default 2), under `nice -n 10`.
# The baseline counts warnings per file, check and message, without line numbers, so that edits
# elsewhere in a file do not make its old warnings new. Exit status: 0 when nothing is new, 1 when
# something is (printed with file and line), 2 for bad usage, a missing tool, an unknown revision
# or a crash of clang-tidy (--update-baseline still records what the other files gave).
set -uo pipefail

caller=$PWD
source_dir=$(cd "$(dirname "$0")/.." && pwd)
cd "$source_dir" || exit 2
baseline=$source_dir/.clang-tidy-baseline
tidy=${CLANG_TIDY:-clang-tidy-14}

since=
update=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --since) since=${2:?--since needs a revision}; shift 2 ;;
    --update-baseline) update=1; shift ;;
    -h | --help) sed -n '2,20p' "$0"; exit 0 ;;
    -*) echo "tidy.sh: unknown option $1 (--help)" >&2; exit 2 ;;
    *) break ;;
  esac
done
command -v "$tidy" >/dev/null || { echo "tidy.sh: needs $tidy (scripts/install-deps.sh --tests)" >&2; exit 2; }
# A revision git does not know (a typo, or history a shallow clone lacks) is an error, not "nothing
# changed".
if [[ -n $since ]] && ! git rev-parse --verify -q "$since^{commit}" >/dev/null; then
  echo "tidy.sh: unknown revision '$since'" >&2
  exit 2
fi
build_dir=$source_dir/build/tidy
# FILES and BUILD_DIR are relative to the directory the script was started from.
if [[ $# -gt 0 ]]; then
  given=$1
  [[ $given == /* ]] || given=$caller/$given
  if [[ -d $given ]] && [[ -f $given/compile_commands.json || -f $given/CMakeCache.txt ]]; then
    build_dir=$(cd "$given" && pwd)
    shift
  fi
fi

if [[ $build_dir == "$source_dir/build/tidy" ]]; then
  if [[ ! -f $build_dir/build.ninja ]]; then
    echo "tidy.sh: configuring build/tidy (cmake --preset tidy)"
    cmake --preset tidy >/dev/null || { echo "tidy.sh: configuring build/tidy failed" >&2; exit 2; }
  else
    # Configure again if a CMakeLists.txt or the sources' globs changed (a new .cpp would be missing
    # from compile_commands.json and silently not checked).
    nice -n 10 cmake --build "$build_dir" --target build.ninja >/dev/null ||
      { echo "tidy.sh: configuring build/tidy again failed" >&2; exit 2; }
  fi
  # The test suites include their moc output ("TestFoo.moc"): run moc (and uic/rcc) as the build
  # would, but directly, since the build's autogen steps wait for the libraries to be compiled.
  while IFS= read -r info; do
    (cd "$(dirname "$(dirname "$(dirname "$info")")")" && nice -n 10 cmake -E cmake_autogen "$info" Release) ||
      { echo "tidy.sh: moc in build/tidy failed ($info)" >&2; exit 2; }
  done < <(find "$build_dir" -path '*_autogen.dir/AutogenInfo.json')
fi
database=$build_dir/compile_commands.json
[[ -f $database ]] || { echo "tidy.sh: no $database (CMAKE_EXPORT_COMPILE_COMMANDS)" >&2; exit 2; }
if grep -q '/Unity/unity_' "$database"; then
  echo "tidy.sh: $build_dir is a unity build; use build/tidy or configure with -DMINIMASCOPE_UNITY_BUILD=OFF" >&2
  exit 2
fi

# The project's translation units in the database (not generated files, not the PCH holder).
mapfile -t units < <(sed -n 's/^ *"file": "\(.*\)",\{0,1\}$/\1/p' "$database" |
  awk -v dir="$source_dir/" 'index($0, dir) == 1 && substr($0, length(dir) + 1) ~ /^(core|ui|app|tests|fuzz|bench)\/.*\.cpp$/' |
  sort -u)
[[ ${#units[@]} -gt 0 ]] || { echo "tidy.sh: no source files in $database" >&2; exit 2; }
# Membership without `printf | grep -q`, which under pipefail fails when grep stops reading early.
declare -A is_unit
for unit in "${units[@]}"; do is_unit[$unit]=1; done

# A translation unit for a file: itself, or for a header its .cpp, else the first unit including it.
unit_for() {
  local file=$1 stem candidate
  [[ $file == /* ]] || file=$caller/$file
  file=$(realpath -m "$file")
  case "$file" in
    *.cpp) [[ -z ${is_unit[$file]:-} ]] || echo "$file"; return ;;
    *.h)
      stem=${file%.h}
      if [[ -n ${is_unit[$stem.cpp]:-} ]]; then
        echo "$stem.cpp"
        return
      fi
      for candidate in "${units[@]}"; do
        if grep -q "#include \"\(.*/\)\{0,1\}$(basename "$file")\"" "$candidate"; then
          echo "$candidate"
          return
        fi
      done
      ;;
  esac
}

files=("$@")
if [[ -n $since ]]; then
  [[ ${#files[@]} == 0 ]] || { echo "tidy.sh: --since takes no FILES" >&2; exit 2; }
  # Committed or not, and new files git does not track yet (relative to the top of the tree).
  changed=$(git diff --name-only --diff-filter=ACMR "$since" -- '*.cpp' '*.h' &&
    git ls-files --others --exclude-standard -- '*.cpp' '*.h') ||
    { echo "tidy.sh: git diff $since failed" >&2; exit 2; }
  mapfile -t files < <(printf '%s' "$changed" | sed '/^$/d')
  files=("${files[@]/#/$source_dir/}")
  if [[ ${#files[@]} == 0 ]]; then
    echo "tidy.sh: no .cpp/.h file changed since $since"
    exit 0
  fi
fi
if [[ ${#files[@]} -gt 0 ]]; then
  mapfile -t selected < <(for f in "${files[@]}"; do unit_for "$f"; done | sort -u)
  if [[ ${#selected[@]} == 0 ]]; then
    echo "tidy.sh: none of the files is (or is included by) a source file of $database"
    exit 0
  fi
else
  selected=("${units[@]}")
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
started=$(date +%s)
echo "tidy.sh: clang-tidy on ${#selected[@]} file(s) with ${MINIMASCOPE_TIDY_JOBS:-2} jobs ($build_dir)"
# One log per file; clang's view of GCC-only warning flags (-Wshadow=local) is not a finding.
# clang-tidy's exit status is not used: it is 1 for code clang does not compile, which is reported
# below as an `error:` like a warning. A crash is not: its file's warnings would be missing.
printf '%s\n' "${selected[@]}" | nice -n 10 xargs -P "${MINIMASCOPE_TIDY_JOBS:-2}" -I{} \
  sh -c '"$1" -p "$2" --quiet --extra-arg=-Wno-unknown-warning-option "$3" >"$4/$(echo "$3" | md5sum | cut -c1-16).log" 2>&1 || true' \
  _ "$tidy" "$build_dir" {} "$work"
echo "tidy.sh: $(($(date +%s) - started)) s"
crashed=$(grep -l -E '^(Stack dump:|PLEASE submit a bug report)' "$work"/*.log)
status=0
if [[ -n $crashed ]]; then
  # Its file's warnings are missing: no comparison can pass; a baseline is still recorded (exit 2).
  echo "tidy.sh: clang-tidy crashed on:" >&2
  while IFS= read -r log; do grep -m 3 -E 'Stack dump|^[0-9]+\.' "$log" | sed 's/^/  /' >&2; done <<<"$crashed"
  [[ $update == 1 ]] || exit 2
  status=2
fi

# Warnings (and errors: code clang does not compile) in our files, once per place:
#   path<TAB>line<TAB>check<TAB>message
# (sed's delimiter is @, not |: with |, the alternation \| would be a literal |, and nothing matched.)
dir_pattern=$(printf '%s' "$source_dir" | sed 's/[][\.*^$@]/\\&/g')
cat "$work"/*.log |
  sed -n "s@^$dir_pattern/\([^:]*\):\([0-9]*\):[0-9]*: \(warning\|error\|fatal error\): \(.*\) \[\([^]]*\)\]\$@\1\t\2\t\5\t\4@p" |
  grep -v '^build/' | sort -u >"$work/found"
# Counted per file, check and message: count<TAB>path<TAB>check<TAB>message
cut -f1,3,4 "$work/found" | sort | uniq -c | sed 's/^ *\([0-9]*\) /\1\t/' | sort -t$'\t' -k2 >"$work/counts"

if [[ $update == 1 ]]; then
  {
    if [[ ${#files[@]} -gt 0 && -f $baseline ]]; then
      # Keep the entries of the files not analysed now.
      { printf '%s\n' "${selected[@]}" | sed "s@^$dir_pattern/@@"; cut -f2 "$work/counts"; } >"$work/analysed"
      grep -v '^#' "$baseline" | awk -F'\t' 'NR == FNR {seen[$0] = 1; next} !($2 in seen)' "$work/analysed" -
    fi
    cat "$work/counts"
  } | sort -t$'\t' -k2,2 -k3,3 -k4 >"$work/entries"
  {
    echo "# clang-tidy warnings the tree had when they were recorded (scripts/tidy.sh --update-baseline):"
    echo "# count<TAB>file<TAB>check<TAB>message. scripts/tidy.sh fails when a file has more of one."
    cat "$work/entries"
  } >"$baseline"
  echo "tidy.sh: baseline $(grep -vc '^#' "$baseline") entries, $(grep -v '^#' "$baseline" | awk -F'\t' '{s += $1} END {print s + 0}') warnings"
  exit $status
fi

touch "$baseline"
# Keys with more warnings than the baseline allows.
awk -F'\t' 'NR == FNR {if ($0 !~ /^#/) allowed[$2 "\t" $3 "\t" $4] = $1; next}
            {key = $2 "\t" $3 "\t" $4; if ($1 > allowed[key] + 0) print key "\t" $1 "\t" allowed[key] + 0}' \
  "$baseline" "$work/counts" >"$work/new"
total=$(awk -F'\t' '{s += $1} END {print s + 0}' "$work/counts")
if [[ -s $work/new ]]; then
  echo "tidy.sh: NEW clang-tidy warnings (file: found/allowed; fix them, or if one must stay, NOLINT it with a reason):"
  while IFS=$'\t' read -r path check message count allowed; do
    echo "  $path: $count/$allowed [$check] $message"
    P=$path C=$check M=$message awk -F'\t' '$1 == ENVIRON["P"] && $3 == ENVIRON["C"] && $4 == ENVIRON["M"] {print "    line " $2}' "$work/found"
  done <"$work/new"
  exit 1
fi
echo "tidy.sh: no new warnings ($total known ones in the files analysed, see .clang-tidy-baseline)"
