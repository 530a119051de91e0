#!/usr/bin/python3
"""The study benchmark (issue 10): one study of 8 short runs of the 784-256x4 preset (n = 1000,
SGD, B = 10, eta in {0.05, 0.1} x seed in {0..3}, 1500 iterations), each measuring a and s at its
end, timed
  - with 1 worker of 1 thread, 1 worker of 2 threads, and 2 workers of 1 thread (minimascope-cli);
  - with 2 MPI ranks of 1 worker each (mpirun --oversubscribe -np 2 on this machine);
  - as a Python reference pipeline in the seed reports' manner: a plain torch training loop, then
    a by power iteration on double-backward Hessian products through a retained autograd graph
    (PyHessian's rule: relative change < 1e-3, at most 100 steps) and s by power iteration on the
    per-example Sigma loop (the Wu-Ma-E reference code), runs one after the other.
It also reports the per-run overhead of the process model: the 1-worker wall time minus what the
runs spent training and measuring, per run, against the time of a full run of the preset.

Usage: /usr/bin/python3 bench/run_study_bench.py [--cli build/release/app/minimascope-cli]
       [--python-runs 8] [--full-run-seconds S] [--overhead-only]
Prints one JSON object per configuration and a summary table.
"""
import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ITERATIONS = 1500
STUDY = {
    "format": "minimascope-study", "version": 1, "name": "bench",
    "base": "sgd-fashion-mnist",
    "grid": {"optimizer.lr": [0.05, 0.1], "seed": [0, 1, 2, 3]},
    "measure": ["sharpness", "non_uniformity"],
}


def run_study(cli, out, workers, threads, mpi_ranks=0):
    config = os.path.join(out, "study.json")
    study = dict(STUDY)
    study["base"] = json.load(open(preset_path(cli)))
    study["base"]["stop"] = {"loss_below": 0.0, "max_iterations": ITERATIONS}
    json.dump(study, open(config, "w"))
    folder = os.path.join(out, "study")
    command = [cli, "study", "run", "--config", config, "--out", folder, "--workers", str(workers),
               "--threads", str(threads), "--quiet"]
    env = dict(os.environ)
    if mpi_ranks:
        env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
        command = ["mpirun", "--oversubscribe", "-np", str(mpi_ranks)] + command
    start = time.perf_counter()
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    train = measure = 0.0
    runs = 0
    for key in os.listdir(os.path.join(folder, "runs")):
        point = json.load(open(os.path.join(folder, "runs", key, "point.json")))
        assert point["state"] == "done", point
        train += point["seconds"]
        measure += point["measure_seconds"]
        runs += 1
    return {"wall_seconds": wall, "runs": runs, "train_seconds": train, "measure_seconds": measure}


def preset_path(cli):
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.join(here, "..", "resources", "presets", "sgd-fashion-mnist.json")


def python_reference(runs):
    """The seed reports' pipeline for the same points, one after the other, in this process."""
    import numpy as np
    import torch
    torch.set_num_threads(1)
    path = "/usr/share/datasets/fashion-mnist"
    with gzip.open(f"{path}/train-images-idx3-ubyte.gz") as f:
        x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)[:1000]
    with gzip.open(f"{path}/train-labels-idx1-ubyte.gz") as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8)[:1000]
    x = torch.from_numpy(x.astype(np.float32) / 255.0)
    y = torch.from_numpy(y.astype(np.int64))
    points = [(lr, seed) for lr in STUDY["grid"]["optimizer.lr"] for seed in STUDY["grid"]["seed"]][:runs]
    start = time.perf_counter()
    for lr, seed in points:
        torch.manual_seed(seed)
        widths = [784, 256, 256, 256, 256, 10]
        layers = []
        for i in range(5):
            layers += [torch.nn.Linear(widths[i], widths[i + 1])] + ([torch.nn.ReLU()] if i < 4 else [])
        model = torch.nn.Sequential(*layers)
        opt = torch.optim.SGD(model.parameters(), lr=lr)
        generator = torch.Generator().manual_seed(seed)
        order = torch.randperm(1000, generator=generator)
        for step in range(ITERATIONS):
            begin = (step * 10) % 1000
            if begin == 0:
                order = torch.randperm(1000, generator=generator)
            batch = order[begin:begin + 10]
            opt.zero_grad()
            torch.nn.functional.cross_entropy(model(x[batch]), y[batch]).backward()
            opt.step()
        params = list(model.parameters())

        def hvp(v, xs, ys):
            loss = torch.nn.functional.cross_entropy(model(xs), ys)
            grads = torch.autograd.grad(loss, params, create_graph=True)
            dot = sum((g * vi).sum() for g, vi in zip(grads, v))
            return [h.detach() for h in torch.autograd.grad(dot, params)]

        # The full-batch gradient graph is built once and kept, as PyHessian does.
        full_grads = torch.autograd.grad(torch.nn.functional.cross_entropy(model(x), y), params, create_graph=True)

        def hvp_full(v):
            dot = sum((g * vi).sum() for g, vi in zip(full_grads, v))
            return [h.detach() for h in torch.autograd.grad(dot, params, retain_graph=True)]

        def power(apply):
            v = [torch.randn_like(p) for p in params]
            norm = sum((vi * vi).sum() for vi in v).sqrt()
            v = [vi / norm for vi in v]
            value = None
            for _ in range(100):
                w = apply(v)
                new = sum((wi * vi).sum() for wi, vi in zip(w, v)).item()
                norm = sum((wi * wi).sum() for wi in w).sqrt()
                v = [wi / norm for wi in w]
                if value is not None and abs(new - value) < 1e-3 * abs(value):
                    return new
                value = new
            return value

        power(hvp_full)   # a

        def sigma(v):   # (1/n) sum_i H_i (H_i v) - H (H v), one example at a time
            total = [torch.zeros_like(p) for p in params]
            for i in range(1000):
                u = hvp(v, x[i:i + 1], y[i:i + 1])
                w = hvp(u, x[i:i + 1], y[i:i + 1])
                total = [t + wi / 1000 for t, wi in zip(total, w)]
            hhv = hvp_full(hvp_full(v))
            return [t - h for t, h in zip(total, hhv)]

        power(sigma)   # s^2
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cli", default="build/release/app/minimascope-cli")
    parser.add_argument("--python-runs", type=int, default=8,
                        help="points the Python reference runs (its time is scaled to 8)")
    parser.add_argument("--full-run-seconds", type=float, default=0.0,
                        help="wall time of a full run of the preset (default: measured with train)")
    parser.add_argument("--overhead-only", action="store_true",
                        help="only the 1-worker study and the full run: the process-model overhead (~2 min)")
    args = parser.parse_args()
    results = {}
    configurations = [("1 worker x 1 thread", 1, 1, 0), ("1 worker x 2 threads", 1, 2, 0),
                      ("2 workers x 1 thread", 2, 1, 0), ("2 MPI ranks x 1 worker", 1, 1, 2)]
    for name, workers, threads, ranks in configurations[:1] if args.overhead_only else configurations:
        out = tempfile.mkdtemp()
        try:
            results[name] = run_study(args.cli, out, workers, threads, ranks)
        finally:
            shutil.rmtree(out)
        print(json.dumps({"configuration": name, **results[name]}), flush=True)

    full = args.full_run_seconds
    if full <= 0:
        out = tempfile.mkdtemp()
        try:
            start = time.perf_counter()
            subprocess.run([args.cli, "train", "--preset", "sgd-fashion-mnist", "--out", os.path.join(out, "r"),
                            "--threads", "1", "--quiet"], check=True, stdout=subprocess.DEVNULL)
            full = time.perf_counter() - start
        finally:
            shutil.rmtree(out)
    one = results["1 worker x 1 thread"]
    overhead = (one["wall_seconds"] - one["train_seconds"] - one["measure_seconds"]) / one["runs"]
    if args.overhead_only:
        print(f"process-model overhead per run: {overhead:.2f} s = {100 * overhead / full:.1f}% of a full run "
              f"of the preset ({full:.1f} s)")
        return 0
    python_seconds = python_reference(args.python_runs) * 8 / args.python_runs
    best = min(r["wall_seconds"] for r in results.values())
    print(json.dumps({"python_reference_seconds": python_seconds, "full_run_seconds": full,
                      "overhead_per_run_seconds": overhead, "overhead_share_of_full_run": overhead / full,
                      "python_over_best": python_seconds / best}))
    print("\n| configuration | wall time (8 runs) |\n|---|---|")
    for name, r in results.items():
        print(f"| {name} | {r['wall_seconds']:.1f} s |")
    print(f"| Python reference (seed reports' pipeline{'' if args.python_runs == 8 else ', scaled from %d runs' % args.python_runs}) | {python_seconds:.1f} s |")
    print(f"\nprocess-model overhead per run: {overhead:.2f} s = {100 * overhead / full:.1f}% of a full run "
          f"of the preset ({full:.1f} s); Python / best = {python_seconds / best:.1f}x")


if __name__ == "__main__":
    sys.exit(main())
