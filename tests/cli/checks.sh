# Assertions shared by the command-line contract scripts (sourced): each prints "ok: ..." or
# "FAIL: ..." and counts failures; the script ends with the count and its exit status.
failures=0
check() {   # check "description" expected actual
  if [ "$2" != "$3" ]; then echo "FAIL: $1: expected '$2', got '$3'"; failures=$((failures + 1)); else echo "ok: $1"; fi
}
contains() {   # contains "description" needle file
  if grep -q -- "$2" "$3"; then echo "ok: $1"; else echo "FAIL: $1: '$2' not in $(cat "$3")"; failures=$((failures + 1)); fi
}
near() {   # near "description" expected actual tolerance
  if awk -v e="$2" -v a="$3" -v t="$4" 'BEGIN { d = a - e; if (d < 0) d = -d; exit !(a != "" && d <= t) }'; then
    echo "ok: $1 ($3)"; else echo "FAIL: $1: expected $2 +- $4, got '$3'"; failures=$((failures + 1)); fi
}
