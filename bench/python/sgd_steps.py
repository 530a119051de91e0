"""Reference training loops in Python (Debian's python3-torch, the same LibTorch as the C++ side).

Prints one JSON object per measurement on stdout, for bench/run_train_bench.py to compare with
minimascope's own numbers. The loop is the idiomatic one: index the batch, zero_grad, forward,
cross-entropy, backward, optimizer.step().
"""
import argparse
import gzip
import json
import time

import numpy as np
import torch


def load_fashion_mnist(path, n):
    with gzip.open(f"{path}/train-images-idx3-ubyte.gz") as f:
        images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)[:n]
    with gzip.open(f"{path}/train-labels-idx1-ubyte.gz") as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8)[:n]
    return (torch.from_numpy(images.astype(np.float32) / 255.0),
            torch.from_numpy(labels.astype(np.int64)))


def mlp(widths):
    layers = []
    for i in range(len(widths) - 1):
        layers.append(torch.nn.Linear(widths[i], widths[i + 1]))
        if i + 2 < len(widths):
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def sgd_steps_per_second(x, y, batch, lr, steps, warmup):
    torch.manual_seed(0)
    model = mlp([784, 256, 256, 256, 256, 10])
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    n = x.shape[0]
    gen = torch.Generator().manual_seed(0)
    perm = torch.randperm(n, generator=gen)
    pos = 0

    def step():
        nonlocal perm, pos
        if pos + batch > n:
            perm = torch.randperm(n, generator=gen)
            pos = 0
        idx = perm[pos:pos + batch]
        pos += batch
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x[idx]), y[idx])
        loss.backward()
        opt.step()
        return loss

    for _ in range(warmup):
        step()
    start = time.perf_counter()
    for _ in range(steps):
        loss = step()
    loss.item()
    return steps / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--batch", type=int, action="append", required=True)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=3.0, help="target time per measurement")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    x, y = load_fashion_mnist(args.data, args.n)
    for batch in args.batch:
        lr = 0.1
        rate = sgd_steps_per_second(x, y, batch, lr, steps=20, warmup=5)
        steps = max(20, int(rate * args.seconds))
        # Best of three: the machine's other load only ever slows a run down.
        rate = max(sgd_steps_per_second(x, y, batch, lr, steps=steps, warmup=10) for _ in range(3))
        print(json.dumps({"impl": "python", "batch": batch, "threads": args.threads,
                          "steps_per_second": rate}), flush=True)


if __name__ == "__main__":
    main()
