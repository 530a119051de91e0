#!/usr/bin/python3
"""Saves your own model and data the way MinimaScope reads them (docs/own-model.md).

Writes into OUT:
  mlp.pt                a TorchScript MLP (nn.Sequential: Flatten, Linear, ReLU, ..., Linear -> 10)
  mlp_state_dict.pt     the same MLP's state_dict, for scripts/import_state_dict.py
  cnn.pt                a TorchScript CNN (two 5x5 convolutions with max pooling, one Linear)
  data/X.npy, y.npy     the first --n Fashion-MNIST training images, float32 [n, 1, 28, 28] in [0, 1],
                        labels int64 [n]
  data/X_test.npy, y_test.npy   the first --n-test test images, likewise
  data.npz              the same four arrays in one file (numpy.savez)
With --bad, also the files MinimaScope must refuse, in OUT/bad/ (for the tests).

Run it with Debian's Python (python3-torch is the same 1.13 as the LibTorch MinimaScope uses):
  /usr/bin/python3 scripts/make_own_model_example.py OUT [--n 1000] [--widths 256,256,256,256]
"""
import argparse
import gzip
import os
import struct

import numpy as np
import torch
from torch import nn


def read_idx(path):
    """An IDX file (gzip or not) as a uint8 numpy array."""
    opener = gzip.open if open(path, "rb").read(2) == b"\x1f\x8b" else open
    with opener(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def idx_file(folder, base):
    for name in (base, base + ".gz"):
        if os.path.exists(os.path.join(folder, name)):
            return os.path.join(folder, name)
    raise SystemExit(f"{folder}: no {base} (or {base}.gz)")


def images(folder, split, n):
    """The first n images as MinimaScope's IDX reader makes them: float32 pixel / 255, [n, 1, 28, 28]."""
    x = read_idx(idx_file(folder, f"{split}-images-idx3-ubyte"))[:n]
    y = read_idx(idx_file(folder, f"{split}-labels-idx1-ubyte"))[:n]
    # The same float32 division as the C++ reader, so the arrays equal the built-in set bit for bit.
    x = (torch.from_numpy(x.copy()).unsqueeze(1).float() / 255.0).numpy()
    return x, y.astype(np.int64)


def mlp(inputs, widths, outputs):
    layers = [nn.Flatten()]
    for w in widths:
        layers += [nn.Linear(inputs, w), nn.ReLU()]
        inputs = w
    layers.append(nn.Linear(inputs, outputs))
    return nn.Sequential(*layers)


def cnn(outputs):
    return nn.Sequential(
        nn.Conv2d(1, 8, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(16 * 5 * 5, outputs))


class NoParameters(nn.Module):
    def forward(self, x):
        return x.flatten(1)[:, :10]


def save_bad_files(out, widths):
    bad = os.path.join(out, "bad")
    os.makedirs(bad, exist_ok=True)
    with open(os.path.join(bad, "not_torchscript.pt"), "w") as f:
        f.write("this is not a TorchScript archive\n")
    torch.save(mlp(784, widths, 10).state_dict(), os.path.join(bad, "state_dict_not_torchscript.pt"))
    torch.jit.script(mlp(784, widths, 5)).save(os.path.join(bad, "five_outputs.pt"))
    torch.jit.script(NoParameters()).save(os.path.join(bad, "no_parameters.pt"))
    torch.jit.script(mlp(100, widths, 10)).save(os.path.join(bad, "wrong_inputs.pt"))
    # A state_dict whose second layer has the wrong width, for the importer.
    torch.save(mlp(784, [w + 1 for w in widths], 10).state_dict(), os.path.join(bad, "wide_state_dict.pt"))
    x = np.random.default_rng(0).random((20, 4), dtype=np.float32)
    y = np.arange(20) % 3
    cases = {
        "lengths": (x, y[:19]),
        "nonfinite": (np.where(np.arange(80).reshape(20, 4) == 29, np.nan, x).astype(np.float32), y),
        "fractional": (x, y + 0.5),
        "negative": (x, y - 1),
    }
    for name, (cx, cy) in cases.items():
        os.makedirs(os.path.join(bad, name), exist_ok=True)
        np.save(os.path.join(bad, name, "X.npy"), cx)
        np.save(os.path.join(bad, name, "y.npy"), cy)
    with open(os.path.join(bad, "ragged.csv"), "w") as f:
        f.write("a,b,label\n1,2,0\n3,4,1\n5,1\n")
    with open(os.path.join(bad, "no_label.csv"), "w") as f:
        f.write("a,b,class\n1,2,0\n3,4,1\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    parser.add_argument("--n", type=int, default=1000, help="training examples (default 1000)")
    parser.add_argument("--n-test", type=int, default=1000, help="held-out examples (default 1000)")
    parser.add_argument("--widths", default="256,256,256,256", help="MLP hidden widths (default 256,256,256,256)")
    parser.add_argument("--seed", type=int, default=0, help="torch seed of the initial weights")
    parser.add_argument("--fashion-mnist", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--bad", action="store_true", help="also write the files MinimaScope must refuse")
    args = parser.parse_args()
    widths = [int(w) for w in args.widths.split(",") if w]

    os.makedirs(os.path.join(args.out, "data"), exist_ok=True)
    x, y = images(args.fashion_mnist, "train", args.n)
    x_test, y_test = images(args.fashion_mnist, "t10k", args.n_test)
    for name, array in (("X", x), ("y", y), ("X_test", x_test), ("y_test", y_test)):
        np.save(os.path.join(args.out, "data", name + ".npy"), array)
    np.savez(os.path.join(args.out, "data.npz"), X=x, y=y, X_test=x_test, y_test=y_test)

    torch.manual_seed(args.seed)
    model = mlp(784, widths, 10)
    torch.jit.script(model).save(os.path.join(args.out, "mlp.pt"))
    torch.save(model.state_dict(), os.path.join(args.out, "mlp_state_dict.pt"))
    torch.jit.script(cnn(10)).save(os.path.join(args.out, "cnn.pt"))
    if args.bad:
        save_bad_files(args.out, widths)
    print(f"{args.out}: mlp.pt (784-{'-'.join(map(str, widths))}-10), cnn.pt, mlp_state_dict.pt, "
          f"data/ ({args.n} + {args.n_test} examples), data.npz")


if __name__ == "__main__":
    main()
