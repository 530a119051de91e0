"""The lean Python loop for the landscape benchmark (Debian's python3-torch = the same LibTorch).

Loads a MinimaScope parameter folder into the 784-256x4-10 MLP (loaders shared with the
curvature reference), draws two filter-normalized directions (Li et al.; biases zeroed) and
evaluates the 51x51 grid the way a short script would: for each point set every parameter to
origin + a d1 + b d2, then forward the 1000 examples under no_grad and take the cross-entropy
and accuracy. Prints one JSON line with the best wall time of `--repeats` runs.
"""
import argparse
import json
import time

import torch

from curvature_reference import load_data, load_model


def filter_normalized(params, generator):
    directions = []
    for p in params:
        d = torch.randn(p.shape, generator=generator)
        if p.dim() <= 1:
            d.zero_()
        else:
            rows, theta = d.view(d.shape[0], -1), p.detach().view(p.shape[0], -1)
            rows.mul_(theta.norm(dim=1, keepdim=True) / rows.norm(dim=1, keepdim=True))
        directions.append(d)
    return directions


def surface(model, origin, d1, d2, x, y, steps):
    coords = torch.linspace(-1, 1, steps).tolist()
    loss = torch.empty(steps, steps, dtype=torch.float64)
    accuracy = torch.empty(steps, steps, dtype=torch.float64)
    params = list(model.parameters())
    with torch.no_grad():
        for j, b in enumerate(coords):
            for i, a in enumerate(coords):
                for p, o, u, v in zip(params, origin, d1, d2):
                    p.copy_(o + a * u + b * v)
                out = model(x)
                loss[j, i] = torch.nn.functional.cross_entropy(out, y).item()
                accuracy[j, i] = (out.argmax(1) == y).double().mean().item()
    return loss, accuracy


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("params")
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--steps", type=int, default=51)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    x, y = load_data(args.data, args.n)
    model = load_model(args.params).eval()
    origin = [p.detach().clone() for p in model.parameters()]
    generator = torch.Generator().manual_seed(0)
    d1 = filter_normalized(origin, generator)
    d2 = filter_normalized(origin, generator)
    best = float("inf")
    for _ in range(args.repeats):
        start = time.perf_counter()
        loss, _ = surface(model, origin, d1, d2, x, y, args.steps)
        best = min(best, time.perf_counter() - start)
    centre = loss[args.steps // 2, args.steps // 2].item()
    print(json.dumps({"impl": "python-lean", "threads": args.threads, "grid": f"{args.steps}x{args.steps}",
                      "seconds": best, "centre_loss": centre}))


if __name__ == "__main__":
    main()
