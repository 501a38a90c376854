#!/usr/bin/env python3
"""Reads a Keras weights file as Keras 2.2.4's load_weights_from_hdf5_group does (keras/engine/saving.py),
with its exact attribute decoding (`.decode('utf8')` on every name, which fails on the variable-length str
that h5py 3 returns for files written by careless writers), and with tf.keras 2.x's tolerant decoding.

Usage: keras_load.py FILE.h5   -> prints JSON: {"keras_version", "backend", "layers": [[layer, [[weight, shape,
       values...]]]]} for the layers that have weights, in layer_names order; exits 1 on a decode failure.
"""
import json
import sys

import h5py
import numpy as np


def load_attributes_from_hdf5_group(group, name):  # Keras 2.2.4, verbatim in substance
    if name in group.attrs:
        data = [n.decode('utf8') for n in group.attrs[name]]
    else:
        data = []
        chunk_id = 0
        while ('%s%d' % (name, chunk_id)) in group.attrs:
            data.extend([n.decode('utf8') for n in group.attrs['%s%d' % (name, chunk_id)]])
            chunk_id += 1
    return data


def main():
    with h5py.File(sys.argv[1], "r") as f:
        g = f["model_weights"] if "model_weights" in f else f
        version = g.attrs["keras_version"].decode("utf8")
        backend = g.attrs["backend"].decode("utf8")
        if "model_config" in f.attrs:
            json.loads(f.attrs["model_config"].decode("utf8"))  # load_model's decode of the config
        layer_names = load_attributes_from_hdf5_group(g, "layer_names")
        layers = []
        for name in layer_names:
            weight_names = load_attributes_from_hdf5_group(g[name], "weight_names")
            if weight_names:
                layers.append([name, [[w, list(g[name][w].shape), str(g[name][w].dtype),
                                       np.asarray(g[name][w]).astype(float).ravel().tolist()] for w in weight_names]])
        print(json.dumps({"keras_version": version, "backend": backend, "layers": layers}))


if __name__ == "__main__":
    main()
