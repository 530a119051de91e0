#!/usr/bin/python3
"""Imports PyTorch weights for a built-in architecture into a MinimaScope run folder.

  /usr/bin/python3 scripts/import_state_dict.py --state-dict FILE.pt (--preset NAME | --config FILE)
                                                --out DIR [--set KEY=VALUE ...] [--overwrite]

FILE.pt is a state_dict saved with torch.save(model.state_dict(), FILE) from the nn.Sequential
that equals the built-in model (docs/own-model.md lists them); a whole saved module, or a dict
holding the state_dict under "state_dict" or "model_state_dict", works too. The config (or
preset, with --set overrides) says which built-in model and which data: analyze and landscape
measure on that data.

How: minimascope-cli itself writes the run folder (train with stop.max_iterations = 0), so the
folder format lives in one place; this script then puts the state_dict's tensors in place of the
initial weights, in order (parameters with parameters, BatchNorm statistics with buffers, each
pair's shape checked), marks the summary "imported" and empties metrics.csv to its header. The
fast R-operator engine then serves the imported weights.

Exit codes as the CLI's: 0 done, 2 bad input (a mismatched shape names the tensor and both shapes).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import torch

BUFFER_SUFFIXES = ("running_mean", "running_var", "num_batches_tracked")


def fail(message):
    print(f"import_state_dict.py: {message}", file=sys.stderr)
    sys.exit(2)


def find_cli(explicit):
    if explicit:
        return explicit
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for candidate in (shutil.which("minimascope-cli"),
                      os.path.join(root, "build/release/app/minimascope-cli"),
                      os.path.join(root, "build/ci/app/minimascope-cli"),
                      os.path.join(root, "build/dev/app/minimascope-cli")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    fail("minimascope-cli not found: pass --cli PATH")


def load_state_dict(path):
    try:
        loaded = torch.load(path, map_location="cpu")
    except Exception as e:  # noqa: BLE001 - any unreadable file is the user's input
        fail(f"{path}: not a file saved with torch.save ({e})")
    if isinstance(loaded, torch.nn.Module):
        loaded = loaded.state_dict()
    if isinstance(loaded, dict):
        for key in ("state_dict", "model_state_dict"):
            if isinstance(loaded.get(key), dict):
                loaded = loaded[key]
    if not isinstance(loaded, dict) or not all(torch.is_tensor(v) for v in loaded.values()):
        fail(f"{path}: not a state_dict (a dict of tensor names to tensors)")
    if not loaded:
        fail(f"{path}: the state_dict is empty")
    return loaded


def write_run(cli, args, out, overwrite):
    """The built-in model's run folder, written by the CLI without training."""
    command = [cli, "train", "--quiet", "--out", out, "--set", "stop.max_iterations=0",
               "--checkpoint-every", "0"]
    command += ["--config", args.config] if args.config else ["--preset", args.preset]
    for item in args.set or []:
        command += ["--set", item]
    if overwrite:
        command.append("--overwrite")
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        sys.exit(result.returncode)


def match(state_dict, index, path):
    """Pairs each built-in tensor of the index with the state_dict's tensor in the same place."""
    ours = {"parameter": [], "buffer": []}
    for entry in index["tensors"]:
        ours[entry["kind"]].append(entry)
    theirs = {"parameter": [], "buffer": []}
    for name, value in state_dict.items():
        theirs["buffer" if name.endswith(BUFFER_SUFFIXES) else "parameter"].append((name, value))
    pairs = []
    for kind in ("parameter", "buffer"):
        if len(ours[kind]) != len(theirs[kind]):
            fail(f"{path}: {len(theirs[kind])} {kind} tensors ({', '.join(n for n, _ in theirs[kind]) or 'none'}) "
                 f"but the built-in model has {len(ours[kind])} "
                 f"({', '.join(e['name'] for e in ours[kind]) or 'none'})")
        for entry, (name, value) in zip(ours[kind], theirs[kind]):
            if list(value.shape) != entry["shape"]:
                fail(f"{path}: tensor '{name}' has shape {list(value.shape)} but the built-in model's "
                     f"'{entry['name']}' (in the same place) has shape {entry['shape']}")
            pairs.append((entry, name, value))
    return pairs


def replace_json(path, update):
    with open(path) as f:
        data = json.load(f)
    update(data)
    temp = path + ".tmp-import"
    with open(temp, "w") as f:
        json.dump(data, f, indent=2)
        f.write("\n")
    os.replace(temp, path)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--state-dict", required=True)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--config")
    source.add_argument("--preset")
    parser.add_argument("--set", action="append", metavar="KEY=VALUE", help="config override, as train --set")
    parser.add_argument("--out", required=True)
    parser.add_argument("--overwrite", action="store_true", help="replace the run in --out")
    parser.add_argument("--cli", help="the minimascope-cli to use (default: PATH, then build/*/app)")
    args = parser.parse_args()
    cli = find_cli(args.cli)
    state_dict = load_state_dict(args.state_dict)

    # Check the names and shapes against a scratch folder first, so a mismatch leaves --out untouched.
    parent = os.path.dirname(os.path.abspath(args.out))
    os.makedirs(parent, exist_ok=True)
    scratch = tempfile.mkdtemp(prefix=".import-", dir=parent)
    try:
        write_run(cli, args, os.path.join(scratch, "run"), overwrite=False)
        with open(os.path.join(scratch, "run", "parameters", "index.json")) as f:
            match(state_dict, json.load(f), args.state_dict)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    write_run(cli, args, args.out, args.overwrite)
    parameters = os.path.join(args.out, "parameters")
    with open(os.path.join(parameters, "index.json")) as f:
        index = json.load(f)
    for entry, name, value in match(state_dict, index, args.state_dict):
        array = value.detach().cpu().numpy().astype(entry["dtype"])
        np.save(os.path.join(parameters, entry["file"]), array)
        print(f"{name:>28} -> {entry['name']} {entry['shape']}")

    def mark_imported(summary):
        summary["reason"] = "imported"
        summary["iterations"] = 0
        summary["imported_from"] = os.path.abspath(args.state_dict)
        summary.pop("final", None)   # measured on the initial weights, not on these
    replace_json(os.path.join(args.out, "summary.json"), mark_imported)
    metrics = os.path.join(args.out, "metrics.csv")
    with open(metrics) as f:
        header = f.readline()
    with open(metrics, "w") as f:
        f.write(header)
    print(f"{args.state_dict} -> {args.out} (run {index.get('run_id', '?')}): analyze and landscape take it")


if __name__ == "__main__":
    main()
