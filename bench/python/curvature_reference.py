"""Python references for the curvature benchmark (Debian's python3-torch = the same LibTorch).

Loads a MinimaScope parameter folder (index.json + .npy) into the same 784-256x4-10 MLP and
times, in PyHessian's manner: a Hessian-vector product (double backward over the full batch),
power iteration with PyHessian's stopping rule (relative change < 1e-3, at most 100 steps),
deflated power iteration for the top 5, stochastic Lanczos quadrature with 100 steps, PyHessian's
Hutchinson trace (through the retained graph of one gradient, as PyHessian computes it), and one
naive Sigma product (the per-example loop of the Wu-Ma-E reference code). Prints JSON lines.
"""
import argparse
import gzip
import json
import time

import numpy as np
import torch


def load_data(path, n):
    with gzip.open(f"{path}/train-images-idx3-ubyte.gz") as f:
        x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)[:n]
    with gzip.open(f"{path}/train-labels-idx1-ubyte.gz") as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8)[:n]
    return torch.from_numpy(x.astype(np.float32) / 255.0), torch.from_numpy(y.astype(np.int64))


def load_model(folder):
    index = json.load(open(f"{folder}/index.json"))
    tensors = {t["name"]: torch.from_numpy(np.load(f"{folder}/{t['file']}")) for t in index["tensors"]}
    widths = [784, 256, 256, 256, 256, 10]
    layers = []
    for i in range(5):
        lin = torch.nn.Linear(widths[i], widths[i + 1])
        lin.weight.data.copy_(tensors[f"linear{i}.weight"])
        lin.bias.data.copy_(tensors[f"linear{i}.bias"])
        layers += [lin] + ([torch.nn.ReLU()] if i < 4 else [])
    return torch.nn.Sequential(*layers)


class Curvature:
    def __init__(self, model, x, y):
        self.model, self.x, self.y = model, x, y
        self.params = list(model.parameters())
        self.products = 0

    def hvp(self, v, x=None, y=None):
        x = self.x if x is None else x
        y = self.y if y is None else y
        loss = torch.nn.functional.cross_entropy(self.model(x), y)
        grads = torch.autograd.grad(loss, self.params, create_graph=True)
        dot = sum((g * vi).sum() for g, vi in zip(grads, v))
        self.products += 1
        return [h.detach() for h in torch.autograd.grad(dot, self.params)]


def inner(a, b):
    return sum((ai * bi).sum() for ai, bi in zip(a, b)).item()


def normalize(v):
    norm = inner(v, v) ** 0.5
    return [vi / norm for vi in v]


def power_iteration(c, deflate=(), tol=1e-3, max_iter=100):
    """PyHessian's hessian.eigenvalues loop for one eigenvalue."""
    v = normalize([torch.randn_like(p) for p in c.params])
    value = None
    for _ in range(max_iter):
        for d in deflate:
            v = [vi - inner(v, d) * di for vi, di in zip(v, d)]
        v = normalize(v)
        hv = c.hvp(v)
        new = inner(hv, v)
        v = normalize(hv)
        if value is not None and abs(value - new) / (abs(value) + 1e-6) < tol:
            value = new
            break
        value = new
    return value, v


def slq(c, steps=100):
    """PyHessian's density: Lanczos with full reorthogonalization, one start."""
    v = normalize([torch.randint_like(p, high=2) * 2 - 1 for p in c.params])
    vs, alphas, betas = [v], [], []
    w = c.hvp(v)
    alpha = inner(w, v)
    w = [wi - alpha * vi for wi, vi in zip(w, v)]
    alphas.append(alpha)
    for _ in range(1, steps):
        beta = inner(w, w) ** 0.5
        betas.append(beta)
        v = [wi / beta for wi in w]
        for u in vs:
            v = [vi - inner(v, u) * ui for vi, ui in zip(v, u)]
        v = normalize(v)
        vs.append(v)
        w = c.hvp(v)
        alpha = inner(w, v)
        alphas.append(alpha)
        w = [wi - alpha * vi - beta * ui for wi, vi, ui in zip(w, v, vs[-2])]
    t = torch.diag(torch.tensor(alphas)) + torch.diag(torch.tensor(betas), 1) + torch.diag(torch.tensor(betas), -1)
    return torch.linalg.eigh(t)


def pyhessian_trace(c, max_iter=100, tol=1e-3):
    """PyHessian's hessian.trace: Rademacher probes, each product a backward through the retained
    graph of one gradient (built once, create_graph=True), until the mean moves by less than tol
    (relative) or max_iter probes. Returns the samples z^T H z."""
    loss = torch.nn.functional.cross_entropy(c.model(c.x), c.y)
    grads = torch.autograd.grad(loss, c.params, create_graph=True)
    samples, trace = [], 0.0
    for _ in range(max_iter):
        v = [torch.randint_like(p, high=2) * 2 - 1 for p in c.params]
        hv = torch.autograd.grad(grads, c.params, grad_outputs=v, retain_graph=True)
        samples.append(inner(hv, v))
        mean = float(np.mean(samples))
        if abs(mean - trace) / (abs(trace) + 1e-6) < tol:
            break
        trace = mean
    return samples


def naive_sigma(c, v):
    n = c.x.shape[0]
    total = [torch.zeros_like(p) for p in c.params]
    for i in range(n):
        xi, yi = c.x[i:i + 1], c.y[i:i + 1]
        u = c.hvp(v, xi, yi)
        total = [t + h for t, h in zip(total, c.hvp(u, xi, yi))]
    hv = c.hvp(v)
    hhv = c.hvp(hv)
    return [t / n - h for t, h in zip(total, hhv)]


def timed(f):
    start = time.perf_counter()
    out = f()
    return out, time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("params")
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    x, y = load_data(args.data, args.n)
    c = Curvature(load_model(args.params), x, y)
    v = [torch.randn_like(p) for p in c.params]

    c.hvp(v)
    times = sorted(timed(lambda: c.hvp(v))[1] for _ in range(5))
    row = {"impl": "python", "n": args.n, "threads": args.threads, "hvp_s": times[2]}

    c.products = 0
    (value, vec), seconds = timed(lambda: power_iteration(c))
    hv = c.hvp(vec)
    residual = inner([h - value * vi for h, vi in zip(hv, vec)], [h - value * vi for h, vi in zip(hv, vec)]) ** 0.5
    row["power"] = {"value": value, "residual": residual, "products": c.products - 1, "seconds": seconds}

    c.products = 0
    start = time.perf_counter()
    found = []
    for _ in range(5):
        _, vec = power_iteration(c, deflate=found)
        found.append(vec)
    row["top5_power"] = {"products": c.products, "seconds": time.perf_counter() - start}

    c.products = 0
    _, seconds = timed(lambda: slq(c, 100))
    row["slq100"] = {"products": c.products, "seconds": seconds}

    samples, seconds = timed(lambda: pyhessian_trace(c))
    row["trace"] = {"probes": len(samples), "seconds": seconds, "value": float(np.mean(samples)),
                    "standard_error": float(np.std(samples, ddof=1) / np.sqrt(len(samples)))}

    _, seconds = timed(lambda: naive_sigma(c, v))
    row["sigma_naive_s"] = seconds
    print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
