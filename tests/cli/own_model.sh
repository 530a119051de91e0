#!/usr/bin/env bash
# Your own model and data through the CLI (docs/own-model.md): TorchScript MLP and CNN on arrays
# (.npy folder, .npz stored and deflated, CSV) trained, analyzed and drawn; a state_dict imported
# into a run folder gives the same a and s as the TorchScript copy of the same weights; bad files
# exit 2 with their message. Needs /usr/bin/python3 with python3-torch and python3-numpy.
# Usage: own_model.sh path/to/minimascope-cli
set -uo pipefail
cli="$1"
scripts="$(cd "$(dirname "$0")/../../scripts" && pwd)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$(dirname "$0")/checks.sh"
# Tolerances. Both analyses certify their eigenvalues to 1e-6 relative, and the two paths compute
# the same float32 sums in different orders: they agree to the issue's bar, 1e-5 relative (as
# tests/oracle/TestOwnModel.cpp's kSameNumbers).
analysis_tolerance=1e-6
same_numbers_tolerance=1e-5
py=/usr/bin/python3
json_value() {   # json_value FILE KEY...: a number from a JSON file
  "$py" -c 'import json, sys; v = json.load(open(sys.argv[1]))
for k in sys.argv[2:]: v = v[int(k)] if isinstance(v, list) else v[k]
print(v)' "$@"
}
relative() {   # relative A B: |A - B| / max(|A|, |B|)
  awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; m = (a < 0 ? -a : a); n = (b < 0 ? -b : b); if (n > m) m = n; printf "%.3g\n", d / m }'
}

"$py" "$scripts/make_own_model_example.py" "$work/own" --n 200 --n-test 50 --widths 32,32 --bad > /dev/null
check "the example script runs" 0 $?
"$py" - "$work/own" <<'PY'
import numpy as np, sys
d = np.load(sys.argv[1] + "/data.npz")
np.savez_compressed(sys.argv[1] + "/deflated.npz", X=d["X"], y=d["y"])
x, y = d["X"][:60].reshape(60, -1)[:, :20], d["y"][:60]
with open(sys.argv[1] + "/table.csv", "w") as f:
    f.write(",".join([f"p{i}" for i in range(10)] + ["label"] + [f"p{i}" for i in range(10, 20)]) + "\n")
    for row, label in zip(x, y):
        f.write(",".join([f"{v:.6g}" for v in row[:10]] + [str(label)] + [f"{v:.6g}" for v in row[10:]]) + "\n")
PY

# A TorchScript MLP on the .npz arrays: train, analyze, landscape.
common=(--set stop.loss_below=0 --set schedule.eval_every=10 --checkpoint-every 0 --quiet)
"$cli" train --preset sgd-fashion-mnist --set dataset.name=arrays --set "dataset.path=$work/own/data.npz" \
  --set dataset.n=200 --set model.kind=torchscript --set "model.path=$work/own/mlp.pt" --max-iterations 40 \
  --track-every 20 "${common[@]}" --out "$work/mlp" > "$work/mlp.txt" 2>&1
check "train a TorchScript MLP on .npz arrays, tracking a and s" 0 $?
contains "the held-out arrays are used" "test accuracy" "$work/mlp.txt"
check "a and s tracked at iterations 20 and 40" 3 "$(wc -l < "$work/mlp/curvature.csv")"
"$cli" analyze --run "$work/mlp" --quantities sharpness,non_uniformity,stability > "$work/analyze.txt" 2>&1
check "analyze it" 0 $?
contains "analyze says the general path ran" "curvature by autograd" "$work/analyze.txt"
check "analysis.json names the path" autograd "$(json_value "$work/mlp/analysis.json" path)"
"$cli" landscape --run "$work/mlp" --resolution 7 > "$work/landscape.txt" 2>&1
check "landscape of it" 0 $?
test -s "$work/mlp/landscape_random.npy"; check "the surface is written" 0 $?

# A TorchScript CNN on the .npy folder, with Adam; deflated .npz and CSV arrays with built-in models.
"$cli" train --preset sgd-fashion-mnist --set dataset.name=arrays --set "dataset.path=$work/own/data" \
  --set dataset.n=100 --set model.kind=torchscript --set "model.path=$work/own/cnn.pt" --optimizer adam \
  --max-iterations 20 "${common[@]}" --out "$work/cnn" > /dev/null 2>&1
check "train a TorchScript CNN with Adam" 0 $?
"$cli" analyze --run "$work/cnn" --quantities sharpness > /dev/null 2>&1
check "analyze the CNN" 0 $?
"$cli" train --preset sgd-fashion-mnist --set dataset.name=arrays --set "dataset.path=$work/own/deflated.npz" \
  --set dataset.n=100 --set model.preset=lenet5 --max-iterations 10 "${common[@]}" --out "$work/lenet" > /dev/null 2>&1
check "LeNet-5 on deflated .npz arrays" 0 $?
"$cli" train --preset sgd-fashion-mnist --set dataset.name=arrays --set "dataset.path=$work/own/table.csv" \
  --set dataset.n=50 --set dataset.standardize=true --set model.widths=[16] --max-iterations 10 "${common[@]}" \
  --out "$work/csv" > /dev/null 2>&1
check "an MLP on a CSV with the label in the middle" 0 $?

# BatchNorm and Dropout inside a TorchScript module: its running statistics are saved with the run
# and come back for landscape (the centre's loss is the run's final training loss).
"$py" -c 'import sys, torch; from torch import nn
torch.jit.script(nn.Sequential(nn.Flatten(), nn.Linear(784, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Dropout(0.1),
                               nn.Linear(32, 10))).save(sys.argv[1])' "$work/own/bn.pt"
"$cli" train --preset sgd-fashion-mnist --set dataset.name=arrays --set "dataset.path=$work/own/data" \
  --set dataset.n=100 --set model.kind=torchscript --set "model.path=$work/own/bn.pt" --max-iterations 30 \
  "${common[@]}" --out "$work/bn" > /dev/null 2>&1
check "train a TorchScript module with BatchNorm and Dropout" 0 $?
contains "its BatchNorm statistics are saved" '"2.running_var"' "$work/bn/parameters/index.json"
"$cli" landscape --run "$work/bn" --resolution 3 > "$work/bn.txt" 2>&1
check "landscape of it" 0 $?
contains "the centre is the run's final loss" "loss $(printf '%.6g' "$(json_value "$work/bn/summary.json" final train_loss)") at (0, 0)" "$work/bn.txt"

# A state_dict imported for the built-in MLP gives the numbers of the TorchScript copy of it.
"$py" "$scripts/import_state_dict.py" --cli "$cli" --state-dict "$work/own/mlp_state_dict.pt" \
  --preset gd-fashion-mnist --set model.widths=[32,32] --set dataset.n=100 --set dataset.test_n=0 \
  --out "$work/imported" > "$work/import.txt" 2>&1
check "import a state_dict" 0 $?
check "the summary says imported" imported "$(json_value "$work/imported/summary.json" reason)"
check "metrics.csv holds only its header" 1 "$(wc -l < "$work/imported/metrics.csv")"
"$cli" train --preset gd-fashion-mnist --set model.kind=torchscript --set "model.path=$work/own/mlp.pt" \
  --set dataset.n=100 --set dataset.test_n=0 --max-iterations 0 "${common[@]}" --out "$work/script" > /dev/null 2>&1
check "the same weights as TorchScript, untrained" 0 $?
for run in imported script; do
  "$cli" analyze --run "$work/$run" --quantities sharpness,non_uniformity --tolerance "$analysis_tolerance" > /dev/null 2>&1
  check "analyze $run" 0 $?
done
check "imported weights take the R-operator" r-operator "$(json_value "$work/imported/analysis.json" path)"
for q in "top_eigenvalues 0 value" "non_uniformity value"; do
  # shellcheck disable=SC2086
  d=$(relative "$(json_value "$work/imported/analysis.json" $q)" "$(json_value "$work/script/analysis.json" $q)")
  near "imported and TorchScript agree on $q (relative)" 0 "$d" "$same_numbers_tolerance"
done
"$cli" landscape --run "$work/imported" --resolution 5 > /dev/null 2>&1
check "landscape of the imported run" 0 $?

# Bad files: exit 2, the file and the problem named; nothing written.
bad() {   # bad "description" "message" ARGS...: train must refuse
  local what="$1" message="$2"; shift 2
  "$cli" train --preset sgd-fashion-mnist --max-iterations 1 "${common[@]}" --out "$work/bad" "$@" > "$work/bad.txt" 2>&1
  check "$what: exit 2" 2 $?
  contains "$what: message" "$message" "$work/bad.txt"
  test ! -e "$work/bad/summary.json"; check "$what: no run folder" 0 $?
}
ts=(--set dataset.n=100 --set model.kind=torchscript)
bad "not TorchScript" "not_torchscript.pt: not a TorchScript file" "${ts[@]}" --set "model.path=$work/own/bad/not_torchscript.pt"
bad "5 outputs for 10 classes" "the data set has 10 classes" "${ts[@]}" --set "model.path=$work/own/bad/five_outputs.pt"
bad "no parameters" "has no parameters" "${ts[@]}" --set "model.path=$work/own/bad/no_parameters.pt"
arrays=(--set dataset.name=arrays --set dataset.n=10)
bad "mismatched lengths" "X holds 20 examples but y holds 19 labels" "${arrays[@]}" --set "dataset.path=$work/own/bad/lengths"
bad "non-finite features" "non-finite features" "${arrays[@]}" --set "dataset.path=$work/own/bad/nonfinite"
bad "fractional labels" "is not an integer" "${arrays[@]}" --set "dataset.path=$work/own/bad/fractional"
bad "negative labels" "label -1 at index 0 is outside" "${arrays[@]}" --set "dataset.path=$work/own/bad/negative"
bad "ragged CSV" "ragged.csv line 4: 2 fields but the header has 3" "${arrays[@]}" --set "dataset.path=$work/own/bad/ragged.csv"
"$py" "$scripts/import_state_dict.py" --cli "$cli" --state-dict "$work/own/bad/wide_state_dict.pt" \
  --preset gd-fashion-mnist --set model.widths=[32,32] --out "$work/wide" > "$work/wide.txt" 2>&1
check "a mismatched state_dict: exit 2" 2 $?
contains "it names the tensor and both shapes" "tensor '1.weight' has shape \[33, 784\] but the built-in model's 'linear0.weight' (in the same place) has shape \[32, 784\]" "$work/wide.txt"
test ! -e "$work/wide"; check "and writes nothing" 0 $?

echo "$failures failures"
[ "$failures" -eq 0 ]
