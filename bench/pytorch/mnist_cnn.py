#!/usr/bin/env python3
"""The cnnc MNIST example model in PyTorch, measured the way `cnnc bench` measures it.

Same architecture (Conv2D 32/64/64 3x3 relu, 2x2 max pooling, Dense 64 relu, Dense 10), same
optimizer (RMSprop lr=0.001, alpha=0.9, eps=1e-7 outside the square root, as Keras 2.2.4), batch
64, on the real MNIST IDX files. Prints one JSON line:
training images/s over one epoch, inference images/s on the 10,000 test images in batches of
1,000, median single-image latency, and the process's peak resident memory.

Usage: mnist_cnn.py DATA_DIR [--threads N] [--train-images N]
"""
import argparse
import gzip
import json
import os
import resource
import statistics
import time

import numpy as np
import torch
import torch.nn as nn


def read_idx(directory, name):
    path = os.path.join(directory, name)
    opener = open
    if not os.path.exists(path):
        path += ".gz"
        opener = gzip.open
    with opener(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


class MnistCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(64, 64, 3), nn.ReLU(),
        )
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(576, 64), nn.ReLU(), nn.Linear(64, 10))

    def forward(self, x):
        return self.classifier(self.features(x))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--train-images", type=int, default=60000)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)

    train_x = torch.from_numpy(read_idx(args.data, "train-images-idx3-ubyte")[: args.train_images].astype(np.float32) / 255)
    train_y = torch.from_numpy(read_idx(args.data, "train-labels-idx1-ubyte")[: args.train_images].astype(np.int64))
    test_x = torch.from_numpy(read_idx(args.data, "t10k-images-idx3-ubyte").astype(np.float32) / 255)
    test_y = torch.from_numpy(read_idx(args.data, "t10k-labels-idx1-ubyte").astype(np.int64))
    train_x = train_x.unsqueeze(1)
    test_x = test_x.unsqueeze(1)

    model = MnistCnn()
    optimizer = torch.optim.RMSprop(model.parameters(), lr=0.001, alpha=0.9, eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()

    def epoch(count):
        order = torch.randperm(count)
        for start in range(0, count, 64):
            idx = order[start:start + 64]
            optimizer.zero_grad()
            loss = loss_fn(model(train_x[idx]), train_y[idx])
            loss.backward()
            optimizer.step()

    epoch(min(3200, len(train_x)))  # warm-up
    start = time.perf_counter()
    epoch(len(train_x))
    train_rate = len(train_x) / (time.perf_counter() - start)

    model.eval()
    with torch.no_grad():
        for b in range(0, 10000, 1000):  # warm-up
            model(test_x[b:b + 1000])
        start = time.perf_counter()
        correct = 0
        for b in range(0, 10000, 1000):
            correct += (model(test_x[b:b + 1000]).argmax(1) == test_y[b:b + 1000]).sum().item()
        infer_rate = 10000 / (time.perf_counter() - start)

        times = []
        for i in range(4000):
            x = test_x[i % 10000:i % 10000 + 1]
            t = time.perf_counter()
            torch.softmax(model(x), 1)
            if i >= 2000:
                times.append(time.perf_counter() - t)
        latency = statistics.median(times) * 1e6

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # the instruction set ATen's kernels run with ("CPU capability usage: AVX512" or AVX2)
    capability = next((line.split(":", 1)[1].strip() for line in torch.__config__.show().splitlines()
                       if "CPU capability usage" in line), None)
    print(json.dumps({"framework": "pytorch-" + torch.__version__, "threads": args.threads,
                      "train_images_per_s": round(train_rate), "infer_images_per_s": round(infer_rate),
                      "latency_us": round(latency, 1), "peak_rss_mib": round(peak),
                      "test_acc_after_bench": correct / 10000, "cpu_capability": capability}))


if __name__ == "__main__":
    main()
