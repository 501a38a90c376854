#!/usr/bin/env python3
"""Makes mnist_cnn.h5: the Keras MNIST convnet trained by a data scientist, without Keras.

There is no TensorFlow or Keras on our machines, so this plays the data scientist with PyTorch (Debian's
python3-torch): it trains the Keras 2.2.4 tutorial model (Conv2D 32/64/64 3x3 relu, 2x2 max pooling,
Dense 64 relu, Dense 10 softmax) for one epoch with RMSprop on the real MNIST files, and saves it with
h5py in exactly the layout Keras 2.2.4's model.save writes (model_config, training_config,
model_weights; see docs/interop.md), converting PyTorch's layouts to Keras' (conv kernels to
(kh, kw, in, out), Dense kernels to (in, out), and the first Dense's rows from PyTorch's (c, h, w)
flattening order to Keras' (h, w, c)). cnnc never touches the file: the tests check cnnc's import of
it against TensorFlow.js.

Usage: make_model.py MNIST_DIR OUT.h5     (MNIST_DIR holds the four IDX files, e.g. ~/.cnnc/datasets/mnist)
"""
import json
import os
import sys

import h5py
import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "interop", "src", "test", "python"))
import keras_fixtures as kf  # noqa: E402  (Keras 2.2.4 layer configs with every default)


def read_idx(directory, name):
    with open(os.path.join(directory, name), "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def main():
    data, out = sys.argv[1], sys.argv[2]
    torch.manual_seed(1)
    x = torch.tensor(read_idx(data, "train-images-idx3-ubyte"), dtype=torch.float32).unsqueeze(1) / 255
    y = torch.tensor(read_idx(data, "train-labels-idx1-ubyte").astype(np.int64))
    model = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.ReLU(),
                          nn.MaxPool2d(2), nn.Conv2d(64, 64, 3), nn.ReLU(), nn.Flatten(), nn.Linear(576, 64),
                          nn.ReLU(), nn.Linear(64, 10))
    opt = torch.optim.RMSprop(model.parameters(), lr=0.001, alpha=0.9, eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()
    order = torch.randperm(len(x))
    for start in range(0, len(x), 64):
        idx = order[start:start + 64]
        opt.zero_grad()
        loss = loss_fn(model(x[idx]), y[idx])
        loss.backward()
        opt.step()
    conv = [m for m in model if isinstance(m, nn.Conv2d)]
    lin = [m for m in model if isinstance(m, nn.Linear)]
    weights = {
        "conv2d_1": [("kernel", conv[0].weight.detach().numpy().transpose(2, 3, 1, 0)), ("bias", conv[0].bias)],
        "conv2d_2": [("kernel", conv[1].weight.detach().numpy().transpose(2, 3, 1, 0)), ("bias", conv[1].bias)],
        "conv2d_3": [("kernel", conv[2].weight.detach().numpy().transpose(2, 3, 1, 0)), ("bias", conv[2].bias)],
        # PyTorch flattens (c, h, w); Keras (h, w, c): reorder the rows of the first Dense kernel
        "dense_1": [("kernel", lin[0].weight.detach().numpy().T.reshape(64, 3, 3, 64).transpose(1, 2, 0, 3)
                     .reshape(576, 64)), ("bias", lin[0].bias)],
        "dense_2": [("kernel", lin[1].weight.detach().numpy().T), ("bias", lin[1].bias)],
    }
    weights = {k: [(n, np.ascontiguousarray(np.asarray(v.detach().numpy() if torch.is_tensor(v) else v,
                                                       dtype=np.float32))) for n, v in ws]
               for k, ws in weights.items()}
    layers = [kf.conv(32, 3, activation="relu"), kf.pool("MaxPooling2D"), kf.conv(64, 3, activation="relu"),
              kf.pool("MaxPooling2D"), kf.conv(64, 3, activation="relu"), kf.flatten(),
              kf.dense(64, activation="relu"), kf.dense(10, activation="softmax")]
    names = kf.names(layers, 1)
    configs = []
    for i, ((cls, cfg), name) in enumerate(zip(layers, names)):
        full = {"name": name, "trainable": True}
        if i == 0:
            full["batch_input_shape"] = [None, 28, 28, 1]
            full["dtype"] = "float32"
        full.update(cfg)
        configs.append({"class_name": cls, "config": full})
    config = {"class_name": "Sequential", "config": {"name": "sequential_1", "layers": configs}}
    kf.write(out, config, names, weights, "keras224")
    print("wrote %s (one epoch, last batch loss %.4f)" % (out, loss.item()))


if __name__ == "__main__":
    main()
