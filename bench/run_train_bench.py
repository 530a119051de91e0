#!/usr/bin/env python3
"""Training speed: minimascope's trainer against the idiomatic PyTorch loop, same machine, same run.

Usage: /usr/bin/python3 bench/run_train_bench.py [--build build/release] [--seconds 3]

Runs build/.../bench/minimascope-bench-train and bench/python/sgd_steps.py (Debian's python3-torch,
the same LibTorch 1.13) at 1 and 2 threads each, and prints each side's best and the ratio per batch
size. Needs the Fashion-MNIST package (dataset-fashion-mnist).
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def run_lines(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default=os.path.join(HERE, "..", "build", "release"))
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--n", type=int, default=1000)
    args = parser.parse_args()
    batches = [1, 10, 100, args.n]

    cpp = run_lines([os.path.join(args.build, "bench", "minimascope-bench-train"), str(args.seconds),
                     str(args.n)] + [str(b) for b in batches])
    python = []
    for threads in (1, 2):
        python += run_lines(["/usr/bin/python3", os.path.join(HERE, "python", "sgd_steps.py"),
                             "--n", str(args.n), "--threads", str(threads), "--seconds", str(args.seconds)]
                            + sum([["--batch", str(b)] for b in batches], []))

    def best(rows, batch):
        row = max((r for r in rows if r["batch"] == batch), key=lambda r: r["steps_per_second"])
        return row["steps_per_second"], row["threads"]

    print(f"{'batch':>6} {'minimascope/s':>14} {'thr':>4} {'python/s':>10} {'thr':>4} {'ratio':>6}")
    for batch in batches:
        (c, ct), (p, pt) = best(cpp, batch), best(python, batch)
        print(f"{batch:>6} {c:>14.1f} {ct:>4} {p:>10.1f} {pt:>4} {c / p:>6.2f}")
    print("all rows:", json.dumps(cpp + python), file=sys.stderr)


if __name__ == "__main__":
    main()
