#!/usr/bin/env python3
"""Curvature engine cost: minimascope against PyHessian-style Python loops, in one run.

Usage: /usr/bin/python3 bench/run_curvature_bench.py [--build build/release] [--sizes 1000 10000 60000]
           [--repeats 3] [--track-every 200]

Trains the canonical workload first (784-256x4-10 MLP, first 1000 Fashion-MNIST examples, SGD
eta = 0.1, B = 10 until the training loss is below 1e-3), then times both sides on its parameters,
--repeats times, keeping the best time of each quantity (the machine is shared). The C++ side also
times LeNet-5's H and Sigma products (per-example loop against expanded weights).
--track-every K trains the same workload once more with the curvature tracked every K steps
(warm-started, as the GUI and `train --track-every` do) and reports the products per measurement.
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


def is_time(key):
    return key == "seconds" or key.endswith("_s")


def best(a, b):
    """Row a with every time replaced by the smaller of a's and b's (recursively)."""
    if isinstance(a, dict):
        return {k: (min(v, b[k]) if is_time(k) and isinstance(v, (int, float)) else best(v, b.get(k)))
                for k, v in a.items()}
    return a


def rederive(row):
    """Ratios and rates from the best times (not from whichever run the row came from)."""
    if "hvp_factored_s" in row:
        row["hvp_factored_gflops"] = row["hvp_flops"] / row["hvp_factored_s"] / 1e9
        row["sigma_over_hvp"] = row["sigma_factored_s"] / row["hvp_factored_s"]
        if "sigma_naive_s" in row:
            row["sigma_speedup_over_naive"] = row["sigma_naive_s"] / row["sigma_factored_s"]
    if row.get("model") == "lenet5":
        row["sigma_naive_over_hvp"] = row["sigma_naive_s"] / row["hvp_s"]
    return row


def best_of(runs):
    rows = runs[0]
    for other in runs[1:]:
        rows = [best(r, o) for r, o in zip(rows, other)]
    # The machine's matmul peak: the best run's (the least disturbed).
    peak = max(run[0]["gflops"] for run in runs if "gflops" in run[0]) if "gflops" in rows[0] else None
    if peak:
        rows[0]["gflops"] = peak
        for row in rows:
            if "hvp_flops" in row:
                row["hvp_flop_bound_s"] = row["hvp_flops"] / (peak * 1e9)
    return [rederive(row) for row in rows]


def cli(args):
    return os.path.join(args.build, "app", "minimascope-cli")


def train(args, extra):
    run = tempfile.mkdtemp(prefix="minimascope-curvature-")
    subprocess.run([cli(args), "train", "--preset", "sgd-fashion-mnist", "--loss-below", "1e-3", "--out", run,
                    "--quiet"] + extra, check=True)
    return run


def tracking_summary(run, every):
    with open(os.path.join(run, "curvature.json")) as f:
        samples = json.load(f)
    warm = [s for s in samples[1:]]
    late = warm[len(warm) // 2:]

    def mean(rows, key):
        return sum(r[key] for r in rows) / max(1, len(rows))

    return {"every": every, "measurements": len(samples),
            "first": {"hessian_products": samples[0]["hessian_products"],
                      "covariance_products": samples[0]["covariance_products"]},
            "warm_mean_hessian_products": mean(warm, "hessian_products"),
            "warm_mean_covariance_products": mean(warm, "covariance_products"),
            "late_mean_hessian_products": mean(late, "hessian_products"),
            "late_mean_covariance_products": mean(late, "covariance_products"),
            "warm_mean_seconds": mean(warm, "seconds"),
            "max_sharpness_residual_ratio": max(s["sharpness_residual"] / abs(s["sharpness"]) for s in samples)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default=os.path.join(HERE, "..", "build", "release"))
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 60000])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--track-every", type=int, default=0)
    args = parser.parse_args()
    params = os.path.join(train(args, []), "parameters")
    env = dict(os.environ, BENCH_THREADS=str(args.threads))
    cpp_runs, python_runs = [], []
    for _ in range(args.repeats):
        cpp_runs.append(json_lines([os.path.join(args.build, "bench", "minimascope-bench-curvature"), params]
                                   + [str(n) for n in args.sizes], env))
        python_runs.append(json_lines(["/usr/bin/python3", os.path.join(HERE, "python", "curvature_reference.py"),
                                       params, "--threads", str(args.threads)]))
    cpp, python = best_of(cpp_runs), best_of(python_runs)
    tracking = None
    if args.track_every > 0:
        tracking = tracking_summary(train(args, ["--track-every", str(args.track_every)]), args.track_every)
    for row in cpp + python + ([tracking] if tracking else []):
        print(json.dumps(row))
    mlp = [r for r in cpp if "n" in r and r.get("model") != "lenet5"]
    c = next(r for r in mlp if r["n"] == args.sizes[0])
    p = python[0]
    print()
    print(f"best of {args.repeats}; matmul peak: {cpp[0]['gflops']:.1f} GFLOP/s ({args.threads} thread(s))")
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
    for r in mlp[1:]:
        print(f"n = {r['n']}: H {r['hvp_factored_s']:.3f} s, Sigma {r['sigma_factored_s']:.3f} s, "
              f"peak {r['sigma_factored_peak_mb']:.0f} MB")
    lenet = next(r for r in cpp if r.get("model") == "lenet5")
    expanded = {k[len("sigma_expanded_chunk"):-2]: v for k, v in lenet.items()
                if k.startswith("sigma_expanded_chunk") and k.endswith("_s")}
    print(f"LeNet-5 (n = {lenet['n']}, P = {lenet['parameters']}): H {lenet['hvp_s']*1e3:.1f} ms; Sigma naive loop "
          f"{lenet['sigma_naive_s']:.2f} s ({lenet['sigma_naive_over_hvp']:.1f} H); expanded weights "
          + ", ".join(f"chunk {k}: {v:.2f} s ({v / lenet['hvp_s']:.1f} H, "
                      f"rel. err {lenet['sigma_expanded_chunk' + k + '_relative_error']:.1g})"
                      for k, v in expanded.items()))
    if tracking:
        print(f"tracking every {tracking['every']} steps, {tracking['measurements']} measurements: first "
              f"{tracking['first']['hessian_products']} H + {tracking['first']['covariance_products']} Sigma products; "
              f"warm-started mean {tracking['warm_mean_hessian_products']:.1f} H + "
              f"{tracking['warm_mean_covariance_products']:.1f} Sigma "
              f"(second half of the run: {tracking['late_mean_hessian_products']:.1f} + "
              f"{tracking['late_mean_covariance_products']:.1f}), {tracking['warm_mean_seconds']:.2f} s each")


if __name__ == "__main__":
    main()
