#!/usr/bin/env python3
"""Landscape engine speed: a 51x51 filter-normalized surface, minimascope against a lean Python loop.

Usage: /usr/bin/python3 bench/run_landscape_bench.py [--build build/release] [--run DIR] [--repeats 3]
                                                     [--python-threads 2]

Without --run it first trains the canonical workload (784-256x4-10 MLP, first 1000 Fashion-MNIST
examples, the sgd-fashion-mnist preset until the training loss is below 1e-3), as the curvature
benchmark does; then times both sides on the same parameters, best of --repeats for each.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
# The 'common Python tool' (its own loop with weight setting and file writes), measured on this
# machine kind for the same grid: the figure the issue gives.
COMMON_TOOL_SECONDS = 20.2


def json_lines(cmd):
    # Passive OpenMP waits on both sides: on this shared machine, spinning waits of a 2-thread
    # team collapse when the other cores are busy (a Python run took 504 s instead of ~20 s).
    env = dict(os.environ, OMP_WAIT_POLICY=os.environ.get("OMP_WAIT_POLICY", "PASSIVE"))
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default=os.path.join(HERE, "..", "build", "release"))
    parser.add_argument("--run", help="an existing run folder of the canonical workload (skips training)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--python-threads", type=int, default=2)
    args = parser.parse_args()
    run = args.run
    if run is None:
        run = tempfile.mkdtemp(prefix="minimascope-landscape-")
        subprocess.run([os.path.join(args.build, "app", "minimascope-cli"), "train", "--preset", "sgd-fashion-mnist",
                        "--loss-below", "1e-3", "--out", run, "--quiet"], check=True)
    params = os.path.join(run, "parameters")
    cpp = json_lines([os.path.join(args.build, "bench", "minimascope-bench-landscape"), params, str(args.repeats)])
    python = json_lines([sys.executable, os.path.join(HERE, "python", "landscape_reference.py"), params,
                         "--repeats", str(args.repeats), "--threads", str(args.python_threads)])
    for row in cpp + python:
        print(json.dumps(row))
    peak = cpp[0]
    rows = {r["path"]: r for r in cpp[1:]}
    best = min(cpp[1:], key=lambda r: r["seconds"])
    lean = python[0]["seconds"]
    print()
    print(f"matmul peak: {peak['gflops_1_thread']:.1f} GFLOP/s (1 thread), {peak['gflops_2_threads']:.1f} GFLOP/s "
          f"(2 threads side by side)")
    for name, r in rows.items():
        print(f"{name:26s} {r['seconds']:6.2f} s  preview {r['preview_seconds']*1e3:6.0f} ms  "
              f"{r['gflops']:5.1f} GFLOP/s  ({r['seconds'] / r['flop_bound_seconds']:.2f}x the FLOP bound "
              f"{r['flop_bound_seconds']:.2f} s of its {r['gflop']:.0f} GFLOP)")
    print(f"python lean loop           {lean:6.2f} s  ({python[0]['threads']} thread(s))")
    print(f"best minimascope ({best['path']}): {lean / best['seconds']:.2f}x faster than the lean Python loop, "
          f"{COMMON_TOOL_SECONDS / best['seconds']:.2f}x faster than the common tool's {COMMON_TOOL_SECONDS} s")


if __name__ == "__main__":
    main()
