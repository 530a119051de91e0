# Assertions shared by the command-line contract scripts (sourced): each prints "ok: ..." or
# "FAIL: ..." and counts failures; the script ends with the count and its exit status.
failures=0
check() {   # check "description" expected actual
  if [ "$2" != "$3" ]; then echo "FAIL: $1: expected '$2', got '$3'"; failures=$((failures + 1)); else echo "ok: $1"; fi
}
contains() {   # contains "description" needle file
  if grep -q -- "$2" "$3"; then echo "ok: $1"; else echo "FAIL: $1: '$2' not in $(cat "$3")"; failures=$((failures + 1)); fi
}
near() {   # near "description" expected actual tolerance: |actual - expected| <= tolerance
  if awk -v e="$2" -v a="$3" -v t="$4" 'BEGIN { d = a - e; if (d < 0) d = -d; exit !(a != "" && d <= t) }'; then
    echo "ok: $1 ($3)"
  else
    local off   # the difference, when there is a number to take it of
    off=$(awk -v e="$2" -v a="$3" 'BEGIN { if (a == "") exit; d = a - e; if (d < 0) d = -d; printf "%.3g", d }')
    echo "FAIL: $1: expected $2 +- $4, got '$3' (off by ${off:-?})"; failures=$((failures + 1))
  fi
}
# Parses every file of a run folder as its format demands; prints the run's status.
check_run_folder() {   # check_run_folder DIR (needs /usr/bin/python3)
  /usr/bin/python3 - "$1" <<'EOF'
import csv, json, os, sys
run = sys.argv[1]
summary = json.load(open(os.path.join(run, "summary.json")))
run_id = summary["run_id"]
config = json.load(open(os.path.join(run, "config.json")))
assert config["run_id"] == run_id, "config.json of another run"
for name in ("metrics.csv", "curvature.csv"):
    path = os.path.join(run, name)
    if not os.path.exists(path):
        continue
    text = open(path).read()
    lines = text.split("\n")
    complete = lines[:-1]   # the part after the last newline is a torn row at most
    header = complete[0].split(",")
    assert header[-1] == "run_id", name + ": header"
    for line in complete[1:]:
        fields = line.split(",")
        assert len(fields) == len(header) and fields[-1] == run_id, name + ": bad row " + line
for folder in ("parameters", "checkpoint"):
    index = os.path.join(run, folder, "index.json")
    if os.path.exists(index):
        assert json.load(open(index))["run_id"] == run_id, folder + " of another run"
print(summary["status"], "checkpoint" in summary)
EOF
}
