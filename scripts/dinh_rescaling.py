#!/usr/bin/env python3
"""Reproduction 5 (Dinh, Pascanu, Bengio & Bengio 2017, "Sharp Minima Can Generalize For Deep Nets").

A ReLU network is unchanged by T_alpha: (theta_k, theta_k+1) -> (alpha theta_k, theta_k+1 / alpha), since
relu(alpha z) = alpha relu(z) for alpha > 0. Here layer k is `linear0` (its weight and its bias are multiplied by
alpha: both feed the ReLU) and layer k+1 is `linear1` (its weight is divided by alpha; its bias is left alone, it is
added after the product). The loss and every prediction stay the same, but the Hessian becomes

    H(T_alpha theta) = D H(theta) D,   D = diag(1/alpha on linear0, alpha on linear1.weight, 1 elsewhere),

so the block of layer k shrinks exactly by 1/alpha^2, the block of layer k+2 is exactly unchanged, and the sharpness
a = lambda_max(H) and the trace grow like alpha^2 for large alpha (their ratio to alpha^2 tends to a constant: the
linear1.weight block's lambda_max and trace). The per-example Hessians transform the same way, so the
non-uniformity s grows like alpha^2 as well.

What the script does:
  1. trains a small ReLU run with the CLI: preset two-moons-quick with model.activation=relu (the preset itself is
     tanh, which is not positively homogeneous);
  2. for each alpha, copies the whole run folder (its run id stays valid: only the .npy contents change), rewrites
     linear0.weight, linear0.bias and linear1.weight in place (same dtype, same shape);
  3. runs `minimascope-cli analyze` on every copy (sharpness, trace, non-uniformity, epsilon-sharpness, per-layer
     sharpness; the training loss over all n comes with the epsilon-sharpness record);
  4. checks the function itself in NumPy: the logits of the original and of the rescaled network on a 200 x 200 grid
     of inputs covering the data (and beyond), and whether every predicted class agrees;
  5. prints a Markdown table and writes it, with the raw numbers, to OUT/dinh_table.md and OUT/dinh.json
     (and to --csv FILE).

Usage: /usr/bin/python3 scripts/dinh_rescaling.py [--cli build/ci/app/minimascope-cli] [--out /tmp/dinh]
                                                   [--alphas 1,10,100,1000] [--csv FILE]
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

import numpy as np

LAYER_K = "linear0"       # multiplied by alpha (weight and bias)
LAYER_K1 = "linear1"      # weight divided by alpha
LAYER_K2 = "linear2"      # untouched


def run(cmd):
    print("$ " + " ".join(cmd), file=sys.stderr)
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"command failed with exit code {done.returncode}: {' '.join(cmd)}")
    return done.stdout


def load_params(folder):
    index = json.load(open(os.path.join(folder, "parameters", "index.json")))
    return index, {t["name"]: np.load(os.path.join(folder, "parameters", t["file"])) for t in index["tensors"]}


def write_tensor(folder, index, name, value):
    entry = next(t for t in index["tensors"] if t["name"] == name)
    path = os.path.join(folder, "parameters", entry["file"])
    old = np.load(path)
    assert old.shape == value.shape, (name, old.shape, value.shape)
    np.save(path, value.astype(old.dtype))


def logits(params, x):
    """The MLP's forward pass: linear0 .. linearL, ReLU between them (weights are [out, in])."""
    names = sorted({n.split(".")[0] for n in params}, key=lambda s: int(s.replace("linear", "")))
    h = x.astype(np.float64)
    for i, layer in enumerate(names):
        h = h @ params[layer + ".weight"].astype(np.float64).T + params[layer + ".bias"].astype(np.float64)
        if i + 1 < len(names):
            h = np.maximum(h, 0.0)
    return h


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cli", default=os.path.join(here, "..", "build", "ci", "app", "minimascope-cli"))
    ap.add_argument("--out", default="/tmp/dinh")
    ap.add_argument("--alphas", default="1,10,100,1000")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--csv", default="", help="also write the raw numbers of the table to this CSV file")
    args = ap.parse_args()
    alphas = [float(a) for a in args.alphas.split(",")]
    os.makedirs(args.out, exist_ok=True)
    started = time.time()

    base = os.path.join(args.out, "base")
    run([args.cli, "train", "--preset", "two-moons-quick", "--set", "model.activation=relu",
         "--seed", str(args.seed), "--out", base, "--overwrite", "--quiet"])
    summary = json.load(open(os.path.join(base, "summary.json")))
    index, theta = load_params(base)
    for name in (LAYER_K + ".weight", LAYER_K + ".bias", LAYER_K1 + ".weight"):
        assert name in theta, f"{name} not in {sorted(theta)}"

    # Inputs for the function check: the two-moons points lie in about [-1.2, 2.2] x [-0.7, 1.2]; take a wider box.
    g = np.linspace(-3.0, 4.0, 200)
    grid = np.stack(np.meshgrid(g, np.linspace(-2.5, 3.0, 200)), axis=-1).reshape(-1, 2)
    z0 = logits(theta, grid)

    rows = []
    for alpha in alphas:
        folder = os.path.join(args.out, f"alpha_{alpha:g}")
        if os.path.exists(folder):
            shutil.rmtree(folder)
        shutil.copytree(base, folder)
        for stale in ("analysis.json",):
            if os.path.exists(os.path.join(folder, stale)):
                os.remove(os.path.join(folder, stale))
        scaled = dict(theta)
        scaled[LAYER_K + ".weight"] = theta[LAYER_K + ".weight"] * np.float32(alpha)
        scaled[LAYER_K + ".bias"] = theta[LAYER_K + ".bias"] * np.float32(alpha)
        scaled[LAYER_K1 + ".weight"] = theta[LAYER_K1 + ".weight"] / np.float32(alpha)
        for name in (LAYER_K + ".weight", LAYER_K + ".bias", LAYER_K1 + ".weight"):
            write_tensor(folder, index, name, scaled[name])
        _, reread = load_params(folder)
        z = logits(reread, grid)
        out = json.loads(run([args.cli, "analyze", "--run", folder, "--json", "--quiet", "--quantities",
                              "sharpness,trace,non_uniformity,epsilon_sharpness,layer_sharpness"]))
        layers = {l["layer"]: l["value"] for l in out["layer_sharpness"]}
        rows.append({
            "alpha": alpha,
            "train_loss": out["epsilon_sharpness"]["loss"],
            "max_abs_logit_change": float(np.max(np.abs(z - z0))),
            "max_rel_logit_change": float(np.max(np.abs(z - z0)) / np.max(np.abs(z0))),
            "predictions_agree": float(np.mean(z.argmax(1) == z0.argmax(1))),
            "sharpness": out["sharpness"]["value"],
            "trace": out["trace"]["value"],
            "trace_se": out["trace"]["standard_error"],
            "non_uniformity": out["non_uniformity"]["value"],
            "epsilon_sharpness": out["epsilon_sharpness"]["value"],
            "layer_k": layers[LAYER_K],
            "layer_k2": layers[LAYER_K2],
            "layer_k1": layers[LAYER_K1],
            "param_norm": float(np.sqrt(sum(np.sum(v.astype(np.float64) ** 2) for v in reread.values()))),
        })

    r1 = rows[0] if rows[0]["alpha"] == 1 else None
    lines = [
        "| α | train loss | max abs(Δ logit) on 40,000 inputs | same class | a = λmax(H) | a/α² | trace H (± s.e.) | "
        "trace/α² | s | s/α² | ε-sharpness (ε = 1e-3) | λmax of linear0 block (× α²) | λmax of linear2 block |",
        "|" + "---|" * 13,
    ]
    for r in rows:
        a2 = r["alpha"] ** 2
        lines.append(
            f"| {r['alpha']:g} | {r['train_loss']:.9f} | {r['max_abs_logit_change']:.2e} | "
            f"{100 * r['predictions_agree']:.2f} % | {r['sharpness']:.4g} | {r['sharpness'] / a2:.4g} | "
            f"{r['trace']:.4g} ± {r['trace_se']:.2g} | {r['trace'] / a2:.4g} | {r['non_uniformity']:.4g} | "
            f"{r['non_uniformity'] / a2:.4g} | {r['epsilon_sharpness']:.4g} | "
            f"{r['layer_k'] * a2:.4g} | {r['layer_k2']:.4g} |")
    table = "\n".join(lines)
    head = (f"Run: two-moons-quick with ReLU, seed {args.seed}: {summary['reason']} after {summary['iterations']} "
            f"iterations, train loss {summary['final']['train_loss']:.6g}, train accuracy "
            f"{summary['final']['train_accuracy']:.4g}, test accuracy {summary['final']['test_accuracy']:.4g} "
            f"({summary['model'] if 'model' in summary else ''}). Wall time of the whole script: "
            f"{time.time() - started:.1f} s.")
    print(head)
    print()
    print(table)
    with open(os.path.join(args.out, "dinh_table.md"), "w") as f:
        f.write(head + "\n\n" + table + "\n")
    with open(os.path.join(args.out, "dinh.json"), "w") as f:
        json.dump({"summary": summary, "rows": rows}, f, indent=2)
    if args.csv:
        with open(args.csv, "w") as f:
            keys = list(rows[0].keys())
            f.write(",".join(keys) + "\n")
            for r in rows:
                f.write(",".join(repr(r[k]) if isinstance(r[k], float) else str(r[k]) for k in keys) + "\n")
    if r1 is not None:
        worst = max(abs(r["train_loss"] - r1["train_loss"]) for r in rows)
        print(f"\nlargest change of the training loss over the alphas: {worst:.3g}", file=sys.stderr)


if __name__ == "__main__":
    main()
