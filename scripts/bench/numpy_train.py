#!/usr/bin/env python3
"""The numpy baseline for `prune bench train`: the same algorithm as prune's trainer.

Dense ReLU MLP, softmax cross-entropy, minibatch SGD with momentum (PyTorch convention),
He initialisation, float32, numpy's matrix products (OpenBLAS in the PyPI wheel). It reads
the IDX files prune reads, so both measure the same work on the same machine in one run.

usage: numpy_train.py TRAIN_IMAGES TRAIN_LABELS TEST_IMAGES TEST_LABELS \
           --hidden 256,256 --epochs 2 --batch 128 --lr 0.05 --seed 0
Prints one JSON line per epoch: {"epoch", "seconds", "loss", "test_accuracy"}.
"""
import argparse, gzip, json, struct, time
import numpy as np


def read_idx(path):
    raw = open(path, "rb").read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    magic, = struct.unpack(">I", raw[:4])
    dims = raw[3]
    shape = struct.unpack(">" + "I" * dims, raw[4:4 + 4 * dims])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("train_images"); p.add_argument("train_labels")
    p.add_argument("test_images"); p.add_argument("test_labels")
    p.add_argument("--hidden", default="256,256"); p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--batch", type=int, default=128); p.add_argument("--lr", type=float, default=0.05)
    p.add_argument("--momentum", type=float, default=0.9); p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    x = read_idx(a.train_images).reshape(-1, 784).astype(np.float32) / np.float32(255)
    y = read_idx(a.train_labels).astype(np.int64)
    xt = read_idx(a.test_images).reshape(-1, 784).astype(np.float32) / np.float32(255)
    yt = read_idx(a.test_labels).astype(np.int64)
    sizes = [x.shape[1]] + [int(h) for h in a.hidden.split(",")] + [10]
    rng = np.random.default_rng(a.seed)
    W = [(rng.standard_normal((sizes[i + 1], sizes[i])) * np.sqrt(2 / sizes[i])).astype(np.float32)
         for i in range(len(sizes) - 1)]
    b = [np.zeros(s, np.float32) for s in sizes[1:]]
    vW = [np.zeros_like(w) for w in W]; vb = [np.zeros_like(v) for v in b]
    lr, mu = np.float32(a.lr), np.float32(a.momentum)
    n = len(y)
    for epoch in range(1, a.epochs + 1):
        start = time.perf_counter()
        order = rng.permutation(n)
        losses = []
        for first in range(0, n, a.batch):
            idx = order[first:first + a.batch]
            acts = [x[idx]]
            for l in range(len(W)):
                z = acts[-1] @ W[l].T + b[l]
                acts.append(np.maximum(z, 0) if l < len(W) - 1 else z)
            z = acts[-1]
            z = z - z.max(axis=1, keepdims=True)
            e = np.exp(z); s = e.sum(axis=1, keepdims=True)
            rows = len(idx)
            losses.append(float(np.mean(np.log(s[:, 0]) - z[np.arange(rows), y[idx]])))
            g = e / s; g[np.arange(rows), y[idx]] -= 1; g /= np.float32(rows)
            for l in range(len(W) - 1, -1, -1):
                gW = g.T @ acts[l]; gb = g.sum(axis=0)
                if l > 0:
                    g = (g @ W[l]) * (acts[l] > 0)
                vW[l] = mu * vW[l] + gW; W[l] -= lr * vW[l]
                vb[l] = mu * vb[l] + gb; b[l] -= lr * vb[l]
        seconds = time.perf_counter() - start
        h = xt
        for l in range(len(W)):
            h = h @ W[l].T + b[l]
            if l < len(W) - 1:
                h = np.maximum(h, 0)
        acc = float(np.mean(h.argmax(axis=1) == yt))
        print(json.dumps({"epoch": epoch, "seconds": round(seconds, 4), "loss": float(np.mean(losses)),
                          "test_accuracy": acc}), flush=True)


if __name__ == "__main__":
    main()
