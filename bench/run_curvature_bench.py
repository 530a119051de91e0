#!/usr/bin/env python3
"""Curvature engine cost: minimascope against PyHessian-style Python loops, in one run.

Usage: /usr/bin/python3 bench/run_curvature_bench.py [--build build/release] [--sizes 1000 10000 60000]

Trains the canonical workload first (784-256x4-10 MLP, first 1000 Fashion-MNIST examples, SGD
eta = 0.1, B = 10 until the training loss is below 1e-3), then times both sides on its parameters.
"""
import argparse
import json
import os
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def json_lines(cmd, env=None):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default=os.path.join(HERE, "..", "build", "release"))
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 60000])
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    run = tempfile.mkdtemp(prefix="minimascope-curvature-")
    subprocess.run([os.path.join(args.build, "app", "minimascope-cli"), "train", "--preset", "sgd-fashion-mnist",
                    "--loss-below", "1e-3", "--out", run, "--quiet"], check=True)
    params = os.path.join(run, "parameters")
    env = dict(os.environ, BENCH_THREADS=str(args.threads))
    cpp = json_lines([os.path.join(args.build, "bench", "minimascope-bench-curvature"), params]
                     + [str(n) for n in args.sizes], env)
    python = json_lines(["/usr/bin/python3", os.path.join(HERE, "python", "curvature_reference.py"), params,
                         "--threads", str(args.threads)])
    for row in cpp + python:
        print(json.dumps(row))
    c = next(r for r in cpp if r.get("n") == 1000)
    p = python[0]
    print()
    print(f"matmul peak: {cpp[0]['gflops']:.1f} GFLOP/s ({args.threads} thread(s))")
    print(f"H product: factored {c['hvp_factored_s']*1e3:.1f} ms ({c['hvp_factored_gflops']:.1f} GFLOP/s, "
          f"FLOP bound {c['hvp_flop_bound_s']*1e3:.1f} ms), autograd {c['hvp_autograd_s']*1e3:.1f} ms, "
          f"python {p['hvp_s']*1e3:.1f} ms")
    print(f"certified sharpness: {c['sharpness']['seconds']:.2f} s, {c['sharpness']['products']} products, "
          f"residual {c['sharpness']['residual']:.2g} | python power iteration: {p['power']['seconds']:.2f} s, "
          f"{p['power']['products']} products, residual {p['power']['residual']:.2g}")
    print(f"top-5: {c['top5']['seconds']:.2f} s vs python deflated power {p['top5_power']['seconds']:.2f} s "
          f"({p['top5_power']['seconds'] / c['top5']['seconds']:.1f}x)")
    print(f"SLQ 100 steps: {c['slq100']['seconds']:.2f} s vs python {p['slq100']['seconds']:.2f} s "
          f"({p['slq100']['seconds'] / c['slq100']['seconds']:.1f}x)")
    print(f"Sigma product: {c['sigma_factored_s']*1e3:.1f} ms = {c['sigma_over_hvp']:.2f} H products; naive loop "
          f"{c['sigma_naive_s']:.2f} s ({c['sigma_speedup_over_naive']:.0f}x); python naive {p['sigma_naive_s']:.2f} s "
          f"({p['sigma_naive_s'] / c['sigma_factored_s']:.0f}x)")
    for r in cpp[1:]:
        print(f"n = {r['n']}: H {r['hvp_factored_s']:.3f} s, Sigma {r['sigma_factored_s']:.3f} s, "
              f"peak {r['sigma_factored_peak_mb']:.0f} MB")


if __name__ == "__main__":
    main()
